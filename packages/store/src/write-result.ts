import type { AppendedWrite, WriteResult } from './types';

/**
 * The result of a write that always appends an event (every document and team mutation does), typed with its seq:
 * the `X-Event-Sequence` of the answer. A write that appended nothing is a programming error, not a client's.
 */
export function appended<T>(written: WriteResult<T>): AppendedWrite<T> {
  if (written.seq === null) throw new Error('a write expected to append an event appended none');
  return { ...written, seq: written.seq };
}
