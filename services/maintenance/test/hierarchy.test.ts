import { ANYONE, INCOGNITO } from '@permissions/model';
import { auth, create, governedBy, parentOwnedBy, subjectFor, useStack, type Maintenance } from './fixtures';

const get = useStack();

/**
 * Documents shared with a wildcard: every shared-with answer of this file includes them. Only the shared-with test
 * shares anything with dave.
 */
const sharedWithWildcards: string[] = [];

async function createTeam(m: Maintenance, members: string[], self: Record<string, string[]> = {}): Promise<string> {
  const res = await m.stack.http
    .post('/az-teams')
    .set(auth(m.tokens.alice))
    .send({
      isA: 'Team',
      name: 'hierarchy test team',
      members,
      _permissions: { _self: { govern: [m.p.alice], update: [m.p.alice], read: [m.p.alice], ...self } },
    });
  if (res.status !== 201) throw new Error(`team: ${res.status} ${JSON.stringify(res.body)}`);
  return res.headers.location;
}

describe('GET /az-permissions-heirs?{subject}', () => {
  test('200: a Collection of the direct heirs, sorted', async () => {
    const m = get();
    const [parent, b, a, grandchild] = ['parent', 'b', 'a', 'grandchild'].map(subjectFor);
    await create(m, 'alice', parentOwnedBy(parent, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.bob] } }));
    await create(m, 'alice', parentOwnedBy(b, m.p.alice, { _inheritsPermissionsOf: [parent] }));
    await create(m, 'alice', parentOwnedBy(a, m.p.alice, { _inheritsPermissionsOf: [parent] }));
    await create(m, 'alice', { _subject: grandchild, _inheritsPermissionsOf: [a] });
    const url = `/az-permissions-heirs?${parent}`;
    const res = await m.stack.http.get(url).set(auth(m.tokens.bob));
    expect(res.status).toBe(200);
    expect(res.headers['content-location']).toBe(url);
    expect(res.body).toEqual({ kind: 'Collection', self: url, contents: [a, b].sort() });
    const encoded = await m.stack.http
      .get(`/az-permissions-heirs?subject=${encodeURIComponent(parent)}`)
      .set(auth(m.tokens.bob));
    expect(encoded.body.contents).toEqual([a, b].sort());
  });

  test('403 without read, 404 without a document or one the caller may not know of, 401 without a token, 405 for POST', async () => {
    const m = get();
    const subject = subjectFor('heirs-private');
    // bob may administer (so know of) the document, but not read it
    await create(m, 'alice', governedBy(subject, m.p.alice, { _self: { govern: [m.p.alice], admin: [m.p.bob] } }));
    const forbidden = await m.stack.http.get(`/az-permissions-heirs?${subject}`).set(auth(m.tokens.bob));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({
      msg: `Forbidden. component: maintenance resourceURL: ${subject} property: _self action: read user: ${m.p.bob}`,
    });
    const hidden = await m.stack.http.get(`/az-permissions-heirs?${subject}`).set(auth(m.tokens.carol));
    expect([hidden.status, hidden.body]).toEqual([404, { msg: 'permissions not found for subject', subject }]);
    const absent = subjectFor('heirs-absent');
    const missing = await m.stack.http.get(`/az-permissions-heirs?${absent}`).set(auth(m.tokens.alice));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ msg: 'permissions not found for subject', subject: absent });
    expect((await m.stack.http.get(`/az-permissions-heirs?${subject}`)).status).toBe(401);
    const post = await m.stack.http.post(`/az-permissions-heirs?${subject}`).set(auth(m.tokens.alice)).send({});
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
  });
});

