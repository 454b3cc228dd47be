import { NotFoundError, PermissionsApiError, type PermissionsDocument } from '@permissions/client';
import type { Context } from './context';
import { UsageError } from './exit-codes';
import { progress } from './progress';

function parseNdjson(text: string, file: string): PermissionsDocument[] {
  const documents: PermissionsDocument[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new UsageError(`${file}:${index + 1}: not JSON: ${(err as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || typeof (value as { _subject?: unknown })._subject !== 'string') {
      throw new UsageError(`${file}:${index + 1}: not a permissions document (a JSON object with "_subject")`);
    }
    documents.push(value as PermissionsDocument);
  });
  return documents;
}

/** Parents before heirs (a parent in the file is created first); the file's order otherwise. */
function parentsFirst(documents: PermissionsDocument[]): PermissionsDocument[] {
  const bySubject = new Map(documents.map((d) => [d._subject, d]));
  const ordered: PermissionsDocument[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (document: PermissionsDocument) => {
    if (placed.has(document._subject) || visiting.has(document._subject)) return;
    visiting.add(document._subject);
    for (const parent of [document._inheritsPermissionsOf ?? []].flat()) {
      const inFile = bySubject.get(parent);
      if (inFile) place(inFile);
    }
    visiting.delete(document._subject);
    placed.add(document._subject);
    ordered.push(document);
  };
  documents.forEach(place);
  return ordered;
}

/** The route is not there at all (an older server): the 404 of the router, not of a document. */
function routeMissing(err: unknown, path: string): boolean {
  return err instanceof NotFoundError && err.msg.endsWith(`${path} not found`);
}

/**
 * `import FILE`: NDJSON documents, all or nothing through `POST /az-permissions-bulk` where the server has it;
 * otherwise one by one (create, or replace the stored one), parents first.
 */
export async function importCommand(ctx: Context, file: string): Promise<void> {
  const documents = parseNdjson(await ctx.io.readFile(file), file);
  try {
    const result = await ctx.client.bulk(documents);
    ctx.print(
      { mode: 'bulk', ...result },
      `imported ${documents.length} documents in one transaction: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged (event ${result.sequence})`,
    );
    return;
  } catch (err) {
    if (!routeMissing(err, '/az-permissions-bulk')) throw err;
  }
  const bar = progress(ctx.io, 'importing', documents.length);
  let created = 0;
  let updated = 0;
  try {
    for (const document of parentsFirst(documents)) {
      const written = await ctx.client.putDocument(document);
      if (written.created) created++;
      else updated++;
      bar.tick(document._subject);
    }
  } finally {
    bar.stop();
  }
  ctx.print(
    { mode: 'one-by-one', created, updated, sequence: ctx.client.lastSequence() },
    `imported ${documents.length} documents one by one: ${created} created, ${updated} replaced`,
  );
}

/**
 * `export [ROOT…]`: every document the caller may read at and below the roots (default `/`), one JSON line each,
 * parents before heirs (so that `import` of the output works). Documents the caller may not read are skipped with
 * a warning.
 */
export async function exportCommand(ctx: Context, roots: string[]): Promise<void> {
  const queue = roots.length > 0 ? [...roots] : ['/'];
  const seen = new Set<string>(queue);
  const bar = progress(ctx.io, 'exporting', undefined);
  let exported = 0;
  try {
    while (queue.length > 0) {
      const subject = queue.shift() as string;
      try {
        const { value } = await ctx.client.getDocument(subject);
        ctx.io.out(JSON.stringify(value));
        exported++;
        bar.tick(subject);
      } catch (err) {
        if (!(err instanceof PermissionsApiError) || (err.status !== 403 && err.status !== 404)) throw err;
        ctx.io.err(`skipped ${subject}: ${err.msg}`);
      }
      try {
        for (const heir of await ctx.client.heirs(subject)) {
          if (!seen.has(heir)) {
            seen.add(heir);
            queue.push(heir);
          }
        }
      } catch (err) {
        if (!(err instanceof PermissionsApiError) || (err.status !== 403 && err.status !== 404)) throw err;
      }
    }
  } finally {
    bar.stop();
  }
  if (!ctx.io.interactive) ctx.io.err(`exported ${exported} documents`);
}
