import { prepareNewDocument } from '@permissions/authorizer';
import { isActionMapProperty, isPlainObject, validateTeam, type Team, BadRequestError } from '@permissions/model';
import type { TeamsContext, Requester } from './context';
import { grantRoles } from './roles-authorization';

export interface CreateTeamResult {
  id: string;
  team: Team;
  seq: number;
}

/**
 * `POST /az-teams` (reference §8): `az-teams.create` on `/`, a valid team, its `_permissions` document (relative
 * `""` = the team itself) prepared like any new document, roles only on bases the caller governs (W1), bound to
 * their documents (CONTRACT §4.8), and then the
 * team and its document written in ONE transaction with both events (B14: no orphan document).
 */
export function createCreateTeam(ctx: TeamsContext) {
  return {
    async execute(input: { body: unknown; requester: Requester }): Promise<CreateTeamResult> {
      const acting = input.requester.user ?? input.requester.client;
      const caller = await ctx.authorizer.callerOf(acting);
      await ctx.authorizer.require('/', { property: 'az-teams', action: 'create' }, caller);

      if (input.body === null || typeof input.body !== 'object' || Array.isArray(input.body)) {
        throw new BadRequestError('invalid JSON: a team must be a JSON object');
      }
      const { _permissions: permissions, ...teamBody } = input.body as Record<string, unknown>;
      if (permissions === null || permissions === undefined) throw new BadRequestError('may not set null permissions');
      if (typeof permissions !== 'object' || Array.isArray(permissions)) {
        throw new BadRequestError('_permissions must be a permissions document (a JSON object)');
      }
      let team = validateTeam(teamBody);
      const id = ctx.newTeamUrl();
      const permissionsBody = resolveRelative(permissions as Record<string, unknown>, id);
      if (permissionsBody._subject !== id) {
        throw new BadRequestError(`_permissions._subject must be the new team's URL ${id} or be left out`);
      }
      team = { ...team, members: await ctx.normaliser.normalise(team.members) };
      const rolesGrantedOn = await grantRoles(ctx.authorizer, caller, team.roles, undefined);
      const { document } = await prepareNewDocument(ctx, permissionsBody, acting, { ofTeam: true });

      const stamped: Team = {
        ...team,
        ...(acting ? { creator: acting } : {}),
        created: ctx.now(),
        ...(rolesGrantedOn ? { rolesGrantedOn } : {}),
      };
      const { seq } = await ctx.store.write(async (tx) => {
        await tx.createDocument(document);
        return tx.createTeam(id, stamped);
      });
      return { id, team: stamped, seq: seq as number };
    },
  };
}

/**
 * `""` in the action lists (`_self`, `_permissionsHeirs` and custom properties) and an absent or empty `_subject`
 * mean the new team itself (reference §3.2), so `{"_self": {"govern": [""]}}` lets the team's members govern it.
 * Other `_`-members (`_constraints`, `_inheritsPermissionsOf`) hold no principals and are left as they are.
 */
function resolveRelative(permissions: Record<string, unknown>, id: string): Record<string, unknown> {
  const resolveList = (list: unknown) => (Array.isArray(list) ? list.map((p: unknown) => (p === '' ? id : p)) : list);
  // Object.fromEntries defines own properties: a `__proto__` member stays data instead of replacing the prototype.
  return Object.fromEntries([
    ['_subject', id],
    ...Object.entries(permissions).map(([key, value]): [string, unknown] => {
      if (key === '_subject') return [key, value === '' ? id : value];
      if (!isActionMapProperty(key) || !isPlainObject(value)) return [key, value];
      return [key, Object.fromEntries(Object.entries(value).map(([action, list]) => [action, resolveList(list)]))];
    }),
  ]);
}
