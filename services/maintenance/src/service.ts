import { createAuthorizer } from '@permissions/authorizer';
import { servicesClientPrincipals } from '@permissions/model';
import { apiRouter, type Logger, type Service } from '@permissions/http-kit';
import { explorerRoutes } from '@permissions/explorer';
import type { PrincipalNormaliser } from '@permissions/auth';
import type { Config } from '@permissions/config';
import type { Store } from '@permissions/store';
import type { CommandContext } from './commands/context';
import { createCreatePermissions } from './commands/create-permissions';
import { createReadPermissions } from './commands/read-permissions';
import { createPatchPermissions } from './commands/patch-permissions';
import { createDeletePermissions } from './commands/delete-permissions';
import { createHierarchyQueries } from './commands/hierarchy-queries';
import { createNamespaceListing } from './commands/namespaces';
import { createBulkPermissions } from './commands/bulk-permissions';
import { createPrincipalRemoval } from './commands/principal-removal';
import { permissionsRoutes } from './routes/permissions';
import { hierarchyRoutes } from './routes/hierarchy';
import { namespacesRoutes } from './routes/namespaces';
import { BULK_PATH, bulkRoutes } from './routes/bulk';
import { principalRemovalRoutes } from './routes/principal-removal';

export interface MaintenanceDeps {
  store: Store;
  config: Config;
  log: Logger;
  normaliser: PrincipalNormaliser;
  now?: () => string;
}

export type MaintenanceCommands = ReturnType<typeof createCommands>;

function createCommands(ctx: CommandContext) {
  return {
    create: createCreatePermissions(ctx),
    read: createReadPermissions(ctx),
    patch: createPatchPermissions(ctx),
    delete: createDeletePermissions(ctx),
    queries: createHierarchyQueries(ctx),
    namespaces: createNamespaceListing(ctx),
    bulk: createBulkPermissions(ctx),
    principalRemoval: createPrincipalRemoval(ctx),
  };
}

/** permissions-maintenance: CRUD of permissions documents and the hierarchy queries (reference §7). */
export function createMaintenanceService(deps: MaintenanceDeps): Service {
  const ctx: CommandContext = {
    store: deps.store,
    authorizer: createAuthorizer(deps.store, 'maintenance'),
    authority: {
      servicesClients: servicesClientPrincipals(deps.config.authIssuers, deps.config.clientId),
      legacyRbacUrl: deps.config.legacyRbacUrl,
    },
    normaliser: deps.normaliser,
    log: deps.log,
    now: deps.now ?? (() => new Date().toISOString()),
  };
  const commands = createCommands(ctx);
  const api = [
    ...permissionsRoutes(commands),
    ...hierarchyRoutes(commands),
    ...namespacesRoutes(commands),
    ...bulkRoutes(commands),
    ...principalRemovalRoutes(commands),
    ...explorerRoutes({ devIdentity: deps.config.devIdentity, log: deps.log }),
  ];
  // The explorer's page and assets are declared public (no token); every action it takes goes through the API with
  // the user's token.
  return {
    name: 'maintenance',
    router: apiRouter(api),
    api,
    bodyLimits: { [BULK_PATH]: deps.config.bulkBodyLimitBytes },
  };
}
