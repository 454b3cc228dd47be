import bytes from 'bytes';
import { z } from 'zod';

export const SERVICE_NAMES = ['maintenance', 'teams', 'runtime', 'migration'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const DEFAULT_PORTS: Record<ServiceName, number> = { maintenance: 3201, teams: 3202, runtime: 3203, migration: 3204 };

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

const port = z.coerce.number().int().min(0).max(65535);
const positive = z.coerce.number().positive();

const EnvSchema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  PORT: port.default(3200),
  MAINTENANCE_PORT: port.default(DEFAULT_PORTS.maintenance),
  TEAMS_PORT: port.default(DEFAULT_PORTS.teams),
  RUNTIME_PORT: port.default(DEFAULT_PORTS.runtime),
  MIGRATION_PORT: port.default(DEFAULT_PORTS.migration),
  MAINTENANCE_URL: z.url().optional(),
  TEAMS_URL: z.url().optional(),
  RUNTIME_URL: z.url().optional(),
  MIGRATION_URL: z.url().optional(),
  AUTH_ISSUERS: z.string().optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  PERMISSIONS_CLIENT_ID: z.string().min(1).optional(),
  PERMISSIONS_CLIENT_SECRET: z.string().min(1).optional(),
  BOOTSTRAP_GOVERNORS: z.string().optional(),
  LEGACY_RBAC_URL: z.url().optional(),
  EVENTS_SECRET: z.string().min(16, 'EVENTS_SECRET must be at least 16 characters').optional(),
  SPEEDUP: positive.default(1),
  LISTENER_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Read by createLogger before the configuration exists; checked here so that a typo is reported.
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  BODY_LIMIT: z
    .string()
    .default('1mb')
    .refine((value) => (bytes.parse(value) ?? 0) > 0, 'BODY_LIMIT must be a size such as 1mb or 500kb'),
  BULK_BODY_LIMIT: z
    .string()
    .default('32mb')
    .refine((value) => (bytes.parse(value) ?? 0) > 0, 'BULK_BODY_LIMIT must be a size such as 32mb'),
  DB_POOL_MAX: z.coerce.number().int().positive().default(10),
  DB_STATEMENT_TIMEOUT_MS: positive.default(5000),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: positive.default(10000),
  EVENT_POLL_INTERVAL_MS: positive.default(1000),
  EVENT_RETENTION_MS: positive.default(3_600_000),
  EVENT_BROADCAST_WAIT_MS: positive.default(50),
  LISTENER_HEARTBEAT_MS: positive.default(60_000),
  NEGATIVE_CACHE_TTL_MS: positive.default(10_000),
  CACHE_MAX_DOCUMENTS: z.coerce.number().int().positive().default(100_000),
  CACHE_MAX_ACTORS: z.coerce.number().int().positive().default(100_000),
  CACHE_MAX_BYTES: z
    .string()
    .default('256mb')
    .refine((value) => (bytes.parse(value) ?? 0) >= 1024 * 1024, 'CACHE_MAX_BYTES must be a size of at least 1mb'),
  MIN_SEQUENCE_WAIT_MS: positive.default(2000),
  DEV_IDP_ISSUER: z.url().optional(),
  DEV_IDP_USERS: z.string().optional(),
});

