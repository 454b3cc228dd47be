import { stat } from 'node:fs/promises';
import type { BulkApi, BulkItemError } from './bulk-api';
import { ndjsonLines, type NdjsonLine } from './ndjson-lines';
import { readProgress, removeProgress, sha256Of, writeProgress, type ImportProgress } from './progress-file';

/** The route takes at most this many documents at once (MAX_BULK_DOCUMENTS). */
const ROUTE_LIMIT = 10_000;

export interface ImportOptions {
  file: string;
  api: Pick<BulkApi, 'bulk'>;
  /** Documents per request (default 1 000, at most 10 000). */
  chunkSize?: number;
  /** Where the progress of an unfinished import is kept (default `{file}.import-progress.json`). */
  progressFile?: string;
  /** Documents waiting for parents later in the file, at most (default 100 000). */
  maxDeferred?: number;
  onProgress?(progress: ImportStatus): void;
}

export interface ImportStatus {
  /** Bytes of the file known to be in the database, and the file's size. */
  committedBytes: number;
  totalBytes: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Documents waiting for a parent that comes later in the file. */
  waiting: number;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  sequence: number | null;
  /** Where an earlier, interrupted run of the same file had got to (line number and byte), or null. */
  resumedFrom: { line: number; byte: number } | null;
  requests: number;
}

/** Documents of the file refused for good: with their line numbers. Nothing of the failing request was stored. */
export class ImportRefused extends Error {
  constructor(
    message: string,
    readonly refusals: Array<{ line: number; subject: string; msg: string }>,
  ) {
    super(message);
    this.name = 'ImportRefused';
  }
}

interface Item {
  line: NdjsonLine;
  document: unknown;
}

/**
 * Imports an NDJSON file of permissions documents (one JSON object per line, as `exportNdjson` writes them, in any
 * order) through `POST /az-permissions-bulk`, streamed in chunks, each chunk all or nothing.
 *
 * Order: within a chunk the route orders documents itself. A document whose parent comes in a later chunk is refused
 * by the route with `missingParents` (or `dependsOn` such a refusal): it waits and is sent again with later chunks;
 * documents still waiting at the end of the file are refused for good (their parents never came).
 *
 * Resuming: after each committed chunk a progress file records the SHA-256 of the file and the offset below which
 * every document is in the database. Run again after an interruption, the import skips to that offset; what follows
 * it is sent again, and what was already written comes back unchanged (the route is idempotent), so a progress file
 * lost or a chunk committed just before the kill costs time, never a wrong result. The progress file is removed when
 * the import ends.
 */
