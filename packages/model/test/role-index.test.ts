import fc from 'fast-check';
import {
  matchTeamRoles,
  patternMatches,
  restAfterBase,
  roleIndexOf,
  sortPatterns,
  type BaseFilter,
  type RoleMatch,
  type Roles,
} from '../src';

/** The rule as it was written before the index: patterns sorted and split for every resource (the oracle). */
function naiveMatch(teamId: string, roles: Roles, resource: string, applies: BaseFilter): RoleMatch | undefined {
  for (const [base, patterns] of Object.entries(roles)) {
    const rest = restAfterBase(base, resource);
    if (rest === undefined || typeof patterns !== 'object' || patterns === null || Array.isArray(patterns)) continue;
    if (!applies(base)) continue;
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

describe('compiled role index', () => {
  test('decides exactly as the sorted-pattern rule, for any roles, resource and base filter', () => {
    fc.assert(
      fc.property(rolesArb, resourceArb, fc.integer({ min: 0, max: 3 }), (roles, resource, refused) => {
        const bases = Object.keys(roles);
        const applies: BaseFilter = (base) => bases.indexOf(base) % 4 !== refused;
        expect(matchTeamRoles('/az-tm-t', roles, resource, applies)).toEqual(
          naiveMatch('/az-tm-t', roles, resource, applies),
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
      expect(matchTeamRoles('/az-tm-t', roles, resource, every)).toEqual(
        naiveMatch('/az-tm-t', roles, resource, every),
      );
    }
    expect(matchTeamRoles('/az-tm-t', roles, `${ROOT}/a/b`, every)?.actions).toEqual(['slash']);
  });

  test('a team of 4 600 patterns on one base answers 1 000 resources with one compilation', () => {
    const patterns: Record<string, string[]> = {};
    for (let i = 0; i < 4600; i++) patterns[`/env${i % 50}/api${i}/*`] = ['read'];
    patterns['/'] = ['list'];
    const roles: Roles = { [ROOT]: patterns };
    const index = roleIndexOf(roles);
    for (let i = 0; i < 1000; i++) {
      const match = matchTeamRoles('/az-tm-t', roles, `${ROOT}/env${i % 50}/api${i}/x`);
      expect(match?.pattern).toBe(`/env${i % 50}/api${i}/*`);
    }
    expect(matchTeamRoles('/az-tm-t', roles, `${ROOT}/elsewhere`)?.pattern).toBe('/');
    // Compiled once per roles object, reused by every later match.
    expect(roleIndexOf(roles)).toBe(index);
  });

  test('a resource far longer than any pattern is matched by / alone, without splitting it', () => {
    const roles: Roles = { [ROOT]: { '/a/*': ['read'], '/': ['list'] } };
    const long = `${ROOT}${'/a'.repeat(200_000)}`;
    expect(matchTeamRoles('/az-tm-t', roles, long)?.pattern).toBe('/');
  });

  test('malformed roles give nothing and do not throw', () => {
    expect(roleIndexOf(null).bases).toEqual([]);
    expect(matchTeamRoles('/az-tm-t', 'roles', ROOT)).toBeUndefined();
    expect(matchTeamRoles('/az-tm-t', { [ROOT]: ['/'] }, ROOT)).toBeUndefined();
    expect(matchTeamRoles('/az-tm-t', { [ROOT]: { '/': 'read', x: ['a'] } }, ROOT)).toEqual({
      teamId: '/az-tm-t',
      base: ROOT,
      pattern: '/',
      actions: [],
    });
  });
});
