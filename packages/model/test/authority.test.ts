import fc from 'fast-check';
import {
  basesGrantedAnew,
  bindRoles,
  enclosingPrefixes,
  forEvaluation,
  isAllowed,
  isNamespaceSubject,
  misplacedParents,
  namespaceCandidates,
  nearestNamespace,
  placeNewDocument,
  roleActions,
  basesReaching,
  legacyOrgOf,
  withMetadata,
  MAX_NAMESPACE_SEGMENTS,
  type Creator,
  type PermissionsDocument,
  type TeamWithId,
} from '../src';
import { ALICE, BOB, boundTeam, caller, lookupOf, stored } from './fixtures';

/** CONTRACT §4.8: authority comes only from who controls a resource. */
const ACME = 'http://apigee.com/o/acme';
const TEAM = '/az-tm-bob';
const bob = caller(BOB, [TEAM]);
const ALL = ['read', 'update', 'delete', 'govern', 'admin'];
const everything = { '/': ALL, '/*': ALL, '/*/*': ALL, '/*/*/*': ALL };

function rolesOn(base: string, incarnation: number): TeamWithId {
  return { id: TEAM, team: boundTeam([BOB], { [base]: everything }, { [base]: incarnation }) };
}

describe('namespaces: where a resource without a document looks for roles', () => {
  test('the enclosing prefixes of a URL, shortest first, never the resource, `/` or a trailing slash', () => {
    expect(enclosingPrefixes(`${ACME}/apps/x`)).toEqual([
      'http:',
      'http://apigee.com',
      'http://apigee.com/o',
      ACME,
      `${ACME}/apps`,
    ]);
    expect(enclosingPrefixes('/az-tm-x')).toEqual([]);
    expect(enclosingPrefixes('/a/b/')).toEqual(['/a', '/a/b']);
    expect(enclosingPrefixes(`${ACME}//x`)).toEqual(['http:', 'http://apigee.com', 'http://apigee.com/o', ACME]);
  });

  test('prefixes are bounded: a pathological resource costs at most MAX_NAMESPACE_SEGMENTS lookups', () => {
    expect(enclosingPrefixes(`${ACME}${'/x'.repeat(10_000)}`)).toHaveLength(MAX_NAMESPACE_SEGMENTS);
    expect(enclosingPrefixes(`http://h/${'a'.repeat(100_000)}/b`)).toEqual(['http:', 'http://h']);
    expect(isNamespaceSubject(`${ACME}${'/x'.repeat(40)}`)).toBe(false);
    expect(isNamespaceSubject(ACME)).toBe(true);
    expect(isNamespaceSubject(`${ACME}/`)).toBe(false);
    expect(isNamespaceSubject('/')).toBe(false);
    expect(isNamespaceSubject('/az-tm-x')).toBe(false);
  });

  test('the nearest namespace is the longest prefix marked as one; other documents are skipped', () => {
    const lookup = lookupOf(
      stored({ _subject: 'http://apigee.com/o' }, 1, { namespace: true }),
      stored({ _subject: ACME }, 2), // not a namespace
      stored({ _subject: `${ACME}/apps` }, 3, { namespace: true }),
    );
    expect(nearestNamespace(lookup, `${ACME}/apps/x`)).toBe(`${ACME}/apps`);
    expect(nearestNamespace(lookup, `${ACME}/keys/x`)).toBe('http://apigee.com/o');
    expect(nearestNamespace(lookup, 'http://other.com/x')).toBeUndefined();
    expect(namespaceCandidates(lookup, [`${ACME}/apps`, `${ACME}/keys/x`])).toEqual(
      enclosingPrefixes(`${ACME}/keys/x`),
    );
  });

  test.each([['http:'], ['http://'], ['https:'], ['http://apigee.com'], ['http://apigee.com/o'], [ACME]])(
    "claiming %s with an ordinary document gives nothing on someone else's undocumented URLs",
    (claimed) => {
      const lookup = lookupOf(stored({ _subject: claimed.replace(/\/+$/, ''), _self: { govern: [BOB] } }, 9));
      for (const resource of [`${ACME}/environments/test`, 'http://apigee.com/o/globex/apps/x', 'http://x.org/a']) {
        const answer = isAllowed(lookup, resource, { action: 'delete' }, bob, [rolesOn(claimed, 9)]);
        expect({ resource, allowed: answer.allowed }).toEqual({ resource, allowed: null });
      }
    },
  );

  test("a namespace's roles decide for its undocumented resources; an inner namespace hides the outer one", () => {
    const lookup = lookupOf(
      stored({ _subject: ACME, _self: { govern: [ALICE] } }, 4, { namespace: true }),
      stored({ _subject: `${ACME}/lab`, _self: { govern: [ALICE] } }, 5, { namespace: true }),
    );
    expect(isAllowed(lookup, `${ACME}/apps/x`, { action: 'read' }, bob, [rolesOn(ACME, 4)]).allowed).toBe(true);
    expect(isAllowed(lookup, `${ACME}/lab/x`, { action: 'read' }, bob, [rolesOn(ACME, 4)]).allowed).toBeNull();
    expect(isAllowed(lookup, `${ACME}/lab/x`, { action: 'read' }, bob, [rolesOn(`${ACME}/lab`, 5)]).allowed).toBe(true);
  });

  test('property: without a namespace above it, no role decides for an undocumented resource', () => {
    const segment = fc.stringMatching(/^[a-z]{1,4}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.nat({ max: 6 }), (segments, cut) => {
        const resource = `http://${segments.join('/')}`;
        const prefixes = enclosingPrefixes(resource);
        const claimed = prefixes[Math.min(cut, prefixes.length - 1)] ?? resource;
        // Every prefix has an ordinary document bob governs, with his roles bound to it.
        const lookup = lookupOf(...prefixes.map((p, i) => stored({ _subject: p, _self: { govern: [BOB] } }, i + 1)));
        const team = rolesOn(claimed, Math.max(1, prefixes.indexOf(claimed) + 1));
        return isAllowed(lookup, resource, { action: 'govern' }, bob, [team]).allowed === null;
      }),
    );
  });
});

