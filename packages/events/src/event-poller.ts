import type { Queryable, EventRecord, Seq, StoreReader } from '@permissions/store';
import { readMaxDeletedSeq } from './event-gc';
import type { EventsLogger } from './logger';
import type { Watermark } from './watermark';

const DEFAULT_PAGE_SIZE = 1000;

export interface EventPollerOptions {
  store: Pick<StoreReader, 'getEventsAfter'>;
  pool: Queryable;
  watermark: Watermark;
  /** The longest a write transaction can stay open: a hole known for longer will never be filled. */
  holeTimeoutMs: number;
  /** Applies one polled event (the caller skips those already applied). `now` is the monotonic time of the read. */
  apply(event: EventRecord, now: number): void;
  /** Called when garbage collection deleted events above the watermark, i.e. events this listener never applied. */
  fellBehind(maxDeletedSeq: Seq): void;
  /** Called after every pass, whether or not it found anything (the watermark may have moved over holes). */
  afterPass(): void;
  isClosed(): boolean;
  now(): number;
  log: EventsLogger;
  pageSize?: number;
}

export interface EventPoller {
  /**
   * Runs a pass that starts after this call and resolves when it is done. Calls made while a pass is running share
   * one follow-up pass: the running one may have read before the caller's event committed. Never rejects (a failed
   * pass is logged; the next one retries).
   */
  pollNow(): Promise<void>;
}

/**
 * One pass reads every event after the watermark (re-reading from W each time, so that a hole's late commit is
 * found), applies the unseen ones, checks whether garbage collection overtook the watermark, and skips holes that
 * have outlived any transaction.
 */
export function createEventPoller(options: EventPollerOptions): EventPoller {
  const { store, pool, watermark, holeTimeoutMs, apply, fellBehind, afterPass, isClosed, now, log } = options;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;

  async function pass(): Promise<void> {
    if (isClosed()) return;
    // The hole rule compares against the start of the first read: only a read begun after a hole's transaction must
    // have ended proves the hole will stay empty.
    const startedAt = now();
    let after = watermark.value;
    for (;;) {
      const events = await store.getEventsAfter(after, pageSize);
      const readAt = now();
      for (const event of events) apply(event, readAt);
      const last = events.at(-1);
      if (!last || events.length < pageSize || isClosed()) break;
      // Page on from the last row, not from W: W stays put below a hole, and re-reading from it would loop.
      after = last.seq;
    }
    // Read after the events: a GC that deleted some before our read has raised the mark by now. Reading it first
    // would leave a window where events vanish unnoticed.
    const maxDeletedSeq = await readMaxDeletedSeq(pool);
    if (maxDeletedSeq > watermark.value) fellBehind(maxDeletedSeq);
    const skipped = watermark.skipHolesKnownBefore(startedAt - holeTimeoutMs);
    if (skipped.length > 0) {
      log.info({ skipped, appliedThrough: watermark.value }, 'skipped event sequence holes (rolled-back writes)');
    }
  }

  function pollNow(): Promise<void> {
    if (!running) {
      running = pass()
        .catch((error: unknown) => log.warn({ err: error }, 'event poll failed'))
        .finally(() => {
          running = undefined;
          afterPass();
        });
      return running;
    }
    queued ??= running.then(() => {
      queued = undefined;
      return pollNow();
    });
    return queued;
  }

  return { pollNow };
}
