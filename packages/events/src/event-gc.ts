import type { Queryable, Seq } from '@permissions/store';
import { deleteStaleListeners } from './listener-registry';
import type { EventsLogger } from './logger';

export const DEFAULT_RETENTION_MS = 3_600_000;
/** Small batches keep each DELETE far below the statement timeout, even after the GC was down for a long time. */
const DELETE_BATCH = 5000;

/**
 * Deletes one batch of events older than the retention and raises event_gc.max_deleted_seq in the same statement, so
 * a listener that sees the mark above its watermark knows exactly that it lost events (and one that does not, that it
 * lost none). SKIP LOCKED lets several processes collect at once without waiting on each other's rows; greatest()
 * keeps the mark from moving down whichever commits last. statement_timestamp(), unlike clock_timestamp(), is stable
 * within the statement, so the age bound is an index condition on events_created_at_idx rather than a filter.
 */
export const DELETE_OLD_EVENTS_SQL = `
  WITH doomed AS (
    SELECT seq FROM events
    WHERE created_at < statement_timestamp() - make_interval(secs => $1::double precision / 1000)
    ORDER BY created_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
  ), deleted AS (
    DELETE FROM events USING doomed WHERE events.seq = doomed.seq RETURNING events.seq
  ), marked AS (
    UPDATE event_gc SET max_deleted_seq = greatest(max_deleted_seq, (SELECT max(seq) FROM deleted))
    WHERE EXISTS (SELECT 1 FROM deleted)
    RETURNING max_deleted_seq
  )
  SELECT (SELECT count(*) FROM deleted) AS deleted, (SELECT max_deleted_seq FROM marked) AS max_deleted_seq`;

export async function deleteOldEvents(
  db: Queryable,
  retentionMs: number,
  batch = DELETE_BATCH,
): Promise<{ deleted: number; maxDeletedSeq: Seq | null }> {
  let deleted = 0;
  let maxDeletedSeq: Seq | null = null;
  for (;;) {
    const { rows } = await db.query<{ deleted: string; max_deleted_seq: string | null }>(DELETE_OLD_EVENTS_SQL, [
      retentionMs,
      batch,
    ]);
    const count = Number(rows[0]?.deleted ?? 0);
    deleted += count;
    if (rows[0]?.max_deleted_seq != null) maxDeletedSeq = Number(rows[0].max_deleted_seq);
    if (count < batch) return { deleted, maxDeletedSeq };
  }
}

const MAX_DELETED_SEQ_SQL = `SELECT coalesce((SELECT max_deleted_seq FROM event_gc), 0) AS seq`;

/** The highest seq garbage collection has deleted (0 if none). */
export async function readMaxDeletedSeq(db: Queryable): Promise<Seq> {
  const { rows } = await db.query<{ seq: string }>(MAX_DELETED_SEQ_SQL);
  return Number(rows[0]?.seq ?? 0);
}

export interface EventGcOptions {
  pool: Queryable;
  retentionMs?: number;
  /** A listener not renewed for this long is dropped from the broadcast list. */
  listenerTtlMs: number;
  intervalMs: number;
  log: EventsLogger;
}

export interface EventGcResult {
  deletedEvents: number;
  /** The mark after this run's deletes, or null if it deleted no event. */
  maxDeletedSeq: Seq | null;
  deletedListeners: string[];
}

export interface EventGc {
  start(): void;
  close(): Promise<void>;
  runOnce(): Promise<EventGcResult>;
}

/** Periodic garbage collection of old events and stale listeners. Safe to run in every process at once. */
export function createEventGc(options: EventGcOptions): EventGc {
  const { pool, listenerTtlMs, intervalMs, log } = options;
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function runOnce(): Promise<EventGcResult> {
    const { deleted, maxDeletedSeq } = await deleteOldEvents(pool, retentionMs);
    const deletedListeners = await deleteStaleListeners(pool, listenerTtlMs);
    if (deleted > 0 || deletedListeners.length > 0) {
      log.info({ deletedEvents: deleted, maxDeletedSeq, deletedListeners }, 'event gc');
    }
    return { deletedEvents: deleted, maxDeletedSeq, deletedListeners };
  }

  function tick(): void {
    // A slow run is not overlapped by the next tick; it simply delays it.
    if (running) return;
    running = runOnce()
      .catch((error: unknown) => log.warn({ err: error }, 'event gc failed'))
      .finally(() => {
        running = undefined;
      });
  }

  return {
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
    runOnce,
  };
}
