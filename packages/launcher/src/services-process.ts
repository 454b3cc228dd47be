import { createServer, type Server } from 'node:http';
import { attachBroadcaster, createBroadcaster, createEventGc, sharedEventsSecret } from '@permissions/events';
import {
  createClientCredentials,
  createHttpApp,
  createMetrics,
  createPrincipalNormaliser,
  createTokenVerifier,
  type Config,
  type Logger,
  type Service,
  type ServiceName,
} from '@permissions/http-kit';
import { createPgStore, createPool } from '@permissions/store';
import { createMaintenanceService } from '@permissions/maintenance';
import { createTeamsService } from '@permissions/teams';
import { createRuntimeService } from '@permissions/runtime';
import { createMigrationService, createMigrationTrigger, type MigrationService } from '@permissions/migration';
import { seedRootDocument } from './seed-root';

export interface RunningServices {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/**
 * Builds the named services over one pool and serves them from one HTTP server: all four for the all-in-one, one
 * for a split process. The same factories serve both. Writers' stores broadcast each commit's events to the
 * registered runtimes before answering (at most EVENT_BROADCAST_WAIT_MS).
 */
export async function startServices(
  names: ServiceName[],
  config: Config,
  port: number,
  log: Logger,
  options: { migrate?: boolean } = {},
): Promise<RunningServices> {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  if (config.authIssuers.length === 0)
    throw new Error('AUTH_ISSUERS is required: the issuers whose tokens are trusted');
  if (options.migrate !== false) {
    const { migrate } = await import('@permissions/store/src/migrate');
    await migrate(config.databaseUrl);
  }

  const pool = createPool(config.databaseUrl, {
    max: config.db.poolMax,
    statementTimeoutMs: config.db.statementTimeoutMs,
    idleInTransactionTimeoutMs: config.db.idleInTransactionTimeoutMs,
    applicationName: `permissions-${names.length === 1 ? names[0] : 'all-in-one'}`,
  });
  if (!config.eventsSecret) {
    log.warn('EVENTS_SECRET is not set: using the events secret stored in the database, shared by its processes');
    config = { ...config, eventsSecret: await sharedEventsSecret(pool) };
  }
  const eventsSecret = config.eventsSecret as string;
  const baseStore = createPgStore(pool, { onHookError: (err) => log.warn({ err }, 'commit hook failed') });
  const broadcaster = createBroadcaster({
    pool,
    secret: eventsSecret,
    waitMs: config.timers.broadcastWaitMs,
    refreshMs: Math.min(config.timers.heartbeatMs, Math.max(100, Math.round(5000 / config.speedup))),
    log,
  });
  const store = attachBroadcaster(baseStore, broadcaster);
  const gc = createEventGc({
    pool,
    retentionMs: config.timers.retentionMs,
    listenerTtlMs: 3 * config.timers.heartbeatMs,
    intervalMs: Math.max(1000, Math.round(config.timers.retentionMs / 10)),
    log,
  });
  await seedRootDocument(store, config.bootstrapGovernors, log);

  const metrics = createMetrics();
  const verifier = createTokenVerifier({ issuers: config.authIssuers, audience: config.authAudience });
  const credentials = createClientCredentials({
    issuers: config.authIssuers,
    clientId: config.clientId ?? '',
    clientSecret: config.clientSecret ?? '',
  });
  const normaliser = createPrincipalNormaliser({ issuers: config.authIssuers, credentials });
  const deps = { store, pool, config, metrics, verifier, credentials, normaliser };
  const child = (component: ServiceName) => log.child({ component });

  // Built first when it runs here, so that the runtime's migration trigger calls it in process (no HTTP hop).
  const migration: MigrationService | undefined = names.includes('migration')
    ? createMigrationService({ ...deps, log: child('migration') })
    : undefined;
  const factories: Record<ServiceName, () => Service> = {
    maintenance: () => createMaintenanceService({ ...deps, log: child('maintenance') }),
    teams: () => createTeamsService({ ...deps, log: child('teams') }),
    runtime: () =>
      createRuntimeService({
        ...deps,
        log: child('runtime'),
        migration: createMigrationTrigger({ config, credentials, local: migration }),
      }),
    migration: () => migration ?? createMigrationService({ ...deps, log: child('migration') }),
  };
  const services = names.map((name) => factories[name]());
  const app = createHttpApp({
    name: names.length === 1 ? names[0] : 'permissions',
    log,
    metrics,
    verifier,
    bodyLimit: config.bodyLimit,
    ready: async () => {
      await pool.query('SELECT 1');
    },
    selfAuthenticatedPaths: services.flatMap((s) => s.selfAuthenticatedPaths ?? []),
    routers: services.map((s) => s.router),
  });
  const fastPaths = services.flatMap((s) => (s.fastPath ? [s.fastPath] : []));
  const server = createServer((req, res) => {
    for (const fastPath of fastPaths) if (fastPath(req, res)) return;
    app(req, res);
  });
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  await broadcaster.start();
  gc.start();
  for (const service of services) await service.start?.({ port: boundPort });
  // A runtime started above has just registered: read the list again so the first writes reach it by broadcast.
  await broadcaster.refresh();

  return {
    server,
    port: boundPort,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      for (const service of services) await service.close?.();
      await gc.close();
      await broadcaster.close();
      await pool.end();
    },
  };
}
