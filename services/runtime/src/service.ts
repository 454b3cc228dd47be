import { createEventListener, type EventListener, type EventListenerStatus } from '@permissions/events';
import { Gauge } from 'prom-client';
import { apiRouter, type Logger, type Metrics, type Service } from '@permissions/http-kit';
import { type Config } from '@permissions/config';
import type { Pool, Store } from '@permissions/store';
import { UnavailableError } from '@permissions/model';
import { buildQuestionChain } from './chain/build';
import type { MigrationTrigger } from './document-source/migrating-loader';
import { runtimeApi } from './http/runtime-api';
import { createQuestionRoutes } from './http/question-routes';

export interface RuntimeDeps {
  store: Store;
  pool: Pool;
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** Set when a legacy RBAC system is configured (CONTRACT §4.6). */
  migration?: MigrationTrigger;
}

/**
 * The permissions runtime (reference §5, §6, §11): questions answered from bounded in-memory caches that events
 * invalidate, served as direct routes of the request pipeline; `/az-events` on express.
 */
export function createRuntimeService(deps: RuntimeDeps): Service {
  const { config, log, metrics } = deps;
  if (!config.eventsSecret) throw new Error('EVENTS_SECRET is required by the runtime');
  const chain = buildQuestionChain({
    store: deps.store,
    metrics,
    maxDocuments: config.cache.maxDocuments,
    maxActors: config.cache.maxActors,
    maxBytes: config.cache.maxBytes,
    negativeTtlMs: config.timers.negativeCacheTtlMs,
    migration: deps.migration,
  });
  let listener: EventListener | undefined;
  registerEventGauges(metrics, () => listener?.status());

  const directRoutes = createQuestionRoutes({
    decider: chain.decider,
    inheritance: chain.inheritance,
    questions: chain.questions,
    async waitForSeq(seq) {
      if (!listener) throw new UnavailableError('the runtime is starting');
      if (!(await listener.waitFor(seq, config.timers.minSequenceWaitMs))) {
        throw new UnavailableError(`this runtime has not yet applied event ${seq}; retry shortly`, { atLeast: seq });
      }
    },
  });

  const api = runtimeApi(() => listener);

  const secret = config.eventsSecret;
  return {
    name: 'runtime',
    router: apiRouter(api),
    api,
    directRoutes,
    selfAuthenticatedPaths: ['/az-events'],
    async start({ port }) {
      // A write transaction lasts at most a few statements, each bounded by statement_timeout, with idle gaps
      // bounded by idle_in_transaction_session_timeout: past that, a missing seq is a rolled-back write.
      const holeTimeoutMs = 2 * config.db.statementTimeoutMs + config.db.idleInTransactionTimeoutMs;
      listener = createEventListener({
        store: deps.store,
        pool: deps.pool,
        listenerUrl: config.listenerUrl ?? `http://127.0.0.1:${port}`,
        secret,
        pollIntervalMs: config.timers.pollIntervalMs,
        heartbeatMs: config.timers.heartbeatMs,
        holeTimeoutMs,
        onEvent: (event) => chain.apply(event),
        onReset: () => {
          log.warn('fell behind the event retention window: dropping every cache');
          chain.reset();
        },
        log,
      });
      await listener.start();
    },
    async close() {
      chain.close();
      await listener?.close();
    },
  };
}

/** Event lag on /metrics: how far this runtime has applied the event log, and how many holes it is waiting out. */
function registerEventGauges(metrics: Metrics, status: () => EventListenerStatus | undefined): void {
  const gauge = (name: string, help: string, read: (s: EventListenerStatus) => number) =>
    new Gauge({
      name,
      help,
      registers: [metrics.registry],
      collect() {
        const current = status();
        if (current !== undefined) this.set(read(current));
      },
    });
  gauge(
    'runtime_events_applied_seq',
    'Every event up to this seq has been applied to the caches',
    (s) => s.appliedThrough,
  );
  gauge('runtime_events_highest_seen_seq', 'Highest event seq seen by broadcast or poll', (s) => s.highestSeen);
  gauge(
    'runtime_events_pending_holes',
    'Sequence numbers waited for (in-flight or rolled-back writes)',
    (s) => s.pendingHoles,
  );
}