describe('GET /az-permissions-heirs-details?resource=…&property=…', () => {
  test('copies the asked properties of each heir, with _sharedWith and _sharedWithCount filled (B12)', async () => {
    const m = get();
    const [parent, first, second] = ['parent', 'first', 'second'].map(subjectFor);
    await create(m, 'alice', parentOwnedBy(parent, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.alice] } }));
    await create(m, 'alice', {
      _subject: first,
      _inheritsPermissionsOf: [parent],
      _self: { read: [m.p.bob, m.p.carol] },
      name: 'first one',
    });
    await create(m, 'alice', { _subject: second, _inheritsPermissionsOf: [parent] });
    const url = `/az-permissions-heirs-details?resource=${encodeURIComponent(parent)}&property=_sharedWith&property=_sharedWithCount&property=name`;
    const res = await m.stack.http.get(url).set(auth(m.tokens.alice));
    expect(res.status).toBe(200);
    const expected = [
      { self: first, _sharedWith: [m.p.bob, m.p.carol].sort(), _sharedWithCount: 2, name: 'first one' },
      { self: second, _sharedWith: [], _sharedWithCount: 0 },
    ].sort((x, y) => (x.self < y.self ? -1 : 1));
    expect(res.body).toEqual({ kind: 'Collection', self: url, contents: expected });

    const plain = await m.stack.http
      .get(`/az-permissions-heirs-details?resource=${encodeURIComponent(parent)}`)
      .set(auth(m.tokens.alice));
    expect(plain.status).toBe(200);
    expect(plain.body.contents).toEqual([first, second].sort());
  });

  test('an heir the caller may know of but not read shows only its URL; one he may not know of is not listed', async () => {
    const m = get();
    const [parent, open, closed] = ['details-parent', 'details-open', 'details-closed'].map(subjectFor);
    await create(m, 'alice', parentOwnedBy(parent, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.alice] } }));
    const hidden = subjectFor('details-hidden');
    await create(m, 'alice', { _subject: open, _inheritsPermissionsOf: [parent], _self: { read: [m.p.bob] } });
    // carol governs it: a document nobody may administer and govern is refused (CONTRACT §4.10)
    await create(m, 'alice', {
      _subject: closed,
      _inheritsPermissionsOf: [parent],
      _self: { read: [m.p.bob, m.p.alice], govern: [m.p.carol] },
      _constraints: { wideningForbidden: true },
    });
    await create(m, 'alice', {
      _subject: hidden,
      _inheritsPermissionsOf: [parent],
      _self: { read: [m.p.bob], govern: [m.p.carol] },
      _constraints: { wideningForbidden: true },
    });
    const url = `/az-permissions-heirs-details?resource=${encodeURIComponent(parent)}&property=_sharedWith`;
    const res = await m.stack.http.get(url).set(auth(m.tokens.alice));
    expect(res.status).toBe(200);
    expect(res.body.contents).toEqual(
      [{ self: open, _sharedWith: [m.p.bob] }, { self: closed }].sort((x, y) => (x.self < y.self ? -1 : 1)),
    );
  });

  test('400 without resource, 404 for a resource the caller may not know of', async () => {
    const m = get();
    const missing = await m.stack.http
      .get('/az-permissions-heirs-details?property=_sharedWith')
      .set(auth(m.tokens.alice));
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ msg: 'resource query parameter must be given once' });
    const subject = subjectFor('details-private');
    await create(m, 'alice', governedBy(subject, m.p.alice));
    const forbidden = await m.stack.http
      .get(`/az-permissions-heirs-details?resource=${encodeURIComponent(subject)}&property=_sharedWith`)
      .set(auth(m.tokens.bob));
    expect([forbidden.status, forbidden.body]).toEqual([404, { msg: 'permissions not found for subject', subject }]);
  });
});

