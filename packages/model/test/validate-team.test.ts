import { BadRequestError, validateTeam } from '../src';
import { ALICE, BOB, TEAM } from './fixtures';

function rejection(input: unknown): string {
  try {
    validateTeam(input);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    return (error as BadRequestError).message;
  }
  throw new Error('expected validateTeam to throw');
}

describe('validateTeam', () => {
  test('normalises members and roles and keeps other members', () => {
    const input = {
      isA: 'Team',
      name: 'Acme admins',
      members: [ALICE, BOB, ALICE],
      roles: { 'http://apigee.com/o/acme': { '/': ['read', 'read'], '/environments/*': ['read', 'update'] } },
      'test-data': true,
    };
    expect(validateTeam(input)).toEqual({
      isA: 'Team',
      name: 'Acme admins',
      members: [ALICE, BOB],
      roles: { 'http://apigee.com/o/acme': { '/': ['read'], '/environments/*': ['read', 'update'] } },
      'test-data': true,
    });
    expect(input.members).toEqual([ALICE, BOB, ALICE]);
  });

  test('name and roles are optional, an empty member list is fine', () => {
    expect(validateTeam({ isA: 'Team', members: [] })).toEqual({ isA: 'Team', members: [] });
  });

  test.each([
    ['a non-object', 'x', 'invalid JSON: a team must be a JSON object'],
    ['a missing isA', { members: [] }, 'invalid JSON: "isA" property not set to "Team"'],
    ['a wrong isA', { isA: 'team', members: [] }, 'invalid JSON: "isA" property not set to "Team"'],
    ['missing members', { isA: 'Team' }, 'invalid JSON: "members" property not set (an array of principals)'],
    ['string members', { isA: 'Team', members: ALICE }, 'invalid JSON: "members" must be an array of strings'],
    ['a numeric member', { isA: 'Team', members: [ALICE, 7] }, 'invalid JSON: "members" must be an array of strings'],
    ['a team member', { isA: 'Team', members: [ALICE, TEAM] }, 'a team cannot contain a team'],
    ['a numeric name', { isA: 'Team', members: [], name: 3 }, 'invalid JSON: "name" must be a string'],
    [
      'roles as an array',
      { isA: 'Team', members: [], roles: [] },
      'invalid JSON: "roles" must be an object mapping base URLs to path patterns',
    ],
    [
      'an empty base',
      { isA: 'Team', members: [], roles: { '': { '/': ['read'] } } },
      'invalid JSON: a "roles" base URL may not be empty',
    ],
    [
      'patterns as a list',
      { isA: 'Team', members: [], roles: { 'http://b': ['/'] } },
      'invalid JSON: "roles" of base http://b must be an object mapping path patterns to actions',
    ],
    [
      'a pattern without a leading slash',
      { isA: 'Team', members: [], roles: { 'http://b': { environments: ['read'] } } },
      'invalid JSON: role path pattern "environments" of base http://b must start with "/"',
    ],
    [
      'actions not an array of strings',
      { isA: 'Team', members: [], roles: { 'http://b': { '/': 'read' } } },
      'invalid JSON: actions of role path pattern "/" of base http://b must be an array of strings',
    ],
    [
      'a client-sent creator',
      { isA: 'Team', members: [], creator: ALICE },
      'invalid JSON: "creator" is set by the server and may not be sent',
    ],
    [
      'a client-sent created',
      { isA: 'Team', members: [], created: 'T' },
      'invalid JSON: "created" is set by the server and may not be sent',
    ],
    [
      'a client-sent modifier',
      { isA: 'Team', members: [], modifier: ALICE },
      'invalid JSON: "modifier" is set by the server and may not be sent',
    ],
    [
      'a client-sent modified',
      { isA: 'Team', members: [], modified: 'T' },
      'invalid JSON: "modified" is set by the server and may not be sent',
    ],
  ])('rejects %s', (_name, input, message) => {
    expect(rejection(input)).toBe(message);
  });

  test('rejects a team larger than the size limit', () => {
    expect(rejection({ isA: 'Team', members: [], blob: 'x'.repeat(100_000) })).toMatch(/^team is \d+ bytes of JSON/);
  });
});
