import { ANYONE } from '@permissions/model';
import { auth, create, governedBy, parentOwnedBy, subjectFor, useStack, type Maintenance } from './fixtures';

/*
 * Issue 18 items 1–3, as an attacker tries them over real HTTP: bob attacks, alice is the victim. Each rule here
 * is named in docs/security.md ("What a principal may learn").
 */
const get = useStack();
const MERGE = 'application/merge-patch+json';

async function createTeam(m: Maintenance, members: string[], permissions: Record<string, unknown>): Promise<string> {
  const res = await m.stack.http
    .post('/az-teams')
    .set(auth(m.tokens.alice))
    .send({ isA: 'Team', name: 'learning test team', members, _permissions: permissions });
  if (res.status !== 201) throw new Error(`team: ${res.status} ${JSON.stringify(res.body)}`);
  return res.headers.location;
}

/** A document of alice's that bob may not know of: he is named only for an action that reveals nothing. */
const secretOf = (m: Maintenance, subject: string, extra: Record<string, unknown> = {}) =>
  governedBy(subject, m.p.alice, { _self: { govern: [m.p.alice], delete: [m.p.bob] }, ...extra });

describe('item 1: listing what is shared (/az-resources-accessible-by-team-members)', () => {
  test("bob cannot list what is shared with alice by naming her principal as a 'team'", async () => {
    const m = get();
    const victim = subjectFor('shared-with-alice');
    await create(m, 'alice', governedBy(victim, m.p.alice));
    // bob governs (and so updates) a document whose subject is alice's principal
    await create(m, 'bob', governedBy(m.p.alice, m.p.bob, { _self: { govern: [m.p.bob], update: [m.p.bob] } }));
    const res = await m.stack.http
      .get(`/az-resources-accessible-by-team-members?team=${encodeURIComponent(m.p.alice)}`)
      .set(auth(m.tokens.bob));
    expect(res.status).toBe(400);
    expect(res.body.msg).toMatch(/^team must name a team/);
    expect(JSON.stringify(res.body)).not.toContain(victim);
  });

  test('a team URL with no team behind it (even one bob made a document for) is a 400 naming team', async () => {
    const m = get();
    const forged = `/az-tm-forged-name-${subjectFor('x').slice(-8)}0000000000000000`;
    // Whether or not a bare document may be created at a team URL, it does not make a team.
    await m.stack.http
      .post('/az-permissions')
      .set(auth(m.tokens.bob))
      .send(governedBy(forged, m.p.bob, { _self: { govern: [m.p.bob], update: [m.p.bob] } }));
    for (const team of [forged, '/az-tm-none-such-000000000000000000000000', 'http://example.com/not-a-team']) {
      const res = await m.stack.http.get(`/az-resources-accessible-by-team-members?${team}`).set(auth(m.tokens.bob));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ msg: 'team must name a team (/az-tm-…) that exists', team });
    }
  });

  test('a team bob may not know of answers exactly as a team that does not exist', async () => {
    const m = get();
    const hidden = await createTeam(m, [m.p.carol], { _self: { govern: [m.p.alice], delete: [m.p.bob] } });
    const res = await m.stack.http.get(`/az-resources-accessible-by-team-members?${hidden}`).set(auth(m.tokens.bob));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ msg: 'team must name a team (/az-tm-…) that exists', team: hidden });
  });

  test('the listing holds only documents the caller may know of: a veto hiding an heir hides it here', async () => {
    const m = get();
    // bob is a member and may update the team; alice shares her documents with it
    const team = await createTeam(m, [m.p.bob], {
      _self: { govern: [m.p.alice], update: [m.p.alice, m.p.bob], read: [m.p.alice, m.p.bob] },
    });
    const [shared, heir, vetoed, deleteOnly] = ['team-shared', 'team-heir', 'team-vetoed', 'team-delete-only'].map(
      subjectFor,
    );
    await create(m, 'alice', parentOwnedBy(shared, m.p.alice, { _self: { govern: [m.p.alice], read: [team] } }));
    await create(m, 'alice', { _subject: heir, _inheritsPermissionsOf: [shared] });
    await create(m, 'alice', {
      _subject: vetoed,
      _inheritsPermissionsOf: [shared],
      // carol governs it: a document nobody could repair is refused (CONTRACT §4.10)
      _self: { read: [m.p.carol], admin: [m.p.carol], govern: [m.p.carol] },
      _constraints: { wideningForbidden: true },
    });
    await create(m, 'alice', governedBy(deleteOnly, m.p.alice, { _self: { govern: [m.p.alice], delete: [team] } }));

    const asBob = await m.stack.http.get(`/az-resources-accessible-by-team-members?${team}`).set(auth(m.tokens.bob));
    expect(asBob.status).toBe(200);
    expect(asBob.body.contents).toEqual(expect.arrayContaining([shared, heir]));
    expect(asBob.body.contents).not.toContain(vetoed);
    expect(asBob.body.contents).not.toContain(deleteOnly);
    // bob indeed may not know of them: the same answer as for a missing document
    expect((await m.stack.http.get(`/az-permissions-heirs?${vetoed}`).set(auth(m.tokens.bob))).status).toBe(404);

    // alice, who governs all four, sees all of them in the same listing
    const asAlice = await m.stack.http
      .get(`/az-resources-accessible-by-team-members?${team}`)
      .set(auth(m.tokens.alice));
    expect(asAlice.body.contents).toEqual(expect.arrayContaining([shared, heir, deleteOnly]));
  });
});