export interface Config {
  databaseUrl: string | undefined;
  port: number;
  ports: Record<ServiceName, number>;
  /** Where each service is reachable from the others. */
  urls: Record<ServiceName, string>;
  authIssuers: string[];
  authAudience: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  bootstrapGovernors: string[];
  legacyRbacUrl: string | undefined;
  eventsSecret: string | undefined;
  speedup: number;
  listenerUrl: string | undefined;
  logLevel: string;
  bodyLimit: string;
  /** The same limit in bytes, for the runtime's own body reader. */
  bodyLimitBytes: number;
  /** Body limit of `POST /az-permissions-bulk` in bytes (up to 10 000 documents in one request). */
  bulkBodyLimitBytes: number;
  db: { poolMax: number; statementTimeoutMs: number; idleInTransactionTimeoutMs: number };
  /** Timers, already divided by SPEEDUP. */
  timers: {
    pollIntervalMs: number;
    retentionMs: number;
    broadcastWaitMs: number;
    heartbeatMs: number;
    negativeCacheTtlMs: number;
    minSequenceWaitMs: number;
  };
  /** Runtime cache bounds: entries per cache, and bytes for all of them together (shared out, see the runtime). */
  cache: { maxDocuments: number; maxActors: number; maxBytes: number };
  /**
   * Set by `pnpm start` when it runs the development identity provider (DEV_IDP_ISSUER, DEV_IDP_USERS): the explorer
   * offers one-click sign-in as these users. Unset in production.
   */
  devIdentity: { issuer: string; users: string[] } | undefined;
}

export class ConfigError extends Error {}

/** Parses and validates the environment once at start-up; every problem is reported at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const ports: Record<ServiceName, number> = {
    maintenance: e.MAINTENANCE_PORT,
    teams: e.TEAMS_PORT,
    runtime: e.RUNTIME_PORT,
    migration: e.MIGRATION_PORT,
  };
  const authIssuers = list(e.AUTH_ISSUERS);
  const sameIssuer = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
  if (e.DEV_IDP_ISSUER !== undefined && !authIssuers.some((issuer) => sameIssuer(issuer, e.DEV_IDP_ISSUER as string))) {
    // Signing in with tokens the services would refuse helps nobody; say so at start-up.
    throw new ConfigError('invalid configuration: DEV_IDP_ISSUER must be one of AUTH_ISSUERS');
  }
  const local = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;
  const speed = (ms: number) => Math.max(1, Math.round(ms / e.SPEEDUP));
  return {
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    ports,
    urls: {
      maintenance: e.MAINTENANCE_URL ?? local('maintenance'),
      teams: e.TEAMS_URL ?? local('teams'),
      runtime: e.RUNTIME_URL ?? local('runtime'),
      migration: e.MIGRATION_URL ?? local('migration'),
    },
    // Kept as written: a token's `iss` is compared with them (modulo a trailing slash) and principals use it.
    authIssuers,
    authAudience: e.AUTH_AUDIENCE,
    clientId: e.PERMISSIONS_CLIENT_ID,
    clientSecret: e.PERMISSIONS_CLIENT_SECRET,
    bootstrapGovernors: list(e.BOOTSTRAP_GOVERNORS),
    legacyRbacUrl: e.LEGACY_RBAC_URL?.replace(/\/+$/, ''),
    eventsSecret: e.EVENTS_SECRET,
    speedup: e.SPEEDUP,
    listenerUrl: e.LISTENER_URL,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    bodyLimitBytes: bytes.parse(e.BODY_LIMIT) ?? 1024 * 1024,
    bulkBodyLimitBytes: bytes.parse(e.BULK_BODY_LIMIT) ?? 32 * 1024 * 1024,
    db: {
      poolMax: e.DB_POOL_MAX,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    timers: {
      pollIntervalMs: speed(e.EVENT_POLL_INTERVAL_MS),
      retentionMs: speed(e.EVENT_RETENTION_MS),
      broadcastWaitMs: e.EVENT_BROADCAST_WAIT_MS,
      heartbeatMs: speed(e.LISTENER_HEARTBEAT_MS),
      negativeCacheTtlMs: speed(e.NEGATIVE_CACHE_TTL_MS),
      minSequenceWaitMs: e.MIN_SEQUENCE_WAIT_MS,
    },
    cache: {
      maxDocuments: e.CACHE_MAX_DOCUMENTS,
      maxActors: e.CACHE_MAX_ACTORS,
      maxBytes: bytes.parse(e.CACHE_MAX_BYTES) ?? 256 * 1024 * 1024,
    },
    devIdentity:
      e.DEV_IDP_ISSUER === undefined ? undefined : { issuer: e.DEV_IDP_ISSUER, users: list(e.DEV_IDP_USERS) },
  };
}
