import axios from 'axios';
import type { ClientCredentials } from '@permissions/auth';
import type { Config } from '@permissions/config';
import {
  isMigratedOrgDocument,
  legacyOrgOf,
  servicesClientPrincipals,
  ConflictError,
  NotFoundError,
  UnavailableError,
  type PermissionsDocument,
} from '@permissions/model';

/** The runtime's view of the migration service (structurally the runtime's `MigrationTrigger`). */
export interface MigrationTrigger {
  orgOf(resource: string): string | undefined;
  migrate(resource: string): Promise<boolean>;
  isMigrated(orgDocument: PermissionsDocument | null): boolean;
}

/** In-process entry of the migration service, used when it runs in the same process as the runtime. */
export interface LocalMigration {
  migrateAsServicesClient(resource: string): Promise<unknown>;
}

/**
 * What the runtime calls on a document miss of a legacy resource (reference §6.8): the import of its org, as the
 * services' client. In process when the migration service runs beside the runtime, else
 * `POST {MIGRATION_URL}/az-permissions-migration/migration-request` with the client token of the first issuer.
 * true = documents may now exist (200 or 409); false = not a legacy resource or no such org (404).
 */
export function createMigrationTrigger(options: {
  config: Config;
  credentials: ClientCredentials;
  local?: LocalMigration;
  timeoutMs?: number;
}): MigrationTrigger | undefined {
  const { config, credentials, local } = options;
  const legacyRbacUrl = config.legacyRbacUrl;
  const issuer = config.authIssuers[0];
  if (!legacyRbacUrl || issuer === undefined) return undefined;
  const url = `${config.urls.migration.replace(/\/+$/, '')}/az-permissions-migration/migration-request`;
  const servicesClients = servicesClientPrincipals(config.authIssuers, config.clientId);

  async function overHttp(resource: string): Promise<boolean> {
    const token = await credentials.tokenFor(issuer);
    const response = await axios
      .post(
        url,
        { resource },
        {
          timeout: options.timeoutMs ?? 30_000,
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          validateStatus: () => true,
        },
      )
      .catch((err: unknown) => {
        throw new UnavailableError('the migration service could not be reached', { reason: String(err) });
      });
    if (response.status === 200 || response.status === 409) return true;
    if (response.status === 404) return false;
    throw new UnavailableError('unexpected migration status code', { status_code: response.status });
  }

  return {
    orgOf: (resource) => legacyOrgOf(resource, legacyRbacUrl)?.orgUrl,
    isMigrated: (orgDocument) => isMigratedOrgDocument(orgDocument, servicesClients),
    async migrate(resource) {
      if (!local) return overHttp(resource);
      try {
        await local.migrateAsServicesClient(resource);
        return true;
      } catch (err) {
        if (err instanceof ConflictError) return true;
        if (err instanceof NotFoundError) return false;
        throw err;
      }
    },
  };
}
