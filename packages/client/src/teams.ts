import { versioned, patchType } from './documents';
import type { HttpCore } from './http-core';
import { queryString } from './query-string';
import type { NewTeam, Patch, RoleGrants, Team } from './types';

/** `/az-tm-{id}` from a team URL or id (`/az-tm-x`, `az-tm-x`, `http://host/az-tm-x`). */
function teamPath(team: string): string {
  const match = /\/?(az-tm-[^/?#]+)$/.exec(team);
  if (!match) throw new TypeError(`not a team: ${team} (expected /az-tm-{id})`);
  return `/${match[1]}`;
}

/** Teams (reference §8), leaving one, and the roles teams hold on a base (CONTRACT §4.8). */
export function teamMethods(http: HttpCore) {
  return {
    createTeam: async (team: NewTeam) =>
      versioned(await http.send<Team>('teams', 'POST', '/az-teams', { body: team, retryable: false })),
    getTeam: async (team: string) =>
      versioned(await http.send<Team>('teams', 'GET', teamPath(team), { retryable: true })),
    patchTeam: async (team: string, change: Patch, options: { etag: string }) =>
      versioned(
        await http.send<Team>('teams', 'PATCH', teamPath(team), {
          body: change,
          contentType: patchType(change),
          headers: { 'if-match': options.etag },
          retryable: true,
        }),
      ),
    /**
     * Deletes the team and its permissions document. While documents inherit from that document it is a
     * ConflictError naming them, unless `cascade`: then they are detached from it.
     */
    deleteTeam: async (team: string, options: { cascade?: boolean } = {}) =>
      versioned(
        await http.send<Team>(
          'teams',
          'DELETE',
          `${teamPath(team)}${queryString({ cascade: options.cascade ? 'true' : undefined })}`,
          { retryable: true },
        ),
      ),
    /**
     * `principal` (the caller himself: nobody else may) leaves the team, which he may do even when he may not read
     * it. A NotFoundError when he is not a member.
     */
    leaveTeam: async (team: string, principal: string) => {
      const path = `${teamPath(team)}/members${queryString({ principal })}`;
      const reply = await http.send<{ team: string; left: string }>('teams', 'DELETE', path, { retryable: true });
      const sequence = reply.header('x-event-sequence');
      return { ...reply.body, ...(sequence === undefined ? {} : { sequence: Number(sequence) }) };
    },
    /**
     * The teams holding roles on `base`, with their members and whether their roles still decide: for the base
     * document's governors and the governors of `/`.
     */
    roleGrants: async (base: string) =>
      (await http.send<RoleGrants>('teams', 'GET', `/az-roles${queryString({ base })}`, { retryable: true })).body,
    /** Ends the team's roles on `base` (every spelling of it), leaving the rest of the team; answers the team. */
    revokeRoles: async (base: string, team: string) =>
      versioned(
        await http.send<Team>('teams', 'DELETE', `/az-roles${queryString({ base, team: teamPath(team) })}`, {
          retryable: true,
        }),
      ),
    /** The URLs of the teams `user` (the caller) is a member of. */
    teamsOf: async (user: string) =>
      (
        await http.send<{ contents: string[] }>('teams', 'GET', `/az-teams${queryString({ user })}`, {
          retryable: true,
        })
      ).body.contents,
  };
}