describe('GET /az-users-who-can-access?{subject}', () => {
  test('the union of sharedWith of the subject and its ancestors, for a caller who admins all of them', async () => {
    const m = get();
    const [grand, parent, child] = ['grand', 'parent', 'child'].map(subjectFor);
    await create(m, 'alice', parentOwnedBy(grand, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.carol] } }));
    await create(
      m,
      'alice',
      parentOwnedBy(parent, m.p.alice, { _inheritsPermissionsOf: [grand], _self: { update: ['/az-tm-x'] } }),
    );
    await create(m, 'alice', { _subject: child, _inheritsPermissionsOf: [parent], _self: { read: [m.p.bob] } });
    const url = `/az-users-who-can-access?${child}`;
    const res = await m.stack.http.get(url).set(auth(m.tokens.alice));
    expect(res.status).toBe(200);
    expect(res.headers['content-location']).toBe(url);
    expect(res.body).toEqual(['/az-tm-x', m.p.alice, m.p.bob, m.p.carol].sort());
  });

  test('403 when the caller does not admin every ancestor; 404 without a document', async () => {
    const m = get();
    const [parent, child] = ['parent', 'child'].map(subjectFor);
    await create(m, 'alice', parentOwnedBy(parent, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.carol] } }));
    await create(m, 'alice', { _subject: child, _inheritsPermissionsOf: [parent], _self: { admin: [m.p.carol] } });
    const own = await m.stack.http.get(`/az-permissions?${child}`).set(auth(m.tokens.carol));
    expect(own.status).toBe(200); // carol may admin the child itself…
    const res = await m.stack.http.get(`/az-users-who-can-access?${child}`).set(auth(m.tokens.carol));
    expect(res.status).toBe(403); // …but not its parent, which she may know of (read), so it is named
    expect(res.body).toEqual({
      msg:
        `Forbidden. ${m.p.carol} may not admin ${parent}, which ${child} inherits from: listing who can access ` +
        `${child} needs _self.admin on it and on every document it inherits from`,
    });
    // dave may not even know of the child: the answer is the one for a missing document
    const stranger = await m.stack.http.get(`/az-users-who-can-access?${child}`).set(auth(m.tokens.dave));
    expect(stranger.status).toBe(404);
    const absent = subjectFor('who-absent');
    const missing = await m.stack.http.get(`/az-users-who-can-access?${absent}`).set(auth(m.tokens.alice));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ msg: 'permissions not found for subject', subject: absent });
  });
});

describe('GET /az-resources-accessible-by-team-members?{team}', () => {
  test('documents shared with the team or a wildcard, and all their transitive heirs', async () => {
    const m = get();
    const team = await createTeam(m, [m.p.carol]);
    const [shared, child, grandchild, unrelated, open] = ['shared', 'child', 'grandchild', 'unrelated', 'open'].map(
      subjectFor,
    );
    await create(m, 'alice', parentOwnedBy(shared, m.p.alice, { _self: { govern: [m.p.alice], read: [team] } }));
    await create(m, 'alice', parentOwnedBy(child, m.p.alice, { _inheritsPermissionsOf: [shared] }));
    await create(m, 'alice', { _subject: grandchild, _inheritsPermissionsOf: [child] });
    await create(m, 'alice', governedBy(unrelated, m.p.alice));
    await create(m, 'alice', governedBy(open, m.p.alice, { _self: { govern: [m.p.alice], read: [INCOGNITO] } }));
    sharedWithWildcards.push(open);
    const url = `/az-resources-accessible-by-team-members?${team}`;
    const res = await m.stack.http.get(url).set(auth(m.tokens.alice));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      kind: 'Collection',
      self: url,
      contents: [shared, child, grandchild, ...sharedWithWildcards].sort(),
    });
  });

  test('403 without update on a team the caller may know of; 400 for anything but a team', async () => {
    const m = get();
    const team = await createTeam(m, [m.p.bob], { read: [m.p.alice, m.p.bob] });
    const res = await m.stack.http.get(`/az-resources-accessible-by-team-members?${team}`).set(auth(m.tokens.bob));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      msg: `Forbidden. component: maintenance resourceURL: ${team} property: _self action: update user: ${m.p.bob}`,
    });
    const missing = await m.stack.http
      .get('/az-resources-accessible-by-team-members?/az-tm-none-such-000000000000000000000000')
      .set(auth(m.tokens.alice));
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      msg: 'team must name a team (/az-tm-…) that exists',
      team: '/az-tm-none-such-000000000000000000000000',
    });
    const named = await m.stack.http
      .get(`/az-resources-accessible-by-team-members?team=${encodeURIComponent(team)}`)
      .set(auth(m.tokens.alice));
    expect(named.status).toBe(200);
  });
});

