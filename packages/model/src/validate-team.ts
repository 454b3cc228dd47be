import { assertDocumentSize } from './document-size';
import { BadRequestError } from './errors';
import { assertSafeJson } from './safe-json';
import { copyJson, isPlainObject, isStringArray, setOwn, unique, type PlainObject } from './plain-data';
import { SERVER_STAMPS, TEAM_PREFIX, type Roles, type Team } from './types';
import { assertPrincipalCount, assertPrincipalLength, assertSubjectLength } from './write-bounds';

/**
 * The boundary check for a team body on create and for the result of a PATCH (reference §3.3, §8). Returns a
 * normalised copy or throws BadRequestError; the input is never modified.
 *
 * Not done here: removing `_permissions` from a create body and the link members (`self`, `_permissionsHeirs`) of
 * a GET representation, and checking that the caller may `govern` each role base (CONTRACT §4.1): those need the
 * request context and the store. Other members are kept as data.
 */
export function validateTeam(input: unknown): Team {
  if (!isPlainObject(input)) throw new BadRequestError('invalid JSON: a team must be a JSON object');
  assertSafeJson(input, 'the team');
  if (input.isA !== 'Team') throw new BadRequestError('invalid JSON: "isA" property not set to "Team"');
  for (const stamp of SERVER_STAMPS) {
    if (Object.prototype.hasOwnProperty.call(input, stamp)) {
      throw new BadRequestError(`invalid JSON: "${stamp}" is set by the server and may not be sent`);
    }
  }
  const team: PlainObject = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === 'members') setOwn(team, key, validateMembers(value));
    else if (key === 'name') setOwn(team, key, validateName(value));
    else if (key === 'roles') setOwn(team, key, validateRoles(value));
    else setOwn(team, key, copyJson(value));
  }
  if (!Object.prototype.hasOwnProperty.call(team, 'members')) {
    throw new BadRequestError('invalid JSON: "members" property not set (an array of principals)');
  }
  assertDocumentSize(team, 'team');
  return team as Team;
}

function validateMembers(value: unknown): string[] {
  if (!isStringArray(value)) throw new BadRequestError('invalid JSON: "members" must be an array of strings');
  const nested = value.find((member) => member.startsWith(TEAM_PREFIX));
  if (nested !== undefined) throw new BadRequestError('a team cannot contain a team', { member: nested });
  const members = unique(value);
  for (const member of members) assertPrincipalLength(member, '"members"');
  assertPrincipalCount(members.length, 'the team\'s "members"');
  return members;
}

function validateName(value: unknown): string {
  if (typeof value !== 'string') throw new BadRequestError('invalid JSON: "name" must be a string');
  return value;
}

/** `roles`: base URL → path pattern (starting with `/`) → actions (reference §6.4). */
function validateRoles(value: unknown): Roles {
  if (!isPlainObject(value)) {
    throw new BadRequestError('invalid JSON: "roles" must be an object mapping base URLs to path patterns');
  }
  const roles: Roles = {};
  for (const [base, patterns] of Object.entries(value)) {
    // An empty base would cover every relative URL once the segment boundary is applied.
    if (base === '') throw new BadRequestError('invalid JSON: a "roles" base URL may not be empty');
    assertSubjectLength(base, 'a "roles" base URL');
    if (!isPlainObject(patterns)) {
      throw new BadRequestError(
        `invalid JSON: "roles" of base ${base} must be an object mapping path patterns to actions`,
      );
    }
    const checked: Record<string, string[]> = {};
    for (const [pattern, actions] of Object.entries(patterns)) {
      if (!pattern.startsWith('/')) {
        throw new BadRequestError(`invalid JSON: role path pattern "${pattern}" of base ${base} must start with "/"`);
      }
      if (!isStringArray(actions)) {
        throw new BadRequestError(
          `invalid JSON: actions of role path pattern "${pattern}" of base ${base} must be an array of strings`,
        );
      }
      setOwn(checked, pattern, unique(actions));
    }
    setOwn(roles, base, checked);
  }
  return roles;
}
