import fc from 'fast-check';
import {
  basesReaching,
  matchTeamRoles,
  patternMatches,
  restAfterBase,
  roleActions,
  roleIndexOf,
  sortPatterns,
  type BaseFilter,
  type RoleMatch,
  type Roles,
  type Team,
} from '../src';
import { boundTeam, lookupOf, stored } from './fixtures';

/** The rule as it was written before the index: patterns sorted and split for every resource (the oracle). */
function naiveMatch(teamId: string, team: Team, resource: string, applies: BaseFilter): RoleMatch | undefined {
  for (const [base, patterns] of Object.entries(team.roles ?? {})) {
    const rest = restAfterBase(base, resource);
    if (rest === undefined || typeof patterns !== 'object' || patterns === null || Array.isArray(patterns)) continue;
    if (!applies(base, team)) continue;
    const candidates = Object.keys(patterns).filter((pattern) => pattern.startsWith('/'));
    const pattern = sortPatterns(candidates).find((candidate) => patternMatches(candidate, rest));
    if (pattern === undefined) continue;
    const actions = patterns[pattern];
    return {
      teamId,
      base,
      pattern,
      actions: Array.isArray(actions) ? actions.filter((a) => typeof a === 'string') : [],
    };
  }
  return undefined;
}

const ROOT = 'http://h.example/o';
const SEGMENTS = ['a', 'b', '*', '', 'c'];
const segmentsArb = fc.array(fc.constantFrom(...SEGMENTS), { minLength: 0, maxLength: 4 });
const patternArb = fc.oneof(
  fc.constant('/'),
  segmentsArb.filter((s) => s.length > 0).map((s) => `/${s.join('/')}`),
);
const baseArb = fc.oneof(
  fc.constantFrom(ROOT, `${ROOT}/`, `${ROOT}//`, `${ROOT}/a`, `${ROOT}/a/`, `${ROOT}/b`, `${ROOT}/a/b`, '/', ''),
  segmentsArb.map((s) => `${ROOT}/${s.join('/')}`),
);
const patternsArb = fc.dictionary(
  patternArb,
  fc.uniqueArray(fc.constantFrom('read', 'write', 'list'), { maxLength: 2 }),
  {
    maxKeys: 8,
  },
);
/** Up to 24 bases, so that both the scan (≤ 16 bases) and the prefix lookup of the index are exercised. */
const rolesArb: fc.Arbitrary<Roles> = fc.dictionary(baseArb, patternsArb, { maxKeys: 24 });
const resourceArb = fc.oneof(
  segmentsArb.map((s) => `${ROOT}/${s.join('/')}`),
  fc.constantFrom(ROOT, `${ROOT}/`, `${ROOT}//a`, `${ROOT}x/a`, 'http://h.example', '/', '/a'),
);

/** A team holding `roles` (any value: stored data may be malformed). */
function teamOf(roles: unknown): Team {
  return { isA: 'Team', members: [], roles: roles as Roles };
}

