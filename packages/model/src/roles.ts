import { ownValue, unique } from './plain-data';
import { actorSetOf } from './principals';
import { matchRoleIndex, roleIndexOf } from './role-index';
import type { BaseFilter } from './role-reach';
import type { Caller, Team, TeamWithId } from './types';

const EVERY_BASE: BaseFilter = () => true;

/**
 * Role fallback (reference §6.4) with the fixes of W2 and tie order. For one team:
 * - bases are tried in object order; a base covers a resource when the resource equals it or continues it after a
 *   `/` (path-segment boundary: `…/o/acme` covers `…/o/acme/x` but not `…/o/acmecorp/x`). Trailing slashes of a
 *   base are ignored, so `…/o/acme/` behaves like `…/o/acme`;
 * - `rest` = the resource after the base: `''` for the base itself, otherwise `/seg/seg…`;
 * - patterns are tried most segments first, for equal counts those not ending in `*` first, `/` always last;
 * - `/` matches every rest, including `''`: it is the ONLY pattern that matches the base itself;
 * - any other pattern matches when it has as many segments as `rest` and each segment is equal or `*`; `*` stands
 *   for exactly one non-empty segment (`/environments/*` matches `/environments/test`, not `/environments/test/x`
 *   nor `/environments/`);
 * - the first matching pattern of the first base that has one decides that team's actions.
 * Teams are independent: the answer is the union over teams.
 */

export interface RoleMatch {
  teamId: string;
  base: string;
  pattern: string;
  actions: string[];
}

/**
 * The resource a role base stands for: trailing slashes are ignored, so `…/o/acme/` is `…/o/acme`, and a base of
 * slashes only is `/`. Every rule about bases (matching, W1's govern check, which documents a base reaches) uses
 * this one reading; they once disagreed, which let `…/o/acme/` take over `…/o/acme`.
 */
export function canonicalBase(base: string): string {
  return base.replace(/\/+$/, '') || '/';
}

/** What `resource` is relative to `base`, or `undefined` when the base does not cover it. */
export function restAfterBase(base: string, resource: string): string | undefined {
  if (base === '') return undefined; // never produced by validateTeam; old data must not cover everything
  const trimmed = base.replace(/\/+$/, '');
  if (resource === base || resource === trimmed) return '';
  return resource.startsWith(trimmed + '/') ? resource.slice(trimmed.length) : undefined;
}

/** Patterns in the order they are tried. */
export function sortPatterns(patterns: readonly string[]): string[] {
  const rank = (pattern: string): [number, number] =>
    pattern === '/' ? [Number.NEGATIVE_INFINITY, 0] : [pattern.split('/').length, pattern.endsWith('*') ? 0 : 1];
  // Array.prototype.sort is stable, so patterns that tie keep the team's order.
  return [...patterns].sort((a, b) => {
    const [segmentsA, exactA] = rank(a);
    const [segmentsB, exactB] = rank(b);
    return segmentsA === segmentsB ? exactB - exactA : segmentsB - segmentsA;
  });
}

export function patternMatches(pattern: string, rest: string): boolean {
  if (pattern === '/') return true;
  const want = pattern.split('/');
  const have = rest.split('/');
  return (
    want.length === have.length &&
    want.every((segment, i) => segment === have[i] || (segment === '*' && have[i] !== ''))
  );
}

/**
 * The decisive match of one team's roles for `resource`, if any; bases `applies` refuses are skipped. The roles are
 * compiled once per roles object (role-index.ts), not sorted per question.
 */
export function matchTeamRoles(
  teamId: string,
  team: Team,
  resource: string,
  applies: BaseFilter = EVERY_BASE,
): RoleMatch | undefined {
  const match = matchRoleIndex(roleIndexOf(ownValue(team, 'roles')), resource, applies, team);
  return match === undefined
    ? undefined
    : { teamId, base: match.base, pattern: match.pattern, actions: [...match.actions] };
}

/** The decisive match of every team that has one, in team order. */
export function roleMatches(
  teams: readonly TeamWithId[],
  resource: string,
  applies: BaseFilter = EVERY_BASE,
): RoleMatch[] {
  const matches: RoleMatch[] = [];
  for (const { id, team } of teams) {
    const match = matchTeamRoles(id, team, resource, applies);
    if (match !== undefined) matches.push(match);
  }
  return matches;
}

export interface RoleDecision {
  allowed: boolean;
  /** The base whose pattern granted (added to audit scopes); with the team and pattern for `explain`. */
  base?: string;
  teamId?: string;
  pattern?: string;
}

/** Whether some team's roles grant `action` on `resource`; the first granting team (in order) is reported. */
export function roleDecision(
  teams: readonly TeamWithId[],
  resource: string,
  action: string,
  applies: BaseFilter = EVERY_BASE,
): RoleDecision {
  const match = roleMatches(teams, resource, applies).find((candidate) => candidate.actions.includes(action));
  return match === undefined
    ? { allowed: false }
    : { allowed: true, base: match.base, teamId: match.teamId, pattern: match.pattern };
}

/** Union of the actions every team's roles grant on `resource`, in first-seen order. */
export function roleActions(
  teams: readonly TeamWithId[],
  resource: string,
  applies: BaseFilter = EVERY_BASE,
): string[] {
  return unique(roleMatches(teams, resource, applies).flatMap((match) => match.actions));
}

/**
 * Only teams the caller is an actor of may lend it their roles; a request with no user has none. Applied by
 * `isAllowed` and `allowedActionsWithRoles` so a caller that passes too many teams cannot widen an answer.
 */
export function teamsOfCaller(teamsWithRoles: readonly TeamWithId[], caller: Caller): TeamWithId[] {
  const actors = actorSetOf(caller);
  return teamsWithRoles.filter((team) => actors.has(team.id));
}
