import type { Queryable, EventRecord, Seq, StoreReader } from '@permissions/store';
import { createEventPoller, type EventPoller } from './event-poller';
import { registerListener, unregisterListener } from './listener-registry';
import type { EventsLogger } from './logger';
import { SeqWaiters } from './seq-waiters';
import { verifyBroadcast, type BroadcastHeaders } from './signature';
import { Watermark } from './watermark';

export interface EventListenerOptions {
  store: Pick<StoreReader, 'getEventsAfter'>;
  pool: Queryable;
  /** This process's base URL as broadcasters reach it; broadcasts arrive at `{listenerUrl}/az-events`. */
  listenerUrl: string;
  /** EVENTS_SECRET. */
  secret: string;
  /** Catch-up poll for lost broadcasts (reference B23: 2 min there, hence minutes of staleness). */
  pollIntervalMs: number;
  /** How often the registration in `listeners` is renewed; keep it well below the GC's listenerTtlMs. */
  heartbeatMs: number;
  /** The longest a write transaction can stay open (the writer connections' Postgres timeouts). */
  holeTimeoutMs: number;
  /** Invalidate what the event names (a hint only: re-read from the database). Called once per event. */
  onEvent(event: EventRecord): void;
  /** Drop every cache: events this listener needed were garbage-collected before it applied them. */
  onReset(): void;
  log: EventsLogger;
}

export interface EventListenerStatus {
  appliedThrough: Seq;
  highestSeen: Seq;
  pendingHoles: number;
}

export interface EventListener {
  start(): Promise<void>;
  close(): Promise<void>;
  /** Handles a POST to /az-events: UnauthorizedError if not signed with the secret, BadRequestError if malformed. */
  receive(rawBody: Buffer, headers: BroadcastHeaders): Promise<void>;
  /** W: every event up to here has been applied (or was a hole, skipped). 0 before start. */
  appliedThrough(): Seq;
  /** True once event `seq` is applied; else polls at once and waits up to `timeoutMs` for it, then false. */
  waitFor(seq: Seq, timeoutMs: number): Promise<boolean>;
  pollNow(): Promise<void>;
  status(): EventListenerStatus;
}

/**
 * Where a starting listener begins: below every transaction that may still be open, so that an event committed just
 * after start is not taken for old history (its broadcast would be ignored while a cache filled before its commit
 * keeps the old version). Any event created longer ago than a transaction can last has a lower seq than every open
 * transaction (sequence numbers are taken before the event row is written), so the latest of those is a safe start.
 * The events after it (at most holeTimeoutMs of writes) are replayed into caches that are still empty, which costs
 * nothing. Never below what GC deleted: that history is gone and no cache holds it. statement_timestamp() is stable,
 * so the bound is an index condition (clock_timestamp() would make it a filter over the whole index).
 */
export const START_SEQ_SQL = `
  SELECT greatest(
    coalesce((
      SELECT seq FROM events
      WHERE created_at < statement_timestamp() - make_interval(secs => $1::double precision / 1000)
      ORDER BY created_at DESC
      LIMIT 1), 0),
    coalesce((SELECT max_deleted_seq FROM event_gc), 0)) AS seq`;

export async function findStartSeq(db: Queryable, holeTimeoutMs: number): Promise<Seq> {
  const { rows } = await db.query<{ seq: string }>(START_SEQ_SQL, [holeTimeoutMs]);
  return Number(rows[0]?.seq ?? 0);
}

export function createEventListener(options: EventListenerOptions): EventListener {
  const { store, pool, listenerUrl, secret, pollIntervalMs, heartbeatMs, holeTimeoutMs, onEvent, onReset, log } =
    options;
  const waiters = new SeqWaiters();
  const now = (): number => performance.now();
  let watermark: Watermark | undefined;
  let poller: EventPoller | undefined;
  let starting: Promise<void> | undefined;
  let closed = false;
  const timers: NodeJS.Timeout[] = [];

  function reset(reason: string, fields: object): void {
    log.warn(fields, `dropping all caches: ${reason}`);
    try {
      onReset();
    } catch (error) {
      log.error({ err: error }, 'onReset failed');
    }
  }

  function apply(event: EventRecord, at: number): void {
    if (!watermark?.markSeen(event.seq, at)) return;
    try {
      onEvent(event);
    } catch (error) {
      // The cache may now hold what this event should have removed; only a full drop is certain to be right.
      reset('onEvent failed', { err: error, seq: event.seq });
    }
  }

  function release(): void {
    const current = watermark;
    if (current) waiters.release((seq) => current.has(seq));
  }

  async function heartbeat(): Promise<void> {
    try {
      await registerListener(pool, listenerUrl);
    } catch (error) {
      log.warn({ err: error, listenerUrl }, 'could not renew the event listener registration');
    }
  }

  async function begin(): Promise<void> {
    await registerListener(pool, listenerUrl);
    const startSeq = await findStartSeq(pool, holeTimeoutMs);
    const mark = new Watermark(startSeq);
    watermark = mark;
    poller = createEventPoller({
      store,
      pool,
      watermark: mark,
      holeTimeoutMs,
      apply,
      fellBehind(maxDeletedSeq) {
        reset('events this listener needed were garbage-collected', {
          appliedThrough: mark.value,
          maxDeletedSeq,
        });
        mark.raiseTo(maxDeletedSeq);
      },
      afterPass: release,
      isClosed: () => closed,
      now,
      log,
    });
    log.info({ listenerUrl, startSeq }, 'event listener started');
    timers.push(setInterval(() => void heartbeat(), heartbeatMs));
    timers.push(setInterval(() => void pollNow(), pollIntervalMs));
    for (const timer of timers) timer.unref();
    await poller.pollNow();
  }

  function pollNow(): Promise<void> {
    return poller ? poller.pollNow() : Promise.resolve();
  }

  return {
    start() {
      closed = false;
      // A failed start (database down) may be retried.
      starting ??= begin().catch((error: unknown) => {
        starting = undefined;
        throw error;
      });
      return starting;
    },

    async close() {
      closed = true;
      waiters.cancelAll();
      // A start still under way would add its timers after they were cleared here.
      await starting?.catch(() => undefined);
      for (const timer of timers.splice(0)) clearInterval(timer);
      await pollNow();
      starting = undefined;
      await unregisterListener(pool, listenerUrl).catch((error: unknown) =>
        log.warn({ err: error, listenerUrl }, 'could not unregister the event listener'),
      );
    },

    async receive(rawBody, headers) {
      const events = verifyBroadcast(rawBody, headers, secret, Date.now());
      // Before start the position is unknown; the start pass reads these events from the table anyway.
      if (!watermark || closed) return;
      const at = now();
      for (const event of events) apply(event, at);
      release();
    },

    appliedThrough: () => watermark?.value ?? 0,

    async waitFor(seq, timeoutMs) {
      if (watermark?.has(seq)) return true;
      if (closed || timeoutMs <= 0) return false;
      const reached = waiters.wait(seq, timeoutMs);
      void pollNow();
      return reached;
    },

    pollNow,

    status: () => ({
      appliedThrough: watermark?.value ?? 0,
      highestSeen: watermark?.highestSeen ?? 0,
      pendingHoles: watermark?.pendingHoles ?? 0,
    }),
  };
}
