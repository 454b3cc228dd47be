import { clientBulkApi, exportNdjson, importNdjson, ImportRefused } from '@permissions/bulk-io';
import { principalOfToken } from '@permissions/client/express';
import type { Context } from './context';
import { UsageError } from './exit-codes';
import { progress } from './progress';

export interface ImportOptions {
  /** Documents per request (1 to 10 000). */
  chunk?: string;
  /** Where the progress of an unfinished import is kept (default `FILE.import-progress.json`). */
  progress?: string;
}

/** The most documents one bulk request takes (the route's MAX_BULK_DOCUMENTS). */
const MAX_CHUNK = 10_000;

/**
 * `import FILE`: NDJSON documents (one per line, in any order) streamed through `POST /az-permissions-bulk` in
 * chunks, each all or nothing; heirs whose parents come later in the file wait for them. Interrupted, it goes on
 * where it stopped when run again with the same file (its progress file). Refused documents are listed by line.
 */
export async function importCommand(ctx: Context, file: string, options: ImportOptions): Promise<void> {
  if (file === '-') throw new UsageError('import reads a file (so that it can resume), not stdin');
  const chunkSize = options.chunk === undefined ? undefined : Number(options.chunk);
  if (chunkSize !== undefined && !(Number.isInteger(chunkSize) && chunkSize >= 1 && chunkSize <= MAX_CHUNK)) {
    throw new UsageError(`--chunk must be an integer from 1 to ${MAX_CHUNK}`);
  }
  const bar = progress(ctx.io, 'importing', { lines: true, unit: 'bytes' });
  let result;
  try {
    result = await importNdjson({
      file: ctx.io.resolve(file),
      api: clientBulkApi(ctx.client),
      chunkSize,
      progressFile: options.progress === undefined ? undefined : ctx.io.resolve(options.progress),
      onProgress: (p) =>
        bar.update(
          p.committedBytes,
          p.totalBytes,
          `${p.created} created, ${p.updated} updated, ${p.unchanged} unchanged${p.waiting ? `, ${p.waiting} waiting for parents` : ''}`,
        ),
    });
  } catch (err) {
    if (err instanceof ImportRefused) {
      for (const { line, subject, msg } of err.refusals) {
        ctx.io.err(`  line ${line}${subject === '' ? '' : ` ${subject}`}: ${msg}`);
      }
    }
    throw err;
  } finally {
    bar.stop();
  }
  const resumed = result.resumedFrom ? ` (resumed at line ${result.resumedFrom.line})` : '';
  ctx.print(
    result,
    `imported ${file}${resumed}: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged; sequence ${result.sequence ?? '-'}`,
  );
}

/**
 * `export [ROOT…]`: every document the caller may read at and below the roots, one JSON line each, as `import`
 * reads them. Without roots: `/`, the namespaces the caller may list and what is shared with him. Documents the
 * caller may not read are skipped (said on stderr); their heirs he may know of are still exported.
 */
export async function exportCommand(ctx: Context, roots: string[]): Promise<void> {
  const bar = progress(ctx.io, 'exporting', { lines: false });
  let result;
  try {
    result = await exportNdjson({
      api: clientBulkApi(ctx.client),
      roots: roots.length > 0 ? roots : undefined,
      principal: ctx.options.token === undefined ? undefined : principalOfToken(ctx.options.token),
      write: (line) => ctx.io.out(line),
      onProgress: (exported, subject) => bar.update(exported, undefined, subject),
      onSkipped: (subject) => ctx.io.err(`skipped ${subject}: you may not read it`),
    });
  } finally {
    bar.stop();
  }
  ctx.io.err(`exported ${result.exported} documents${result.skipped ? `, skipped ${result.skipped}` : ''}`);
}
