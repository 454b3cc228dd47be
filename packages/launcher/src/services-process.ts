import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  DEFAULT_MAX_BODY_BYTES,
  attachBroadcaster,
  createBroadcaster,
  createEventGc,
  sharedEventsSecret,
} from '@permissions/events';
import {
  createApiDocs,
  createHttpApp,
  createMetrics,
  type ApiDocs,
  type Logger,
  type Service,
} from '@permissions/http-kit';
import { createClientCredentials, createPrincipalNormaliser, createTokenVerifier } from '@permissions/auth';
import { type Config, type ServiceName } from '@permissions/config';
import { createPgStore, createPool } from '@permissions/store';
import { createMaintenanceService } from '@permissions/maintenance';
import { createTeamsService } from '@permissions/teams';
import { createRuntimeService } from '@permissions/runtime';
import { createMigrationService, createMigrationTrigger, type MigrationService } from '@permissions/migration';
import { seedRootDocument } from './seed-root';

export interface RunningServices {
  server: Server;
  port: number;
  /** The services this process serves, and its API documents (what `/openapi.json` describes). */
  services: Service[];
  api: ApiDocs;
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
    const { migrate } = await import('@permissions/store/migrate');
    await migrate(config.databaseUrl);
  }

  const pool = createPool(config.databaseUrl, {
    max: config.db.poolMax,
    statementTimeoutMs: config.db.statementTimeoutMs,
    idleInTransactionTimeoutMs: config.db.idleInTransactionTimeoutMs,
    applicationName: `permissions-${names.length === 1 ? names[0] : 'all-in-one'}`,
  });
  if (!config.eventsSecret) {
    // The documented default (README): every process on this database shares the secret stored in it.
    log.info('EVENTS_SECRET is not set: using the events secret stored in the database, shared by its processes');
    config = { ...config, eventsSecret: await sharedEventsSecret(pool) };
  }
  const eventsSecret = config.eventsSecret as string;
  const baseStore = createPgStore(pool, { onHookError: (err) => log.warn({ err }, 'commit hook failed') });
  const broadcaster = createBroadcaster({
    pool,
    secret: eventsSecret,
    waitMs: config.timers.broadcastWaitMs,
    refreshMs: Math.min(config.timers.heartbeatMs, Math.max(100, Math.round(5000 / config.speedup))),
    // The listeners (runtimes of this deployment) read broadcasts within their BODY_LIMIT.
    maxBodyBytes: Math.min(DEFAULT_MAX_BODY_BYTES, config.bodyLimitBytes),
    log,
  });
  const store = attachBroadcaster(baseStore, broadcaster);
  const gc = createEventGc({
    pool,
    retentionMs: config.timers.retentionMs,
    // Another process may renew less often than this one (other SPEEDUP or heartbeat): never drop a registration
    // sooner than the original's 10 minutes.
    listenerTtlMs: Math.max(3 * config.timers.heartbeatMs, Math.round(600_000 / config.speedup)),
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
  const api = createApiDocs(
    names.length === 1 ? `Permissions ${names[0]}` : 'Permissions (all-in-one)',
    services.flatMap((s) => s.api ?? []),
  );
  const app = createHttpApp({
    name: names.length === 1 ? names[0] : 'permissions',
    log,
    metrics,
    verifier,
    bodyLimitBytes: config.bodyLimitBytes,
    ready: async () => {
      await pool.query('SELECT 1');
    },
    selfAuthenticatedPaths: [...api.publicPaths, ...services.flatMap((s) => s.selfAuthenticatedPaths ?? [])],
    bodyLimits: Object.assign({}, ...services.map((s) => s.bodyLimits ?? {})) as Record<string, number>,
    routers: [api.router, ...services.map((s) => s.router)],
    directRoutes: services.map((s) => ({ service: s.name, routes: s.directRoutes ?? {} })),
  });
  const server = createServer((req, res) => {
    if (!originFormTarget(req)) {
      sendJson(res, 400, { msg: `malformed request target: ${String(req.url).slice(0, 200)}` });
      return;
    }
    app(req, res);
  });
  // Requests Node refuses before any handler runs (header too large, bad request line) still get a JSON answer.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({ msg: status === 431 ? 'request headers too large' : 'malformed HTTP request' });
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
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
    services,
    api,
    close: async () => {
      await drain(server);
      for (const service of services) await service.close?.();
      await gc.close();
      await broadcaster.close();
      await pool.end();
    },
  };
}

/** Requests in progress get this long to finish at shutdown; idle keep-alive connections are closed at once. */
const DRAIN_MS = 10_000;

/** Stops accepting, lets requests in progress finish (closing connections as they go idle), then cuts the rest. */
function drain(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * An absolute-form target (`GET http://host/path`, as proxies send it) is turned into its path; one that is not a
 * URL at all is refused here, since express would answer it with an HTML page before any of our middleware.
 * Everything else (origin form, `*`) goes on to the app, which asks for a token first.
 */
function originFormTarget(req: IncomingMessage): boolean {
  const target = req.url ?? '';
  if (target.startsWith('/') || target === '*' || !/^[a-z][a-z0-9+.-]*:/i.test(target)) return true;
  try {
    const parsed = new URL(target);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
    req.url = parsed.pathname + parsed.search;
    return true;
  } catch {
    return false;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
