import type { Authorizer } from '@permissions/authorizer';
import type { Requester } from '@permissions/model';

/** Who asks for an import. */
export type MigrationCaller = Requester;

/**
 * W9: only the services' own client (the runtime asking on a document miss) and principals who may `govern` `/` may
 * start an import, so that no user can make the service hammer the legacy system. Anyone else gets 403 (401 without a
 * user), decided in process by the shared engine.
 */
export function createCallerCheck(authorizer: Authorizer, servicesClients: readonly string[]) {
  const trusted = new Set(servicesClients);
  return async (caller: MigrationCaller): Promise<void> => {
    if ((caller.user !== null && trusted.has(caller.user)) || (caller.client !== null && trusted.has(caller.client))) {
      return;
    }
    const acting = await authorizer.callerOf(caller.user ?? caller.client);
    await authorizer.require('/', { action: 'govern' }, acting);
  };
}
