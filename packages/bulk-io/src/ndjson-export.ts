import type { BulkApi } from './bulk-api';

export interface ExportOptions {
  api: Pick<BulkApi, 'document' | 'heirs' | 'namespaces' | 'sharedWith'>;
  /** Receives one line (a JSON document, no newline) at a time, in the order written. */
  write(line: string): void | Promise<void>;
  /** Where to start (default: `/`, every namespace the caller may list, and what is shared with him). */
  roots?: string[];
  /** The caller's principal, to find what is shared with him when no roots are given. */
  principal?: string;
  /** Documents read at once (default 8). */
  concurrency?: number;
  onProgress?(exported: number, subject: string): void;
  /** Told of each document reached but not readable by the caller (it is not exported). */
  onSkipped?(subject: string): void;
}

/**
 * Writes every document the caller may read, reached from the roots through their heirs, one JSON object per line
 * as `GET /az-permissions` answers it (with its `_metadata`, which an import ignores): the format `importNdjson`
 * reads. A document is written before the heirs found through it; a document with several parents may come before
 * one of them, which the import resolves. Documents the caller may not read are not written (their heirs the caller
 * may know of still are): an export holds what its caller may read, no more.
 */
export async function exportNdjson(options: ExportOptions): Promise<{ exported: number; skipped: number }> {
  const { api } = options;
  const concurrency = options.concurrency ?? 8;
  const roots = options.roots ?? [
    '/',
    ...(await api.namespaces()),
    ...(options.principal ? await api.sharedWith(options.principal) : []),
  ];
  const seen = new Set<string>(roots);
  const queue = [...seen];
  let exported = 0;
  let skipped = 0;
  // Level by level: the documents of a level are read in parallel, then written in queue order.
  while (queue.length > 0) {
    const level = queue.splice(0, queue.length);
    const read: Array<{ subject: string; document: Record<string, unknown> | undefined; heirs: string[] }> = [];
    for (let i = 0; i < level.length; i += concurrency) {
      read.push(
        ...(await Promise.all(
          level.slice(i, i + concurrency).map(async (subject) => ({
            subject,
            document: await api.document(subject),
            heirs: await api.heirs(subject),
          })),
        )),
      );
    }
    for (const { subject, document, heirs } of read) {
      if (document === undefined) {
        skipped++;
        options.onSkipped?.(subject);
      } else {
        await options.write(JSON.stringify(document));
        exported++;
        options.onProgress?.(exported, subject);
      }
      for (const heir of heirs) {
        if (seen.has(heir)) continue;
        seen.add(heir);
        queue.push(heir);
      }
    }
  }
  return { exported, skipped };
}