describe('GET /az-resources-shared-with?{user}', () => {
  test("the user's own documents, its teams' and those shared with every wildcard that covers it (B13)", async () => {
    const m = get();
    const team = await createTeam(m, [m.p.dave]);
    const otherTeam = await createTeam(m, [m.p.bob]);
    const issuerAnyone = `${m.stack.idp.issuer}#anyone`;
    const [direct, viaTeam, viaAnyone, viaIssuer, notMine, viaOtherTeam] = [
      'direct',
      'team',
      'anyone',
      'issuer',
      'not-mine',
      'other-team',
    ].map(subjectFor);
    const sharedWith = (s: string, who: string) =>
      governedBy(s, m.p.alice, { _self: { govern: [m.p.alice], read: [who] } });
    await create(m, 'alice', sharedWith(direct, m.p.dave));
    await create(m, 'alice', sharedWith(viaTeam, team));
    await create(m, 'alice', sharedWith(viaAnyone, ANYONE));
    await create(m, 'alice', sharedWith(viaIssuer, issuerAnyone));
    await create(m, 'alice', sharedWith(notMine, m.p.bob));
    await create(m, 'alice', sharedWith(viaOtherTeam, otherTeam));
    sharedWithWildcards.push(viaAnyone, viaIssuer);

    const url = `/az-resources-shared-with?${encodeURIComponent(m.p.dave)}`;
    const res = await m.stack.http.get(url).set(auth(m.tokens.dave));
    expect(res.status).toBe(200);
    expect(res.headers['content-location']).toBe(url);
    expect(res.body).toEqual([direct, viaTeam, ...sharedWithWildcards].sort());

    const hashOnly = `/az-resources-shared-with?${m.p.dave.replace('#', '%23')}`;
    expect((await m.stack.http.get(hashOnly).set(auth(m.tokens.dave))).body).toEqual(res.body);
    const named = `/az-resources-shared-with?user=${encodeURIComponent(m.p.dave)}`;
    expect((await m.stack.http.get(named).set(auth(m.tokens.dave))).body).toEqual(res.body);

    const anyone = await m.stack.http
      .get(`/az-resources-shared-with?${encodeURIComponent(ANYONE)}`)
      .set(auth(m.tokens.bob));
    expect(anyone.status).toBe(200);
    expect(anyone.body).toEqual([viaAnyone]);
  });

  test('the root document / is not listed for its governors, even once its metadata names them (S7, S19)', async () => {
    const m = get();
    const root = await m.stack.http.get('/az-permissions?/').set(auth(m.tokens.alice));
    const patched = await m.stack.http
      .patch('/az-permissions?/')
      .set(auth(m.tokens.alice))
      .set('Content-Type', 'application/merge-patch+json')
      .set('If-Match', root.headers.etag)
      .send({ 'az-teams': { read: [m.p.alice] } });
    expect(patched.status).toBe(200);
    expect(patched.body._metadata.sharedWith).toContain(m.p.alice);
    const mine = subjectFor('alice-own');
    await create(m, 'alice', governedBy(mine, m.p.alice));
    const res = await m.stack.http
      .get(`/az-resources-shared-with?${encodeURIComponent(m.p.alice)}`)
      .set(auth(m.tokens.alice));
    expect(res.status).toBe(200);
    expect(res.body).toContain(mine);
    expect(res.body).not.toContain('/');
  });

  test('403 for another user, 401 without a token, 400 without a user', async () => {
    const m = get();
    const res = await m.stack.http
      .get(`/az-resources-shared-with?${encodeURIComponent(m.p.alice)}`)
      .set(auth(m.tokens.bob));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      msg: 'user in query string must match user in token',
      querystringUser: m.p.alice,
      tokenUser: m.p.bob,
    });
    expect((await m.stack.http.get(`/az-resources-shared-with?${encodeURIComponent(m.p.alice)}`)).status).toBe(401);
    const none = await m.stack.http.get('/az-resources-shared-with').set(auth(m.tokens.bob));
    expect(none.status).toBe(400);
  });
});
