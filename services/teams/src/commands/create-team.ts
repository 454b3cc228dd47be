import { prepareNewDocument } from '@permissions/authorizer';
import { validateTeam, type Team } from '@permissions/model';
import { BadRequestError } from '@permissions/model/src/errors';
import type { TeamsContext, Requester } from './context';
import { authorizeRoles } from './roles-authorization';

export interface CreateTeamResult {
  id: string;
  team: Team;
  seq: number;
}

/**
 * `POST /az-teams` (reference §8): `az-teams.create` on `/`, a valid team, its `_permissions` document (relative
 * `""` = the team itself) prepared like any new document, roles only on bases the caller governs (W1), and then the
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
      await authorizeRoles(ctx.authorizer, caller, team.roles, undefined);
      const { document } = await prepareNewDocument(ctx, permissionsBody, acting);

      const stamped: Team = { ...team, ...(acting ? { creator: acting } : {}), created: ctx.now() };
      const { seq } = await ctx.store.write(async (tx) => {
        await tx.createDocument(document);
        return tx.createTeam(id, stamped);
      });
      return { id, team: stamped, seq: seq as number };
    },
  };
}

/** `""` in the action lists (and an absent `_subject`) mean the new team itself (reference §3.2). */
function resolveRelative(permissions: Record<string, unknown>, id: string): Record<string, unknown> {
  const resolved: Record<string, unknown> = { _subject: id };
  for (const [key, value] of Object.entries(permissions)) {
    if (key === '_subject') {
      resolved._subject = value === '' ? id : value;
    } else if (
      key !== '_inheritsPermissionsOf' &&
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value)
    ) {
      resolved[key] = Object.fromEntries(
        Object.entries(value).map(([action, list]) => [
          action,
          Array.isArray(list) ? list.map((p) => (p === '' ? id : p)) : list,
        ]),
      );
    } else {
      resolved[key] = value;
    }
  }
  return resolved;
}