describe('item 1: /az-resources-shared-with', () => {
  test('a user lists only documents he may know of, and only wildcards that cover him', async () => {
    const m = get();
    const [readable, deleteOnly, anyoneMayDelete] = ['sw-readable', 'sw-delete-only', 'sw-anyone-delete'].map(
      subjectFor,
    );
    await create(m, 'alice', governedBy(readable, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.bob] } }));
    await create(m, 'alice', secretOf(m, deleteOnly));
    await create(
      m,
      'alice',
      governedBy(anyoneMayDelete, m.p.alice, { _self: { govern: [m.p.alice], delete: [ANYONE] } }),
    );

    const mine = await m.stack.http
      .get(`/az-resources-shared-with?${encodeURIComponent(m.p.bob)}`)
      .set(auth(m.tokens.bob));
    expect(mine.status).toBe(200);
    expect(mine.body).toContain(readable);
    expect(mine.body).not.toContain(deleteOnly);

    const anyone = await m.stack.http
      .get(`/az-resources-shared-with?${encodeURIComponent(ANYONE)}`)
      .set(auth(m.tokens.bob));
    expect(anyone.status).toBe(200);
    expect(anyone.body).not.toContain(anyoneMayDelete); // shared with anyone, but not for reading
    const ownIssuer = await m.stack.http
      .get(`/az-resources-shared-with?${encodeURIComponent(`${m.stack.idp.issuer}#anyone`)}`)
      .set(auth(m.tokens.bob));
    expect(ownIssuer.status).toBe(200);

    const foreign = 'https://elsewhere.example.com#anyone';
    const other = await m.stack.http
      .get(`/az-resources-shared-with?${encodeURIComponent(foreign)}`)
      .set(auth(m.tokens.bob));
    expect(other.status).toBe(403);
    expect(other.body).toEqual({
      msg: 'user in query string must match user in token',
      querystringUser: foreign,
      tokenUser: m.p.bob,
    });
  });
});

