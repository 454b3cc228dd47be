import { ANYONE, INCOGNITO, allowedActions, allowedActionsWithRoles, type TeamWithId } from '../src';
import { ALICE, BOB, ISS, MALLORY, OTHER_ISS, TEAM, boundTeam, caller, lookupOf, stored } from './fixtures';

describe('allowedActions (reference §6.5 done right)', () => {
  test('unions the grants of the document and all its ancestors, each wildcard by the §6.2 rule', () => {
    const lookup = lookupOf(
      { _subject: 'c', _inheritsPermissionsOf: ['p'], _self: { read: [ALICE], update: [TEAM], list: [INCOGNITO] } },
      { _subject: 'p', _self: { delete: [ANYONE], govern: [`${ISS}#anyone`], admin: [`${OTHER_ISS}#anyone`] } },
    );
    expect(allowedActions(lookup, 'c', undefined, caller(ALICE, [TEAM]))).toEqual({
      actions: ['read', 'update', 'list', 'delete', 'govern'],
      restricted: false,
    });
    expect(allowedActions(lookup, 'c', '_self', caller(null))).toEqual({ actions: ['list'], restricted: false });
  });

  test('W11: an empty list does not crash and an issuer wildcard listed first does not grant to everybody', () => {
    const lookup = lookupOf({
      _subject: 's',
      _self: { govern: [BOB], events: [], read: [`${OTHER_ISS}#anyone`, BOB] },
    });
    expect(allowedActions(lookup, 's', '_self', caller(ALICE))).toEqual({ actions: [], restricted: false });
  });

  test('a validIssuers veto anywhere gives nothing, restricted', () => {
    const lookup = lookupOf(
      { _subject: 'c', _inheritsPermissionsOf: ['p'], _self: { read: [MALLORY] } },
      { _subject: 'p', _self: { govern: [BOB] }, _constraints: { validIssuers: [ISS] } },
    );
    expect(allowedActions(lookup, 'c', '_self', caller(MALLORY))).toEqual({ actions: [], restricted: true });
  });

  test('a wideningForbidden ancestor limits the child to what it grants itself', () => {
    const lookup = lookupOf(
      { _subject: 'c', _inheritsPermissionsOf: ['org'], _self: { read: [ALICE], delete: [ALICE] } },
      { _subject: 'org', _self: { read: [ALICE], update: [ALICE] }, _constraints: { wideningForbidden: true } },
    );
    expect(allowedActions(lookup, 'c', '_self', caller(ALICE))).toEqual({
      actions: ['read', 'update'],
      restricted: true,
    });
  });

  test('B8: two restricted parents are intersected; an unrestricted parent after them adds nothing', () => {
    const lookup = lookupOf(
      { _subject: 'c', _inheritsPermissionsOf: ['free1', 'r1', 'free2', 'r2'] },
      { _subject: 'free1', _self: { x: [ALICE] } },
      { _subject: 'r1', _self: { a: [ALICE], b: [ALICE] }, _constraints: { wideningForbidden: true } },
      { _subject: 'free2', _self: { y: [ALICE], b: [ALICE] } },
      { _subject: 'r2', _self: { b: [ALICE], c: [ALICE] }, _constraints: { wideningForbidden: true } },
    );
    expect(allowedActions(lookup, 'c', '_self', caller(ALICE))).toEqual({ actions: ['b'], restricted: true });
  });

  test("a wideningForbidden node does not keep its unrestricted parents' extra grants (tree algorithm's flaw)", () => {
    const lookup = lookupOf(
      {
        _subject: 'node',
        _inheritsPermissionsOf: ['open'],
        _self: { read: [ALICE] },
        _constraints: { wideningForbidden: true },
      },
      { _subject: 'open', _self: { write: [ALICE] } },
    );
    expect(allowedActions(lookup, 'node', '_self', caller(ALICE))).toEqual({ actions: ['read'], restricted: true });
  });

  test('missing documents contribute nothing; a missing subject gives nothing, unrestricted', () => {
    const lookup = lookupOf(
      { _subject: 'c', _inheritsPermissionsOf: ['gone', 'p'] },
      { _subject: 'p', kvm: { read: [ALICE] } },
    );
    expect(allowedActions(lookup, 'c', 'kvm', caller(ALICE))).toEqual({ actions: ['read'], restricted: false });
    expect(allowedActions(lookup, 'nothing', 'kvm', caller(ALICE))).toEqual({ actions: [], restricted: false });
  });
});

describe('allowedActionsWithRoles', () => {
  const ACME = 'http://apigee.com/o/acme';
  const roles: TeamWithId = {
    id: TEAM,
    team: boundTeam([ALICE], { [ACME]: { '/': ['read', 'deploy'] } }, { [ACME]: 7 }),
  };
  const acme = stored({ _subject: ACME, _self: { govern: [BOB] } }, 7, { namespace: true });
  const alice = caller(ALICE, [TEAM]);

  test('adds role actions when nothing is restricted and the property is _self', () => {
    const lookup = lookupOf(
      {
        _subject: `${ACME}/x`,
        _self: { update: [ALICE], read: [ALICE], govern: [BOB] },
        _inheritsPermissionsOf: [ACME],
      },
      { _subject: `${ACME}/own`, _self: { update: [ALICE], govern: [BOB] } },
      acme,
    );
    expect(allowedActionsWithRoles(lookup, `${ACME}/x`, undefined, alice, [roles])).toEqual({
      actions: ['update', 'read', 'deploy'],
      restricted: false,
    });
    // A document that does not inherit from the base is not covered by the base's roles.
    expect(allowedActionsWithRoles(lookup, `${ACME}/own`, undefined, alice, [roles])).toEqual({
      actions: ['update'],
      restricted: false,
    });
    expect(allowedActionsWithRoles(lookup, `${ACME}/x`, 'kvm', alice, [roles])).toEqual({
      actions: [],
      restricted: false,
    });
  });

  test('a missing document gives role actions only', () => {
    expect(allowedActionsWithRoles(lookupOf(acme), `${ACME}/y`, '_self', alice, [roles])).toEqual({
      actions: ['read', 'deploy'],
      restricted: false,
    });
  });

  test('no role actions when a constraint applies', () => {
    const lookup = lookupOf({
      _subject: `${ACME}/z`,
      _self: { update: [ALICE] },
      _constraints: { wideningForbidden: true },
    });
    expect(allowedActionsWithRoles(lookup, `${ACME}/z`, '_self', alice, [roles])).toEqual({
      actions: ['update'],
      restricted: true,
    });
  });
});