describe('roles are bound to the incarnation of their base document', () => {
  const umbrella = 'http://adv.example.com/o/umbrella';
  const payroll = `${umbrella}/apps/payroll`;

  test('deleting the base ends the role; a document created again at the subject never revives it', () => {
    const bobs = rolesOn(umbrella, 10);
    const original = lookupOf(stored({ _subject: umbrella, _self: { govern: [BOB] } }, 10), {
      _subject: payroll,
      _inheritsPermissionsOf: [umbrella],
    });
    expect(isAllowed(original, payroll, { action: 'read' }, bob, [bobs]).allowed).toBe(true);
    // Alice creates the same subject later (another incarnation) and a child inheriting from it.
    const recreated = lookupOf(stored({ _subject: umbrella, _self: { govern: [ALICE] } }, 42, { namespace: true }), {
      _subject: payroll,
      _inheritsPermissionsOf: [umbrella],
      _self: { read: [ALICE] },
    });
    for (const resource of [payroll, umbrella, `${umbrella}/undocumented`]) {
      for (const action of ['read', 'govern']) {
        expect(isAllowed(recreated, resource, { action }, bob, [bobs]).allowed).toBeNull();
      }
    }
    expect(roleActions([bobs], payroll, basesReaching(recreated, payroll))).toEqual([]);
  });

  test('a role without a recorded binding, or on a base without a document, decides nothing', () => {
    const unbound: TeamWithId = { id: TEAM, team: { isA: 'Team', members: [BOB], roles: { [ACME]: everything } } };
    const lookup = lookupOf(stored({ _subject: ACME }, 1, { namespace: true }));
    expect(isAllowed(lookup, `${ACME}/x`, { action: 'read' }, bob, [unbound]).allowed).toBeNull();
    expect(isAllowed(lookupOf(), `${ACME}/x`, { action: 'read' }, bob, [rolesOn(ACME, 1)]).allowed).toBeNull();
  });

  test('a base spelled with trailing slashes is bound, and read, as its canonical base', () => {
    const lookup = lookupOf(stored({ _subject: ACME }, 6, { namespace: true }));
    const team: TeamWithId = { id: TEAM, team: boundTeam([BOB], { [`${ACME}//`]: everything }, { [ACME]: 6 }) };
    expect(isAllowed(lookup, `${ACME}/x`, { action: 'read' }, bob, [team]).allowed).toBe(true);
  });

  test('basesGrantedAnew: new or changed role maps, by canonical base; removals grant nothing', () => {
    const old = { [ACME]: { '/': ['read'] }, 'http://b.com': { '/': ['read'] } };
    expect(basesGrantedAnew({ ...old }, old)).toEqual([]);
    expect(basesGrantedAnew({ [ACME]: { '/': ['read'] } }, old)).toEqual([]);
    expect(basesGrantedAnew({ ...old, [ACME]: { '/': ['read', 'update'] } }, old)).toEqual([ACME]);
    expect(basesGrantedAnew({ ...old, [`${ACME}/`]: { '/': ['read'] } }, old)).toEqual([ACME]);
    expect(basesGrantedAnew(old, undefined)).toEqual([ACME, 'http://b.com']);
  });

  test('bindRoles keeps the binding of untouched bases and drops bases no longer named', () => {
    const roles = { [ACME]: { '/': ['read'] }, 'http://c.com/': { '/': ['read'] } };
    expect(bindRoles(roles, { [ACME]: 3, 'http://b.com': 4 }, new Map([['http://c.com', 9]]))).toEqual({
      [ACME]: 3,
      'http://c.com': 9,
    });
    expect(bindRoles({}, { [ACME]: 3 }, new Map())).toBeUndefined();
  });
});

