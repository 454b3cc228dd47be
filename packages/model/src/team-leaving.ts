import { isPlainObject } from './plain-data';
import { SERVER_STAMPS, type Team } from './types';

/**
 * A member may always leave a team (CONTRACT §4.10), without the `update` right the team's maintainers hold:
 * whoever put him there must not be able to keep him in it. A change is a leave by `principal` when he was a member,
 * is not one after, and nothing else changed (the other members, the roles, every other member of the team; the
 * server's stamps do not count).
 */
export function isLeaving(before: Team, after: Team, principal: string | null): boolean {
  if (principal === null) return false;
  const members = before.members.filter((member) => member !== principal);
  if (members.length === before.members.length) return false;
  const sameMembers =
    after.members.length === members.length && after.members.every((member) => members.includes(member));
  return sameMembers && sameJson(theRest(before), theRest(after));
}

/** Everything but the members (compared as a set) and the server's stamps. */
function theRest(team: Team): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...team };
  delete rest.members;
  for (const stamp of SERVER_STAMPS) delete rest[stamp];
  return rest;
}

/** Equal as JSON, whatever the order of object members (a merge patch may reorder them); arrays keep their order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && sameJson(a[key], b[key]))
    );
  }
  return a === b;
}