describe('item 2: heirs and their details', () => {
  test("a reader of the parent sees heirs' properties only where he may read them, and no hidden heir", async () => {
    const m = get();
    const [parent, plain, administered, vetoed] = ['hd-parent', 'hd-plain', 'hd-admin', 'hd-vetoed'].map(subjectFor);
    await create(
      m,
      'alice',
      parentOwnedBy(parent, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.alice, m.p.bob] } }),
    );
    await create(m, 'alice', {
      _subject: plain,
      _inheritsPermissionsOf: [parent],
      _self: { update: [m.p.carol] },
      secret: 'not for bob',
    });
    await create(m, 'alice', {
      _subject: administered,
      _inheritsPermissionsOf: [parent],
      _self: { admin: [m.p.bob] },
      secret: 'bob may read this',
    });
    await create(m, 'alice', {
      _subject: vetoed,
      _inheritsPermissionsOf: [parent],
      _self: { read: [m.p.carol], admin: [m.p.alice], govern: [m.p.alice] },
      _constraints: { wideningForbidden: true },
      secret: 'hidden',
    });
    // bob may read the parent, may know of `plain` (inherited read) but may not GET it: 403
    expect((await m.stack.http.get(`/az-permissions?${plain}`).set(auth(m.tokens.bob))).status).toBe(403);

    const url = `/az-permissions-heirs-details?resource=${encodeURIComponent(parent)}&property=secret&property=_sharedWith&property=_self&property=_metadata`;
    const res = await m.stack.http.get(url).set(auth(m.tokens.bob));
    expect(res.status).toBe(200);
    expect(res.body.contents).toEqual(
      [
        { self: plain },
        {
          self: administered,
          secret: 'bob may read this',
          _sharedWith: [m.p.bob],
          _self: { admin: [m.p.bob] },
          _metadata: expect.objectContaining({ creator: m.p.alice }),
        },
      ].sort((x, y) => (x.self < y.self ? -1 : 1)),
    );
    const heirs = await m.stack.http.get(`/az-permissions-heirs?${parent}`).set(auth(m.tokens.bob));
    expect(heirs.body.contents).toEqual([plain, administered].sort());
    const plainDetails = await m.stack.http
      .get(`/az-permissions-heirs-details?resource=${encodeURIComponent(parent)}`)
      .set(auth(m.tokens.bob));
    expect(plainDetails.body.contents).toEqual([plain, administered].sort());

    const asAlice = await m.stack.http.get(`/az-permissions-heirs?${parent}`).set(auth(m.tokens.alice));
    expect(asAlice.body.contents).toEqual([plain, administered, vetoed].sort());
  });
});

describe('item 3: a document bob may not know of looks exactly like a missing one', () => {
  const notFound = (subject: string) => ({ msg: 'permissions not found for subject', subject });

  test('GET, PATCH and DELETE /az-permissions, heirs, heirs details and who-can-access: 404 for both', async () => {
    const m = get();
    const secret = subjectFor('secret');
    await create(m, 'alice', secretOf(m, secret));
    const missing = subjectFor('missing');
    for (const subject of [secret, missing]) {
      const enc = encodeURIComponent(subject);
      const answers = [
        await m.stack.http.get(`/az-permissions?${subject}`).set(auth(m.tokens.bob)),
        await m.stack.http
          .patch(`/az-permissions?${subject}`)
          .set(auth(m.tokens.bob))
          .set({ 'Content-Type': MERGE, 'If-Match': 'e1' })
          .send({ note: 'x' }),
        await m.stack.http.get(`/az-permissions-heirs?${subject}`).set(auth(m.tokens.bob)),
        await m.stack.http.get(`/az-permissions-heirs-details?resource=${enc}&property=x`).set(auth(m.tokens.bob)),
        await m.stack.http.get(`/az-users-who-can-access?${subject}`).set(auth(m.tokens.bob)),
      ];
      for (const res of answers) {
        expect([res.status, res.body]).toEqual([404, notFound(subject)]);
      }
    }
    // DELETE: bob may delete it (he holds `delete`) but not govern it; it must not tell him it is there
    for (const subject of [secret, missing]) {
      const res = await m.stack.http.delete(`/az-permissions?${subject}`).set(auth(m.tokens.bob));
      expect([res.status, res.body]).toEqual([404, notFound(subject)]);
    }
    expect((await m.stack.http.get(`/az-permissions?${secret}`).set(auth(m.tokens.alice))).status).toBe(200);
  });

  test('a document bob may know of (he may read it) but not administer still answers 403 (S16)', async () => {
    const m = get();
    const known = subjectFor('known');
    await create(m, 'alice', governedBy(known, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.bob] } }));
    const res = await m.stack.http.get(`/az-permissions?${known}`).set(auth(m.tokens.bob));
    expect(res.status).toBe(403);
    const who = await m.stack.http.get(`/az-users-who-can-access?${known}`).set(auth(m.tokens.bob));
    expect(who.status).toBe(403);
  });

  test('a PATCH adding a parent bob may not know of answers as one adding a missing parent', async () => {
    const m = get();
    const [own, secret, missing] = ['own', 'secret-parent', 'missing-parent'].map(subjectFor);
    const etag = await create(m, 'bob', governedBy(own, m.p.bob));
    await create(m, 'alice', secretOf(m, secret));
    const answers = [];
    for (const parent of [secret, missing]) {
      const res = await m.stack.http
        .patch(`/az-permissions?${own}`)
        .set(auth(m.tokens.bob))
        .set({ 'Content-Type': MERGE, 'If-Match': etag })
        .send({ _inheritsPermissionsOf: [parent] });
      answers.push([res.status, JSON.stringify(res.body).replace(parent, 'PARENT')]);
    }
    expect(answers[0][0]).toBe(400);
    expect(answers[0]).toEqual(answers[1]);
  });

  test('who-can-access does not name an ancestor the caller may not know of', async () => {
    const m = get();
    const [grand, parent, child] = ['wca-grand', 'wca-parent', 'wca-child'].map(subjectFor);
    await create(m, 'alice', parentOwnedBy(grand, m.p.alice, { _permissionsHeirs: { add: [m.p.alice, m.p.carol] } }));
    await create(m, 'carol', {
      _subject: parent,
      _inheritsPermissionsOf: [grand],
      _self: { govern: [m.p.carol] },
      _permissionsHeirs: { add: [m.p.carol] },
    });
    await create(m, 'carol', { _subject: child, _inheritsPermissionsOf: [parent], _self: { govern: [m.p.carol] } });
    const res = await m.stack.http.get(`/az-users-who-can-access?${child}`).set(auth(m.tokens.carol));
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain(grand);
    expect(res.body).toEqual({
      msg: `Forbidden. ${m.p.carol} may not admin every document ${child} inherits from: listing who can access ${child} needs _self.admin on it and on every document it inherits from`,
    });
  });
});

