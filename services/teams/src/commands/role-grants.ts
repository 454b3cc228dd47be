import { refusal, type RequestCaller } from '@permissions/authorizer';
import {
  actionList,
  canonicalBase,
  grantedOn,
  incarnationOf,
  isNamespace,
  isPlainObject,
  roleIsLive,
  ROOT_SUBJECT,
  SELF,
  type DocumentLookup,
  type Roles,
  type Team,
  NotFoundError,
} from '@permissions/model';
import type { StoredTeam } from '@permissions/store';
import type { Requester, TeamsContext } from './context';
import { stampsOf } from './team-representation';

/** One team's roles on a base, as its governors (and the governors of `/`) see them. */
export interface RoleGrant {
  team: string;
  name?: string;
  members: string[];
  /** The team's role maps on the base, under each spelling the team used. */
  roles: Roles;
  /** The incarnation of the base's document they were granted on. */
  grantedOn: number | undefined;
  /** Whether that document is still the base's: only then do they decide. */
  live: boolean;
}

export interface RoleGrants {
  base: string;
  /** The base's document now: its identity and governors (null when it has none: every role on it is dead). */
  document: { incarnation: number | undefined; namespace: boolean; governors: string[] } | null;
  teams: RoleGrant[];
}

const GOVERN = { action: 'govern' } as const;

/**
 * `GET /az-roles?{base}` and `DELETE /az-roles?base=…&team=…` (CONTRACT §4.8: a role decides only while the base's
 * controllers stand behind it). A base's governors, and the governors of `/` (who hand namespaces out), may see
 * every team holding roles on the base, with its members, and end any team's roles on it without being able to
 * change anything else of the team. Ending all of them at once is deleting the base's document.
 */
export function createRoleGrants(ctx: TeamsContext) {
  async function authorize(base: string, requester: Requester): Promise<DocumentLookup> {
    const caller: RequestCaller = await ctx.authorizer.callerOf(requester.user ?? requester.client);
    const lookup = await ctx.authorizer.lookup([base, ROOT_SUBJECT]);
    const governs = (subject: string) => ctx.authorizer.decide(lookup, subject, GOVERN, caller).allowed === true;
    if (!(lookup(base) && governs(base)) && !governs(ROOT_SUBJECT)) throw refusal('teams', base, GOVERN, caller);
    return lookup;
  }

  return {
    async list(rawBase: string, requester: Requester): Promise<RoleGrants> {
      const base = canonicalBase(rawBase);
      const lookup = await authorize(base, requester);
      const doc = lookup(base);
      const teams = await ctx.store.getTeamsWithRolesOn(base);
      return {
        base,
        document: doc
          ? { incarnation: incarnationOf(doc), namespace: isNamespace(doc), governors: actionList(doc, SELF, 'govern') }
          : null,
        teams: teams.map(({ id, team }) => ({
          team: id,
          ...(typeof team.name === 'string' ? { name: team.name } : {}),
          members: team.members,
          roles: rolesOn(team, base),
          grantedOn: grantedOn(team, base),
          live: roleIsLive(lookup, team, base),
        })),
      };
    },

    /** Removes every role map of the team on the base (any spelling) and its binding; one event for the team. */
    async revoke(rawBase: string, teamId: string, requester: Requester): Promise<{ team: StoredTeam; seq: number }> {
      const base = canonicalBase(rawBase);
      await authorize(base, requester);
      const who = requester.user ?? requester.client;
      const { result, seq } = await ctx.store.write(async (tx) => {
        const stored = await tx.getTeamForUpdate(teamId);
        if (!stored || Object.keys(rolesOn(stored.team, base)).length === 0) {
          throw new NotFoundError(`team ${teamId} holds no roles on ${base}`, { team: teamId, base });
        }
        const updated = withoutBase(stored.team, base, who, ctx.now());
        const written = await tx.updateTeam(teamId, updated, stored.seq);
        return { id: teamId, team: updated, seq: written };
      });
      return { team: result, seq: seq as number };
    },
  };
}

function rolesOn(team: Team, base: string): Roles {
  const roles = isPlainObject(team.roles) ? team.roles : {};
  return Object.fromEntries(Object.entries(roles).filter(([key]) => canonicalBase(key) === base));
}

function withoutBase(team: Team, base: string, who: string | null, now: string): Team {
  const { roles, rolesGrantedOn, ...rest } = team;
  const keptRoles = Object.entries(roles ?? {}).filter(([key]) => canonicalBase(key) !== base);
  const keptGrants = Object.entries(rolesGrantedOn ?? {}).filter(([key]) => key !== base);
  return {
    ...rest,
    ...stampsOf(team),
    ...(keptRoles.length > 0 ? { roles: Object.fromEntries(keptRoles) } : {}),
    ...(keptGrants.length > 0 ? { rolesGrantedOn: Object.fromEntries(keptGrants) } : {}),
    ...(who ? { modifier: who } : {}),
    modified: now,
  };
}