export async function importNdjson(options: ImportOptions): Promise<ImportResult> {
  const { file, api } = options;
  const chunkSize = Math.min(Math.max(1, options.chunkSize ?? 1000), ROUTE_LIMIT);
  const maxDeferred = options.maxDeferred ?? 100_000;
  const progressFile = options.progressFile ?? `${file}.import-progress.json`;
  const totalBytes = (await stat(file)).size;
  const sha256 = await sha256Of(file);
  const earlier = await readProgress(progressFile);
  if (earlier && (earlier.sha256 !== sha256 || earlier.committedBytes > totalBytes)) {
    throw new ImportRefused(
      `${file} changed since the interrupted import recorded in ${progressFile}: remove that file to start over`,
      [],
    );
  }
  const state: ImportProgress = earlier ?? {
    file,
    sha256,
    committedBytes: 0,
    nextLine: 1,
    created: 0,
    updated: 0,
    unchanged: 0,
    sequence: null,
  };
  const resumedFrom = earlier ? { line: earlier.nextLine, byte: earlier.committedBytes } : null;
  let waiting: Item[] = [];
  let chunk: Item[] = [];
  let lastEnd = state.committedBytes;
  let lastNumber = state.nextLine;
  let requests = 0;

  const report = () =>
    options.onProgress?.({
      committedBytes: state.committedBytes,
      totalBytes,
      created: state.created,
      updated: state.updated,
      unchanged: state.unchanged,
      waiting: waiting.length,
    });

  /** Sends the items; those refused only for parents not written yet wait. Returns how many were written. */
  async function send(items: Item[]): Promise<number> {
    let sending = items;
    while (sending.length > 0) {
      requests++;
      const answer = await api.bulk(sending.map((item) => item.document));
      if (answer.status === 200) {
        const counts = answer.body;
        state.created += counts.created;
        state.updated += counts.updated;
        state.unchanged += counts.unchanged;
        if (counts.sequence !== null) state.sequence = Math.max(state.sequence ?? 0, counts.sequence);
        return sending.length;
      }
      const { body } = answer;
      const errors = body.errors ?? [];
      if (errors.length === 0) throw new ImportRefused(`${file} was refused: ${body.msg}`, []);
      const later = waitingForParents(errors);
      const refusals = errors.filter((error) => !later.has(error.index));
      if (refusals.length > 0) {
        throw new ImportRefused(
          `${refusals.length} documents of ${file} were refused; nothing of their chunk was stored (${body.msg})`,
          refusals.map((error) => ({ line: sending[error.index].line.number, subject: error.subject, msg: error.msg })),
        );
      }
      waiting.push(...sending.filter((_, index) => later.has(index)));
      if (waiting.length > maxDeferred) {
        throw new ImportRefused(
          `more than ${maxDeferred} documents of ${file} wait for parents that have not come yet: put parents before their heirs`,
          waiting
            .slice(0, 100)
            .map((item) => ({ line: item.line.number, subject: subjectOf(item), msg: 'waits for a parent' })),
        );
      }
      sending = sending.filter((_, index) => !later.has(index));
    }
    return 0;
  }

  /** Records what is now surely in the database: everything before the first line still waiting or unsent. */
  async function commit(): Promise<void> {
    waiting.sort((a, b) => a.line.start - b.line.start);
    const first = waiting[0]?.line ?? chunk[0]?.line;
    state.committedBytes = first ? first.start : lastEnd;
    state.nextLine = first ? first.number : lastNumber;
    await writeProgress(progressFile, state);
    report();
  }

  async function flush(): Promise<void> {
    const retried = waiting.splice(0, Math.max(0, ROUTE_LIMIT - chunk.length));
    const items = [...retried, ...chunk];
    chunk = [];
    await send(items);
    await commit();
  }

  for await (const line of ndjsonLines(file, state.committedBytes, state.nextLine)) {
    let document: unknown;
    try {
      document = JSON.parse(line.text);
    } catch (error) {
      throw new ImportRefused(`${file}:${line.number} is not JSON`, [
        { line: line.number, subject: '', msg: (error as Error).message },
      ]);
    }
    chunk.push({ line, document });
    lastEnd = line.end;
    lastNumber = line.number + 1;
    if (chunk.length >= chunkSize) await flush();
  }
  if (chunk.length > 0) await flush();
  // The file is read: what still waits is sent again until a round writes none of it.
  while (waiting.length > 0) {
    const before = waiting.length;
    const round = waiting;
    waiting = [];
    // Progress is recorded once the round is over: until then, documents of the round not sent yet are in neither
    // list, and the offset must not pass them.
    for (let i = 0; i < round.length; i += ROUTE_LIMIT) await send(round.slice(i, i + ROUTE_LIMIT));
    await commit();
    if (waiting.length === before) {
      throw new ImportRefused(
        `${waiting.length} documents of ${file} name parents that neither the file nor the database has (that you may see)`,
        waiting.map((item) => ({ line: item.line.number, subject: subjectOf(item), msg: 'its parents never came' })),
      );
    }
  }
  await removeProgress(progressFile);
  return {
    created: state.created,
    updated: state.updated,
    unchanged: state.unchanged,
    sequence: state.sequence,
    resumedFrom,
    requests,
  };
}

/** Refusals that a later chunk may cure: a parent with no document yet, or inheriting from such a document. */
function waitingForParents(errors: BulkItemError[]): Set<number> {
  const byIndex = new Map(errors.map((error) => [error.index, error]));
  const later = new Set<number>();
  const waits = (error: BulkItemError, seen: Set<number>): boolean => {
    if (error.missingParents !== undefined && error.missingParents.length > 0) return true;
    if (error.dependsOn === undefined || seen.has(error.dependsOn)) return false;
    const parent = byIndex.get(error.dependsOn);
    return parent !== undefined && waits(parent, new Set([...seen, error.index]));
  };
  for (const error of errors) if (waits(error, new Set())) later.add(error.index);
  return later;
}

function subjectOf(item: Item): string {
  const document = item.document as { _subject?: unknown };
  return typeof document?._subject === 'string' ? document._subject : '';
}