test('item 3: a PATCH closing a cycle through a document bob may not know of does not tell him so', async () => {
  const m = get();
  const [own, secret, missing] = ['cycle-own', 'cycle-secret', 'cycle-missing'].map(subjectFor);
  // bob lets anyone attach heirs to his document; alice attaches one that she keeps from him
  const etag = await create(
    m,
    'bob',
    governedBy(own, m.p.bob, {
      _self: { govern: [m.p.bob], read: [m.p.bob] },
      _permissionsHeirs: { add: [ANYONE] },
    }),
  );
  await create(m, 'alice', {
    _subject: secret,
    _inheritsPermissionsOf: [own],
    _self: { govern: [m.p.alice] },
    _constraints: { wideningForbidden: true },
  });
  expect((await m.stack.http.get(`/az-permissions-heirs?${own}`).set(auth(m.tokens.bob))).body.contents).toEqual([]);
  const answers = [];
  for (const parent of [secret, missing]) {
    const res = await m.stack.http
      .patch(`/az-permissions?${own}`)
      .set(auth(m.tokens.bob))
      .set({ 'Content-Type': MERGE, 'If-Match': etag })
      .send({ _inheritsPermissionsOf: [parent] });
    answers.push([res.status, JSON.stringify(res.body).replace(parent, 'PARENT')]);
  }
  expect(answers[0][0]).toBe(400);
  expect(answers[0]).toEqual(answers[1]);
  expect(answers[0][1]).not.toContain('cycle');
});

test('item 3: a create naming a parent bob may not know of answers as one naming a missing parent', async () => {
  const m = get();
  const [secret, missing] = ['create-secret-parent', 'create-missing-parent'].map(subjectFor);
  await create(m, 'alice', secretOf(m, secret));
  const answers = [];
  for (const parent of [secret, missing]) {
    const res = await m.stack.http
      .post('/az-permissions')
      .set(auth(m.tokens.bob))
      .send({ _subject: subjectFor('create-child'), _inheritsPermissionsOf: [parent] });
    answers.push([res.status, JSON.stringify(res.body).replace(parent, 'PARENT')]);
  }
  expect(answers[0][0]).toBe(403);
  expect(answers[0]).toEqual(answers[1]);
});