describe('compiled role index', () => {
  test('decides exactly as the sorted-pattern rule, for any roles, resource and base filter', () => {
    fc.assert(
      fc.property(rolesArb, resourceArb, fc.integer({ min: 0, max: 3 }), (roles, resource, refused) => {
        const bases = Object.keys(roles);
        const applies: BaseFilter = (base) => bases.indexOf(base) % 4 !== refused;
        const team = teamOf(roles);
        expect(matchTeamRoles('/az-tm-t', team, resource, applies)).toEqual(
          naiveMatch('/az-tm-t', team, resource, applies),
        );
      }),
      { numRuns: 2000 },
    );
  });

  test('many bases: the first covering base in the team order decides, trailing slashes included', () => {
    const roles: Roles = {};
    for (let i = 0; i < 40; i++) roles[`${ROOT}/x${i}`] = { '/*': [`r${i}`] };
    roles[`${ROOT}/a/`] = { '/b': ['slash'] };
    roles[`${ROOT}/a`] = { '/b': ['plain'] };
    roles[ROOT] = { '/': ['root'] };
    const every: BaseFilter = () => true;
    for (const resource of [
      `${ROOT}/x7/y`,
      `${ROOT}/a/b`,
      `${ROOT}/a`,
      `${ROOT}/a/`,
      `${ROOT}/q`,
      ROOT,
      `${ROOT}/x7`,
    ]) {
      expect(matchTeamRoles('/az-tm-t', teamOf(roles), resource, every)).toEqual(
        naiveMatch('/az-tm-t', teamOf(roles), resource, every),
      );
    }
    expect(matchTeamRoles('/az-tm-t', teamOf(roles), `${ROOT}/a/b`, every)?.actions).toEqual(['slash']);
  });

  test('a team of 4 600 patterns on one base answers 1 000 resources with one compilation', () => {
    const patterns: Record<string, string[]> = {};
    for (let i = 0; i < 4600; i++) patterns[`/env${i % 50}/api${i}/*`] = ['read'];
    patterns['/'] = ['list'];
    const roles: Roles = { [ROOT]: patterns };
    const index = roleIndexOf(roles);
    for (let i = 0; i < 1000; i++) {
      const match = matchTeamRoles('/az-tm-t', teamOf(roles), `${ROOT}/env${i % 50}/api${i}/x`);
      expect(match?.pattern).toBe(`/env${i % 50}/api${i}/*`);
    }
    expect(matchTeamRoles('/az-tm-t', teamOf(roles), `${ROOT}/elsewhere`)?.pattern).toBe('/');
    // Compiled once per roles object, reused by every later match.
    expect(roleIndexOf(roles)).toBe(index);
  });

  test('a resource far longer than any pattern is matched by / alone, without splitting it', () => {
    const roles: Roles = { [ROOT]: { '/a/*': ['read'], '/': ['list'] } };
    const long = `${ROOT}${'/a'.repeat(200_000)}`;
    expect(matchTeamRoles('/az-tm-t', teamOf(roles), long)?.pattern).toBe('/');
  });

  test('malformed roles give nothing and do not throw', () => {
    expect(roleIndexOf(null).bases).toEqual([]);
    expect(matchTeamRoles('/az-tm-t', teamOf('roles'), ROOT)).toBeUndefined();
    expect(matchTeamRoles('/az-tm-t', teamOf({ [ROOT]: ['/'] }), ROOT)).toBeUndefined();
    expect(matchTeamRoles('/az-tm-t', teamOf({ [ROOT]: { '/': 'read', x: ['a'] } }), ROOT)).toEqual({
      teamId: '/az-tm-t',
      base: ROOT,
      pattern: '/',
      actions: [],
    });
  });

  test('liveness is judged per team: one compiled roles object, two bindings, one live role', () => {
    // The index is per roles object; whether a role decides is the team's binding (rolesGrantedOn), never the
    // index's: two teams sharing their roles, granted on two incarnations of the base, must not share the answer.
    const roles: Roles = { [ROOT]: { '/*': ['read'] } };
    const live = boundTeam(['alice'], roles, { [ROOT]: 7 });
    const dead = boundTeam(['bob'], roles, { [ROOT]: 3 });
    const lookup = lookupOf(stored({ _subject: ROOT }, 7, { namespace: true }));
    const applies = basesReaching(lookup, `${ROOT}/x`);
    expect(matchTeamRoles('/az-tm-live', live, `${ROOT}/x`, applies)?.actions).toEqual(['read']);
    expect(matchTeamRoles('/az-tm-dead', dead, `${ROOT}/x`, applies)).toBeUndefined();
    expect(matchTeamRoles('/az-tm-live', live, `${ROOT}/x`, applies)?.actions).toEqual(['read']);
    expect(roleIndexOf(live.roles)).toBe(roleIndexOf(dead.roles));
    expect(
      roleActions(
        [
          { id: '/az-tm-dead', team: dead },
          { id: '/az-tm-live', team: live },
        ],
        `${ROOT}/x`,
        applies,
      ),
    ).toEqual(['read']);
    // The base document created again (another incarnation) ends the live one too.
    const recreated = basesReaching(lookupOf(stored({ _subject: ROOT }, 9, { namespace: true })), `${ROOT}/x`);
    expect(matchTeamRoles('/az-tm-live', live, `${ROOT}/x`, recreated)).toBeUndefined();
  });
});
