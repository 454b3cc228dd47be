import { isAllowed, type TeamWithId } from '../src';
import { ALICE, BOB, caller, lookupOf } from './fixtures';

const ACME = 'http://apigee.com/o/acme';
const RED = '/az-tm-red';
const readers: TeamWithId = { id: RED, team: { isA: 'Team', members: [ALICE], roles: { [ACME]: { '/': ['read'] } } } };
const alice = caller(ALICE, [RED]);

describe('isAllowed: documents, then role fallback', () => {
  const lookup = lookupOf(
    { _subject: `${ACME}/granted`, _self: { read: [ALICE], govern: [BOB] } },
    { _subject: `${ACME}/silent`, _self: { govern: [BOB] } },
    { _subject: `${ACME}/vetoed`, _self: { govern: [BOB] }, _constraints: { wideningForbidden: true } },
  );

  test('a document grant needs no role and adds no role scope', () => {
    expect(isAllowed(lookup, `${ACME}/granted`, { action: 'read' }, alice, [readers])).toEqual({
      allowed: true,
      scopes: [`${ACME}/granted`],
      decidedBy: [{ subject: `${ACME}/granted`, allowed: true, because: 'grant', entry: ALICE }],
      missing: [],
    });
  });

  test('documents with no opinion: a role grants and its base is appended to scopes', () => {
    const answer = isAllowed(lookup, `${ACME}/silent`, { action: 'read' }, alice, [readers]);
    expect(answer.allowed).toBe(true);
    expect(answer.scopes).toEqual([`${ACME}/silent`, ACME]);
    expect(answer.role).toEqual({ allowed: true, base: ACME, teamId: RED, pattern: '/' });
  });

  test('a resource without any document can be granted by a role', () => {
    expect(isAllowed(lookup, `${ACME}/unknown`, { action: 'read' }, alice, [readers]).scopes).toEqual([ACME]);
  });

  test('a role that does not grant leaves null', () => {
    expect(isAllowed(lookup, `${ACME}/silent`, { action: 'delete' }, alice, [readers]).allowed).toBeNull();
  });

  test('a veto is final: the role is not consulted', () => {
    const answer = isAllowed(lookup, `${ACME}/vetoed`, { action: 'read' }, alice, [readers]);
    expect(answer.allowed).toBe(false);
    expect(answer.role).toBeUndefined();
  });

  test('roles apply only to _self (or no property)', () => {
    expect(isAllowed(lookup, `${ACME}/silent`, { property: '_self', action: 'read' }, alice, [readers]).allowed).toBe(
      true,
    );
    expect(
      isAllowed(lookup, `${ACME}/silent`, { property: 'kvm', action: 'read' }, alice, [readers]).allowed,
    ).toBeNull();
  });

  test("only the caller's own teams lend their roles", () => {
    expect(isAllowed(lookup, `${ACME}/silent`, { action: 'read' }, caller(BOB), [readers]).allowed).toBeNull();
    expect(isAllowed(lookup, `${ACME}/silent`, { action: 'read' }, caller(null, [RED]), [readers]).allowed).toBeNull();
  });
});
