import {
  canonicalBase,
  patternMatches,
  restAfterBase,
  roleActions,
  roleDecision,
  sortPatterns,
  type TeamWithId,
} from '../src';

const ACME = 'http://apigee.com/o/acme';

function team(id: string, roles: TeamWithId['team']['roles']): TeamWithId {
  return { id, team: { isA: 'Team', members: [], roles } };
}

describe('role fallback (reference §6.4 with fixes)', () => {
  const admins = team('/az-tm-a', {
    [ACME]: {
      '/': ['read'],
      '/environments/*': ['read', 'deploy'],
      '/environments/prod': ['read'],
      '/keyvaluemaps': ['read', 'update'],
    },
  });

  test('patterns: more segments first, exact before *, / last, ties keep their order', () => {
    expect(sortPatterns(['/', '/a/*', '/b', '/a/x/y', '/a/z', '/c'])).toEqual([
      '/a/x/y',
      '/a/z',
      '/a/*',
      '/b',
      '/c',
      '/',
    ]);
  });

  test('the first matching pattern decides: exact beats *, * beats /', () => {
    expect(roleActions([admins], `${ACME}/environments/prod`)).toEqual(['read']);
    expect(roleActions([admins], `${ACME}/environments/test`)).toEqual(['read', 'deploy']);
    expect(roleActions([admins], `${ACME}/keyvaluemaps`)).toEqual(['read', 'update']);
    expect(roleActions([admins], `${ACME}/apis/x`)).toEqual(['read']);
  });

  test('* is exactly one non-empty segment', () => {
    expect(patternMatches('/environments/*', '/environments/test')).toBe(true);
    expect(patternMatches('/environments/*', '/environments/test/x')).toBe(false);
    expect(patternMatches('/environments/*', '/environments/')).toBe(false);
    expect(patternMatches('/environments/*', '/environments')).toBe(false);
    expect(patternMatches('/*/kvm', '/e1/kvm')).toBe(true);
    const noSlash = team('/az-tm-b', { [ACME]: { '/environments/*': ['deploy'] } });
    expect(roleDecision([noSlash], `${ACME}/environments/test/x`, 'deploy')).toEqual({ allowed: false });
  });

  test("the base itself (rest '') is matched only by /", () => {
    expect(restAfterBase(ACME, ACME)).toBe('');
    expect(patternMatches('/', '')).toBe(true);
    expect(patternMatches('/*', '')).toBe(false);
    const noRoot = team('/az-tm-b', { [ACME]: { '/*': ['read'] } });
    expect(roleDecision([noRoot], ACME, 'read')).toEqual({ allowed: false });
    expect(roleDecision([admins], ACME, 'read')).toEqual({
      allowed: true,
      base: ACME,
      teamId: '/az-tm-a',
      pattern: '/',
    });
  });

  test('W2: a base covers only whole path segments', () => {
    expect(restAfterBase(ACME, `${ACME}corp/x`)).toBeUndefined();
    expect(roleDecision([admins], 'http://apigee.com/o/acmecorp/x', 'read')).toEqual({ allowed: false });
    expect(roleDecision([admins], 'http://apigee.com/o/acmecorp', 'read')).toEqual({ allowed: false });
    expect(roleDecision([admins], `${ACME}/x`, 'read').allowed).toBe(true);
  });

  test('a base with a trailing slash behaves like the same base without it', () => {
    const slash = team('/az-tm-s', { [`${ACME}/`]: { '/': ['read'], '/env': ['deploy'] } });
    expect(restAfterBase(`${ACME}/`, `${ACME}/env`)).toBe('/env');
    expect(roleActions([slash], `${ACME}/env`)).toEqual(['deploy']);
    expect(roleActions([slash], ACME)).toEqual(['read']);
    expect(roleActions([slash], `${ACME}/`)).toEqual(['read']);
    expect(roleActions([slash], `${ACME}corp`)).toEqual([]);
  });

  test('when no pattern of a base matches, the next base is tried; the first base with a match decides', () => {
    const t = team('/az-tm-t', {
      [ACME]: { '/environments/*': ['deploy'] },
      [`${ACME}/apis`]: { '/': ['read'] },
      'http://apigee.com/o': { '/': ['delete'] },
    });
    expect(roleActions([t], `${ACME}/apis/x`)).toEqual(['read']);
    expect(roleActions([t], `${ACME}/environments/e`)).toEqual(['deploy']);
    expect(roleDecision([t], `${ACME}/apis/x`, 'delete')).toEqual({ allowed: false });
  });

  test('teams are independent: the actions are unioned, the first granting team is reported', () => {
    const readers = team('/az-tm-r', { [ACME]: { '/': ['read'] } });
    const deployers = team('/az-tm-d', { [ACME]: { '/': ['deploy', 'read'] } });
    expect(roleActions([readers, deployers], `${ACME}/x`)).toEqual(['read', 'deploy']);
    expect(roleDecision([readers, deployers], `${ACME}/x`, 'deploy')).toEqual({
      allowed: true,
      base: ACME,
      teamId: '/az-tm-d',
      pattern: '/',
    });
  });

  test('teams without roles, and malformed stored roles, give nothing and do not throw', () => {
    const none: TeamWithId = { id: '/az-tm-n', team: { isA: 'Team', members: [] } };
    const broken = { id: '/az-tm-x', team: { isA: 'Team', members: [], roles: { [ACME]: { '/': 'read', x: ['a'] } } } };
    expect(roleActions([none, broken as unknown as TeamWithId], `${ACME}/y`)).toEqual([]);
    expect(restAfterBase('', '/anything')).toBeUndefined();
  });
});

describe('canonicalBase', () => {
  test('trailing slashes are ignored and a base of slashes is the root', () => {
    expect(canonicalBase('http://apigee.com/o/acme/')).toBe('http://apigee.com/o/acme');
    expect(canonicalBase('http://apigee.com/o/acme//')).toBe('http://apigee.com/o/acme');
    expect(canonicalBase('http://apigee.com/o/acme')).toBe('http://apigee.com/o/acme');
    expect(canonicalBase('//')).toBe('/');
    expect(canonicalBase('/')).toBe('/');
  });
});