describe('placement: where a document may be created, and which are namespaces', () => {
  const LEGACY = 'https://legacy.example.com';
  const CLIENT = 'https://login.example.com#permissions-client';
  const anyone: Creator = { mayCreateNamespaces: false, isServicesClient: false, servicesClients: [CLIENT] };
  const rootGovernor: Creator = { ...anyone, mayCreateNamespaces: true };
  const client: Creator = { mayCreateNamespaces: true, isServicesClient: true, servicesClients: [CLIENT] };
  const place = (lookup: ReturnType<typeof lookupOf>, subject: string, parents: string[], creator: Creator) =>
    placeNewDocument(lookup, { subject, parents, legacyOrg: legacyOrgOf(subject, LEGACY) }, creator);
  const acme = stored({ _subject: ACME, _self: { govern: [ALICE] } }, 1, { namespace: true });

  test('a governor of / creates namespaces (no parent but /); anyone else ordinary documents', () => {
    expect(place(lookupOf(), ACME, [], rootGovernor)).toEqual({ allowed: true, namespace: true });
    expect(place(lookupOf(), ACME, ['/'], rootGovernor)).toEqual({ allowed: true, namespace: true });
    expect(place(lookupOf(), ACME, [], anyone)).toEqual({ allowed: true, namespace: false });
    expect(place(lookupOf(acme), `${ACME}/apps`, [ACME], rootGovernor)).toEqual({ allowed: true, namespace: false });
    expect(place(lookupOf(), `${ACME}/`, [], rootGovernor)).toEqual({ allowed: true, namespace: false });
  });

  test("inside a namespace a document must inherit from it: nobody squats an undocumented URL of alice's", () => {
    const child = { _subject: `${ACME}/apps`, _inheritsPermissionsOf: [ACME] } as PermissionsDocument;
    const lookup = lookupOf(acme, child, { _subject: 'http://bob.com/x', _self: { govern: [BOB] } });
    expect(place(lookup, `${ACME}/environments/test`, [], anyone)).toMatchObject({ allowed: false });
    expect(place(lookup, `${ACME}/environments/test`, ['http://bob.com/x'], anyone)).toMatchObject({ allowed: false });
    expect(place(lookup, `${ACME}/apps/x`, [`${ACME}/apps`], anyone)).toEqual({ allowed: true, namespace: false });
    // A governor of / may place a namespace inside another one.
    expect(place(lookup, `${ACME}/lab`, [], rootGovernor)).toEqual({ allowed: true, namespace: true });
  });

  test('a PATCH may not take a document out of its namespace; a namespace itself is free', () => {
    const lookup = lookupOf(acme, { _subject: 'http://bob.com/x', _self: { govern: [BOB] } });
    expect(misplacedParents(lookup, { subject: `${ACME}/apps`, parents: [] }, [CLIENT])).toMatch(/inside namespace/);
    expect(misplacedParents(lookup, { subject: `${ACME}/apps`, parents: [ACME] }, [CLIENT])).toBeUndefined();
    expect(misplacedParents(lookup, { subject: ACME, parents: ['http://bob.com/x'] }, [CLIENT])).toBeUndefined();
  });

  test('a team URL holds only its own team document', () => {
    expect(place(lookupOf(), '/az-tm-x', [], rootGovernor)).toMatchObject({ allowed: false });
    expect(placeNewDocument(lookupOf(), { subject: '/az-tm-x', parents: [], ofTeam: true }, anyone)).toEqual({
      allowed: true,
      namespace: false,
    });
  });

  describe('legacy orgs', () => {
    const orgUrl = `${LEGACY}/v1/o/globex`;
    const migrated = lookupOf({
      ...stored({ _subject: orgUrl, _self: { govern: [CLIENT] } }, 3, { namespace: true }),
      _metadata: { sharedWith: [], incarnation: 3, namespace: true, creator: CLIENT },
    });
    const squatted = lookupOf({
      ...stored({ _subject: orgUrl, _self: { govern: [BOB] } }, 3, { namespace: true }),
      _metadata: { sharedWith: [], incarnation: 3, namespace: true, creator: BOB },
    });

    test.each([
      [orgUrl],
      [`${orgUrl}/`],
      [`${orgUrl}/apis/x`],
      [`${LEGACY}/v1/organizations/globex`],
      [`${LEGACY}/v1/organizations/globex/apis/x`],
      ['HTTPS://LEGACY.example.com/v1/o/globex'],
      [`${LEGACY}:443/v1/o/globex/apis`],
    ])('before its migration nobody but the migration creates %s', (subject) => {
      for (const creator of [anyone, rootGovernor]) {
        expect(place(lookupOf(), subject, [], creator)).toMatchObject({ allowed: false });
        expect(place(squatted, subject, [orgUrl], creator)).toMatchObject({ allowed: false });
      }
    });

    test('the services client creates the org document; afterwards documents under it inherit from it', () => {
      expect(place(lookupOf(), orgUrl, [], client)).toEqual({ allowed: true, namespace: true });
      expect(place(migrated, `${orgUrl}/apis/x`, [orgUrl], anyone)).toEqual({ allowed: true, namespace: false });
      expect(place(migrated, `${LEGACY}/v1/organizations/globex/x`, [orgUrl], anyone)).toMatchObject({
        allowed: true,
      });
      expect(place(migrated, `${orgUrl}/apis/x`, [], anyone)).toMatchObject({ allowed: false });
      expect(place(migrated, `${LEGACY}/v1/organizations/globex/x`, [], anyone)).toMatchObject({ allowed: false });
      expect(place(migrated, orgUrl, [], rootGovernor)).toMatchObject({ allowed: false });
    });
  });
});

