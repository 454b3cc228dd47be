import {
  checkNewDocument,
  lockingAuthorizer,
  newDocumentLookup,
  prepareDocumentBody,
  withCreationMetadata,
} from '@permissions/authorizer';
import { isActionMapProperty, isPlainObject, validateTeam, type Team, BadRequestError } from '@permissions/model';
import { appended } from '@permissions/store';
import type { TeamsContext, Requester } from './context';
import { assertMembershipBound } from './membership-bound';
import { grantRoles } from './roles-authorization';

/** The original said `may not set null permissions`; this says which member is missing and what it holds. */
export const MISSING_PERMISSIONS =
  '_permissions is required when creating a team: the permissions document of the new team, e.g. ' +
  '{"_self": {"govern": [""]}} ("" stands for the new team itself) or {"_inheritsPermissionsOf": ["/"]}';

export interface CreateTeamResult {
  id: string;
  team: Team;
  /** The team's version (its ETag), also the write's last event (`X-Event-Sequence`). */
  seq: number;
}

const CREATE_TEAMS = { property: 'az-teams', action: 'create' } as const;

/**
 * `POST /az-teams` (reference §8): `az-teams.create` on `/`, a valid team, its `_permissions` document (relative
 * `""` = the team itself) prepared like any new document, roles only on bases the caller governs (W1), bound to
 * their documents (CONTRACT §4.8), members not put in more teams than others may put them in, and then the team
 * and its document written in ONE transaction with both events (B14: no orphan document). What depends on stored
 * data is decided again inside that transaction, on locked rows (CONTRACT §4.8); the first decision keeps the
 * original's order of answers.
 */
export function createCreateTeam(ctx: TeamsContext) {
  return {
    async execute(input: { body: unknown; requester: Requester }): Promise<CreateTeamResult> {
      const acting = input.requester.user ?? input.requester.client;
      const firstCaller = await ctx.authorizer.callerOf(acting);
      await ctx.authorizer.require('/', CREATE_TEAMS, firstCaller);

      if (input.body === null || typeof input.body !== 'object' || Array.isArray(input.body)) {
        throw new BadRequestError('invalid JSON: a team must be a JSON object');
      }
      const { _permissions: permissions, ...teamBody } = input.body as Record<string, unknown>;
      if (permissions === null || permissions === undefined) throw new BadRequestError(MISSING_PERMISSIONS);
      if (typeof permissions !== 'object' || Array.isArray(permissions)) {
        throw new BadRequestError('_permissions must be a permissions document (a JSON object)');
      }
      let team = validateTeam(teamBody);
      const id = ctx.newTeamUrl();
      const permissionsBody = resolveRelative(permissions as Record<string, unknown>, id);
      if (permissionsBody._subject !== id) {
        throw new BadRequestError(`_permissions._subject must be the new team's URL ${id} or be left out`);
      }
      team = { ...team, members: await ctx.normaliser.normalise(team.members, { actor: acting }) };
      await grantRoles(ctx.authorizer, firstCaller, team.roles, undefined);
      const prepared = await prepareDocumentBody(ctx.normaliser, permissionsBody, { actor: acting });

      const written = await ctx.store.write(async (tx) => {
        const authorizer = lockingAuthorizer(tx, 'teams');
        const caller = await authorizer.callerOf(acting);
        await assertMembershipBound(tx, team.members, [], acting);
        await authorizer.require('/', CREATE_TEAMS, caller);
        const rolesGrantedOn = await grantRoles(authorizer, caller, team.roles, undefined);
        const stamped: Team = {
          ...team,
          ...(acting ? { creator: acting } : {}),
          created: ctx.now(),
          ...(rolesGrantedOn ? { rolesGrantedOn } : {}),
        };
        // The document may name the team itself as its governor: whether anyone can repair it depends on the
        // members of the team about to be written.
        const lookup = await newDocumentLookup(authorizer, prepared, ctx.authority);
        await checkNewDocument(tx, authorizer, lookup, prepared, caller, {
          authority: ctx.authority,
          ofTeam: true,
          newTeams: new Map([[id, stamped.members]]),
        });
        await tx.createDocument(withCreationMetadata(prepared, acting, ctx.now()));
        await tx.createTeam(id, stamped);
        return stamped;
      });
      const { result, seq } = appended(written);
      return { id, team: result, seq };
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
