import type { Team } from '@permissions/model';
import { BadRequestError } from '@permissions/model/src/errors';

/** Stamps the server keeps on a team (reference §3.3); clients may not set them. */
export const STAMPS = ['creator', 'created', 'modifier', 'modified'] as const;
/** Links added to every representation; a client that sends them back (GET then PATCH) is not refused. */
const LINKS = ['self', '_permissions', '_permissionsHeirs'] as const;

/** The team as returned: stored data plus `self` and the links to its permissions (reference §8). */
export function representTeam(id: string, team: Team): Record<string, unknown> {
  return {
    ...team,
    self: id,
    _permissions: `/az-permissions?${id}`,
    _permissionsHeirs: `/az-permissions-heirs?${id}`,
  };
}

/**
 * Removes what a client may echo back but not change from a patched team: the links, and the stamps when they are
 * unchanged (a changed stamp is a 400).
 */
export function stripServerFields(patched: Record<string, unknown>, stored: Team): Record<string, unknown> {
  const result = { ...patched };
  for (const link of LINKS) delete result[link];
  for (const stamp of STAMPS) {
    if (result[stamp] !== undefined && result[stamp] !== stored[stamp]) {
      throw new BadRequestError(`${stamp} is set by the server and may not be changed`);
    }
    delete result[stamp];
  }
  return result;
}

export function stampsOf(team: Team): Partial<Record<(typeof STAMPS)[number], unknown>> {
  const stamps: Partial<Record<(typeof STAMPS)[number], unknown>> = {};
  for (const stamp of STAMPS) if (team[stamp] !== undefined) stamps[stamp] = team[stamp];
  return stamps;
}