describe('the identity marks in _metadata', () => {
  test('an update keeps incarnation and namespace; a create sets only the namespace', () => {
    const created = withMetadata({ _subject: ACME, _metadata: { sharedWith: [], incarnation: 99 } }, undefined, {
      principal: ALICE,
      now: 't0',
      isCreate: true,
      namespace: true,
    });
    expect(created._metadata).toEqual({ creator: ALICE, created: 't0', namespace: true, sharedWith: [] });
    const previous = { ...created._metadata!, incarnation: 12 };
    const updated = withMetadata({ _subject: ACME }, previous, { principal: BOB, now: 't1', isCreate: false });
    expect(updated._metadata).toMatchObject({ incarnation: 12, namespace: true, creator: ALICE, modifier: BOB });
  });

  test('forEvaluation keeps only what the engine reads', () => {
    const doc = stored({ _subject: ACME, _self: { read: [ALICE] } }, 5, { namespace: true });
    expect(forEvaluation({ ...doc, _metadata: { ...doc._metadata, creator: ALICE, sharedWith: [ALICE] } })).toEqual({
      _subject: ACME,
      _self: { read: [ALICE] },
      _metadata: { incarnation: 5, namespace: true },
    });
    expect(forEvaluation({ _subject: ACME, _metadata: { sharedWith: [] } })).toEqual({ _subject: ACME });
  });
});
