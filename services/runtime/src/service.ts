import { createEventListener, type EventListener, type EventListenerStatus } from '@permissions/events';
import { Gauge } from 'prom-client';
import { apiRouter, type Logger, type Metrics, type Service } from '@permissions/http-kit';
import { type TokenVerifier } from '@permissions/auth';
import { type Config } from '@permissions/config';
import type { Pool, Store } from '@permissions/store';
import { UnavailableError } from '@permissions/model';
import { createActorsSource } from './actors-source';
import { buildDocumentSource } from './document-source/build';
import type { MigrationTrigger } from './document-source/migrating-loader';
import { createFastDispatcher } from './http/fast-dispatcher';
import { runtimeApi } from './http/runtime-api';
import { createAnswerer } from './questions/answerer';
import { createDecisionMemo } from './questions/decision-memo';

export interface RuntimeDeps {
  store: Store;
  pool: Pool;
  config: Config;
  log: Logger;
  metrics: Metrics;
  verifier: TokenVerifier;
  /** Set when a legacy RBAC system is configured (CONTRACT §4.6). */
  migration?: MigrationTrigger;
}

/**
 * The permissions runtime (reference §5, §6, §11): questions answered from bounded in-memory caches that events
 * invalidate; the question routes run on the lean dispatcher, `/az-events` on express.
 */
export function createRuntimeService(deps: RuntimeDeps): Service {
  const { config, log, metrics } = deps;
  if (!config.eventsSecret) throw new Error('EVENTS_SECRET is required by the runtime');
  const documents = buildDocumentSource({
    store: deps.store,
    metrics,
    maxDocuments: config.cache.maxDocuments,
    negativeTtlMs: config.timers.negativeCacheTtlMs,
    migration: deps.migration,
  });
  const actors = createActorsSource(deps.store, { max: config.cache.maxActors });
  const memo = createDecisionMemo({ max: config.cache.maxDocuments, ttlMs: config.timers.negativeCacheTtlMs });
  const answerer = createAnswerer(documents, actors, memo);
  let listener: EventListener | undefined;
  registerEventGauges(metrics, () => listener?.status());

  const fastPath = createFastDispatcher({
    verifier: deps.verifier,
    answerer,
    log,
    metrics,
    bodyLimitBytes: config.bodyLimitBytes,
    waitForSeq: async (seq) => {
      if (!listener) throw new UnavailableError('the runtime is starting');
      return listener.waitFor(seq, config.timers.minSequenceWaitMs);
    },
    clientMayReadPermissions: async (client) =>
      (await answerer.isAllowed({ principal: client, resources: ['/'], property: 'az-permissions' }, 'read', 'all'))
        .allowed === true,
  });

  const api = runtimeApi(() => listener);

  const secret = config.eventsSecret;
  return {
    name: 'runtime',
    router: apiRouter(api),
    api,
    fastPath,
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
        onEvent: (event) => {
          if (event.topic === 'permissions') documents.invalidate(event.subject, event.seq);
          else actors.invalidate(event.members, event.seq);
          memo.forgetAll();
        },
        onReset: () => {
          log.warn('fell behind the event retention window: dropping every cache');
          documents.reset();
          actors.reset();
          memo.forgetAll();
        },
        log,
      });
      await listener.start();
    },
    async close() {
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
