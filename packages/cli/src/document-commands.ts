import type { PermissionsDocument, Patch } from '@permissions/client';
import { readJson, type Context } from './context';
import { UsageError } from './exit-codes';

function asDocument(value: unknown, where: string): PermissionsDocument {
  if (
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    typeof (value as PermissionsDocument)._subject !== 'string'
  ) {
    throw new UsageError(`${where} must be a permissions document: a JSON object with "_subject"`);
  }
  return value as PermissionsDocument;
}

export async function getCommand(ctx: Context, subject: string): Promise<void> {
  const { value, etag } = await ctx.client.getDocument(subject);
  if (ctx.options.json) ctx.print({ etag, document: value });
  else {
    ctx.print(value);
    ctx.io.err(`ETag: ${etag}`);
  }
}

export async function putCommand(ctx: Context, file: string): Promise<void> {
  const document = asDocument(await readJson(ctx.io, file), file);
  const written = await ctx.client.putDocument(document);
  ctx.print(
    { created: written.created, etag: written.etag, sequence: written.sequence, document: written.value },
    `${written.created ? 'created' : 'replaced'} ${document._subject} (ETag ${written.etag}, event ${written.sequence})`,
  );
}

export async function patchCommand(
  ctx: Context,
  subject: string,
  file: string,
  options: { etag?: string },
): Promise<void> {
  const patch = (await readJson(ctx.io, file)) as Patch;
  if (patch === null || typeof patch !== 'object') {
    throw new UsageError(`${file} must be a merge patch (a JSON object) or a JSON patch (an array)`);
  }
  const etag = options.etag ?? (await ctx.client.getDocument(subject)).etag;
  const patched = await ctx.client.patchDocument(subject, patch, { etag });
  if (ctx.options.json) ctx.print({ etag: patched.etag, sequence: patched.sequence, document: patched.value });
  else {
    ctx.print(patched.value);
    ctx.io.err(`ETag: ${patched.etag}`);
  }
}

export async function deleteCommand(ctx: Context, subject: string, options: { cascade?: boolean }): Promise<void> {
  const deleted = await ctx.client.deleteDocument(subject, { cascade: options.cascade });
  const cascaded = deleted.value._cascaded ?? [];
  ctx.print(
    { deleted: subject, cascaded, sequence: deleted.sequence },
    `deleted ${subject}${cascaded.length > 0 ? ` and ${cascaded.length} heirs` : ''} (event ${deleted.sequence})`,
  );
}
