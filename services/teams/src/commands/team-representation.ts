import { isDeepStrictEqual } from 'node:util';
import { BadRequestError, SERVER_STAMPS, type ServerStamp, type Team } from '@permissions/model';

/** Links added to every representation; a client that sends them back unchanged (GET then PATCH) is not refused. */
const LINKS = ['self', '_permissions', '_permissionsHeirs'] as const;

function linksOf(id: string): Record<(typeof LINKS)[number], string> {
  return { self: id, _permissions: `/az-permissions?${id}`, _permissionsHeirs: `/az-permissions-heirs?${id}` };
}

/** The team as returned: stored data plus `self` and the links to its permissions (reference §8). */
export function representTeam(id: string, team: Team): Record<string, unknown> {
  return { ...team, ...linksOf(id) };
}

/**
 * Removes what a client may echo back but not change from a patched team: the links and the stamps, when they are
 * unchanged. A changed one is a 400: a new `_permissions` would otherwise be dropped without a word, although the
 * team's permissions are changed through `/az-permissions?{team}`.
 */
export function stripServerFields(id: string, patched: Record<string, unknown>, stored: Team): Record<string, unknown> {
  const result = { ...patched };
  const links = linksOf(id);
  for (const link of LINKS) {
    if (result[link] !== undefined && result[link] !== links[link]) {
      throw new BadRequestError(
        `${link} is a link set by the server (${links[link]}) and may not be changed; change the team's permissions through ${links._permissions}`,
      );
    }
    delete result[link];
  }
  for (const stamp of SERVER_STAMPS) {
    if (result[stamp] !== undefined && !sameJson(result[stamp], stored[stamp])) {
      throw new BadRequestError(`${stamp} is set by the server and may not be changed`);
    }
    delete result[stamp];
  }
  return result;
}

/** Equal as JSON (key order aside): a patch library may rebuild the objects a client echoes back. */
function sameJson(a: unknown, b: unknown): boolean {
  const plain = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
  return isDeepStrictEqual(plain(a), plain(b));
}

/** The stamps a PATCH carries over (`rolesGrantedOn` is computed anew by `grantRoles`). */
export function stampsOf(team: Team): Partial<Record<Exclude<ServerStamp, 'rolesGrantedOn'>, unknown>> {
  const stamps: Partial<Record<ServerStamp, unknown>> = {};
  for (const stamp of SERVER_STAMPS) {
    if (stamp !== 'rolesGrantedOn' && team[stamp] !== undefined) stamps[stamp] = team[stamp];
  }
  return stamps;
}
