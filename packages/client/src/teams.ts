import { versioned, patchType } from './documents';
import type { HttpCore } from './http-core';
import { queryString } from './query-string';
import type { NewTeam, Patch, Team } from './types';

/** `/az-tm-{id}` from a team URL or id (`/az-tm-x`, `az-tm-x`, `http://host/az-tm-x`). */
function teamPath(team: string): string {
  const match = /\/?(az-tm-[^/?#]+)$/.exec(team);
  if (!match) throw new TypeError(`not a team: ${team} (expected /az-tm-{id})`);
  return `/${match[1]}`;
}

/** Teams (reference §8). */
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
    deleteTeam: async (team: string) =>
      versioned(await http.send<Team>('teams', 'DELETE', teamPath(team), { retryable: true })),
    /** The URLs of the teams `user` (the caller) is a member of. */
    teamsOf: async (user: string) =>
      (
        await http.send<{ contents: string[] }>('teams', 'GET', `/az-teams${queryString({ user })}`, {
          retryable: true,
        })
      ).body.contents,
  };
}
