import { createAuthorizer } from '@permissions/authorizer';
import { apiRouter, type Logger, type Service } from '@permissions/http-kit';
import type { ClientCredentials, PrincipalNormaliser } from '@permissions/auth';
import type { Config } from '@permissions/config';
import { NotFoundError, servicesClientPrincipals } from '@permissions/model';
import type { Pool, Store } from '@permissions/store';
// Relative: the migration package does not list @permissions/teams; one team id format for both services.
import { newTeamUrl } from '@permissions/teams';
import { createCallerCheck } from './caller-check';
import { createLegacyClient } from './legacy-client';
import { legacyOrgOf } from './legacy-resource';
import { createMigrationLeases } from './migration-lease';
import type { LocalMigration } from './migration-trigger';
import { createOrgImporter, type ImportSummary } from './org-import';
import { createReMigrationScheduler } from './re-migration-scheduler';
import { migrationRoutes, NOT_LEGACY_MSG } from './routes';

export interface MigrationDeps {
  /** The writer store (broadcasting its events). */
  store: Store;
  pool: Pool;
  config: Config;
  log: Logger;
  credentials: ClientCredentials;
  normaliser: PrincipalNormaliser;
  now?: () => string;
}

export interface MigrationService extends Service, LocalMigration {
  migrateAsServicesClient(resource: string): Promise<ImportSummary>;
}

/** Reference timers (§1.3, §9.3, §9.4), divided by SPEEDUP. */
const LEASE_MS = 30_000;
const SCHEDULER_INTERVAL_MS = 60_000;
const STALE_AFTER_MS = 300_000;

/** permissions-migration: imports orgs of the legacy RBAC system on demand and keeps them up to date (reference §9). */
export function createMigrationService(deps: MigrationDeps): MigrationService {
  const { config, log } = deps;
  const legacyRbacUrl = config.legacyRbacUrl;
  const issuer = config.authIssuers[0];
  const clientId = config.clientId;
  const speed = (ms: number) => Math.max(1, Math.round(ms / config.speedup));
  const servicesClients = servicesClientPrincipals(config.authIssuers, clientId);
  const checkCaller = createCallerCheck(createAuthorizer(deps.store, 'migration'), servicesClients);
  const orgOf = (resource: string) => legacyOrgOf(resource, legacyRbacUrl);

  if (!legacyRbacUrl || issuer === undefined || !clientId) {
    const unconfigured = async (): Promise<never> => {
      throw new NotFoundError('no legacy RBAC system is configured (LEGACY_RBAC_URL)');
    };
    const api = migrationRoutes({ configured: false, checkCaller, orgOf, first: unconfigured, again: unconfigured });
    return { name: 'migration', router: apiRouter(api), api, migrateAsServicesClient: unconfigured };
  }

  const leases = createMigrationLeases(deps.pool, speed(LEASE_MS));
  const legacy = createLegacyClient({
    baseUrl: legacyRbacUrl,
    token: () => deps.credentials.tokenFor(issuer),
    forget: (token) => deps.credentials.forget(issuer, token),
    log,
  });
  const importer = createOrgImporter({
    store: deps.store,
    leases,
    legacy,
    normaliser: deps.normaliser,
    legacyRbacUrl,
    issuer,
    client: `${issuer}#${clientId}`,
    servicesClients,
    leaseMs: speed(LEASE_MS),
    log,
    now: deps.now ?? (() => new Date().toISOString()),
    newTeamUrl,
  });
  const scheduler = createReMigrationScheduler({
    leases,
    legacy,
    importer,
    orgOf,
    intervalMs: speed(SCHEDULER_INTERVAL_MS),
    staleMs: speed(STALE_AFTER_MS),
    log,
  });
  const api = migrationRoutes({
    configured: true,
    checkCaller,
    orgOf,
    first: (ref) => importer.first(ref),
    again: (ref) => importer.again(ref),
  });

  return {
    name: 'migration',
    router: apiRouter(api),
    api,
    async migrateAsServicesClient(resource) {
      const ref = orgOf(resource);
      if (!ref) throw new NotFoundError(NOT_LEGACY_MSG);
      return importer.first(ref);
    },
    async start() {
      scheduler.start();
    },
    async close() {
      await scheduler.close();
    },
  };
}
