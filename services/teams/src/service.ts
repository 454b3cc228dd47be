import { createAuthorizer } from '@permissions/authorizer';
import { servicesClientPrincipals } from '@permissions/model';
import { apiRouter, type Logger, type Service } from '@permissions/http-kit';
import type { PrincipalNormaliser } from '@permissions/auth';
import type { Config } from '@permissions/config';
import type { Store } from '@permissions/store';
import type { TeamsContext } from './commands/context';
import { createCreateTeam } from './commands/create-team';
import { createTeamCommands } from './commands/team-commands';
import { createRoleGrants } from './commands/role-grants';
import { teamsRoutes } from './routes/teams';
import { newTeamUrl } from './team-id';

export interface TeamsDeps {
  store: Store;
  config: Config;
  log: Logger;
  normaliser: PrincipalNormaliser;
  now?: () => string;
}

/** teams: CRUD of teams, each with its own permissions document (reference §8). */
export function createTeamsService(deps: TeamsDeps): Service {
  const ctx: TeamsContext = {
    store: deps.store,
    authorizer: createAuthorizer(deps.store, 'teams'),
    authority: {
      servicesClients: servicesClientPrincipals(deps.config.authIssuers, deps.config.clientId),
      legacyRbacUrl: deps.config.legacyRbacUrl,
    },
    normaliser: deps.normaliser,
    log: deps.log,
    now: deps.now ?? (() => new Date().toISOString()),
    newTeamUrl,
  };
  const api = teamsRoutes({
    create: createCreateTeam(ctx),
    teams: createTeamCommands(ctx),
    roleGrants: createRoleGrants(ctx),
  });
  return { name: 'teams', router: apiRouter(api), api };
}
