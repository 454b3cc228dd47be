import { isAllowed, type TeamWithId } from '../src';
import { ALICE, BOB, boundTeam, caller, lookupOf, stored } from './fixtures';

const ACME = 'http://apigee.com/o/acme';
const RED = '/az-tm-red';
const readers: TeamWithId = { id: RED, team: boundTeam([ALICE], { [ACME]: { '/': ['read'] } }, { [ACME]: 3 }) };
const alice = caller(ALICE, [RED]);

describe('isAllowed: documents, then role fallback', () => {
  const lookup = lookupOf(
    { _subject: `${ACME}/granted`, _self: { read: [ALICE], govern: [BOB] } },
    stored({ _subject: ACME, _self: { govern: [BOB] } }, 3, { namespace: true }),
    { _subject: `${ACME}/silent`, _self: { govern: [BOB] }, _inheritsPermissionsOf: [ACME] },
    { _subject: `${ACME}/squatted`, _self: { govern: [BOB] } },
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

  test("a role does not decide for a document that does not inherit from the role's base", () => {
    // Whoever governs a URL prefix must not gain control of documents below it that other users own.
    const answer = isAllowed(lookup, `${ACME}/squatted`, { action: 'read' }, alice, [readers]);
    expect(answer.allowed).toBeNull();
    expect(answer.role).toBeUndefined();
    const governor: TeamWithId = { id: RED, team: boundTeam([ALICE], { [ACME]: { '/*': ['govern'] } }, { [ACME]: 3 }) };
    expect(isAllowed(lookup, `${ACME}/squatted`, { action: 'govern' }, alice, [governor]).allowed).toBeNull();
    expect(isAllowed(lookup, `${ACME}/silent`, { action: 'govern' }, alice, [governor]).allowed).toBe(true);
  });

  test("a role ends with its base's document: an heir left behind is not covered", () => {
    const orphan = lookupOf({ _subject: `${ACME}/orphan`, _self: { govern: [BOB] }, _inheritsPermissionsOf: [ACME] });
    expect(isAllowed(orphan, `${ACME}/orphan`, { action: 'read' }, alice, [readers]).allowed).toBeNull();
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
