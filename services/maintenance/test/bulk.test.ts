import { MAX_INHERITANCE_DEPTH } from '@permissions/model';
import {
  auth,
  create,
  expectNothingStored,
  governedBy,
  lastEventSeq,
  parentOwnedBy,
  storedRow,
  subjectFor,
  useStack,
  type Maintenance,
  type User,
} from './fixtures';

/** `POST /az-permissions-bulk` (CONTRACT §5): many documents, any order, one transaction, the rules of one by one. */
const get = useStack({ BULK_BODY_LIMIT: '3mb' });

const clientAuth = (token: string) => ({ 'X-Client-Authorization': `Bearer ${token}` });

function bulk(m: Maintenance, who: User, documents: unknown[]) {
  return m.stack.http.post('/az-permissions-bulk').set(auth(m.tokens[who])).send({ documents });
}

async function eventsAfter(
  m: Maintenance,
  seq: number,
): Promise<Array<{ seq: number; action: string; subject: string }>> {
  const { rows } = await m.stack.db.pool.query<{ seq: string; action: string; subject: string }>(
    'SELECT seq, action, subject FROM events WHERE seq > $1 ORDER BY seq',
    [seq],
  );
  return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
}

describe('success', () => {
  test('heirs before parents, parents in the batch or stored: created as one by one, one event each', async () => {
    const m = get();
    const stored = subjectFor('stored-parent');
    await create(m, 'alice', parentOwnedBy(stored, m.p.alice));
    const root = subjectFor('bulk-root');
    const documents = [
      { _subject: `${root}/a/b`, _inheritsPermissionsOf: `${root}/a`, _self: { read: [m.p.carol] } },
      { _subject: `${root}/a`, _inheritsPermissionsOf: [root], 'test-data': 42 },
      { _subject: `${stored}/x`, _inheritsPermissionsOf: [stored] },
      parentOwnedBy(root, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.bob] } }),
    ];
    const before = await lastEventSeq(m);
    const res = await bulk(m, 'alice', documents);
    expect(res.status).toBe(200);
    const events = await eventsAfter(m, before);
    expect(res.body).toEqual({ created: 4, updated: 0, unchanged: 0, sequence: events.at(-1)?.seq });
    expect(res.headers['x-event-sequence']).toBe(String(res.body.sequence));
    // one create event per document, parents before their heirs (subject order among the free ones)
    expect(events.map((e) => [e.action, e.subject])).toEqual([
      ['create', root],
      ['create', `${root}/a`],
      ['create', `${root}/a/b`],
      ['create', `${stored}/x`],
    ]);
    const row = await storedRow(m, `${root}/a/b`);
    expect(row?.data).toEqual({
      _subject: `${root}/a/b`,
      _inheritsPermissionsOf: [`${root}/a`],
      _self: { read: [m.p.carol] },
      _metadata: {
        creator: m.p.alice,
        created: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        sharedWith: [m.p.carol],
        incarnation: row?.seq,
      },
    });
    // alice governs `/`: her document with no parent is a namespace, as POST would have made it
    expect((await storedRow(m, root))?.data._metadata).toMatchObject({ namespace: true, creator: m.p.alice });
    const read = await m.stack.http.get(`/az-permissions?${root}/a`).set(auth(m.tokens.alice));
    expect(read.status).toBe(200);
    expect(read.body['test-data']).toBe(42);
  });

  test('idempotent: the same documents again change nothing, and the sequence covers them all', async () => {
    const m = get();
    const root = subjectFor('again');
    const documents = [
      { _subject: `${root}/child`, _inheritsPermissionsOf: [root] },
      parentOwnedBy(root, m.p.bob, { _self: { govern: [m.p.bob], read: [m.p.carol] } }),
    ];
    const first = await bulk(m, 'bob', documents);
    expect(first.status).toBe(200);
    const before = await lastEventSeq(m);
    const rows = await Promise.all([root, `${root}/child`].map((s) => storedRow(m, s)));
    const again = await bulk(m, 'bob', [...documents].reverse());
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ created: 0, updated: 0, unchanged: 2, sequence: first.body.sequence });
    expect(again.headers['x-event-sequence']).toBe(String(first.body.sequence));
    expect(await lastEventSeq(m)).toBe(before);
    expect(await Promise.all([root, `${root}/child`].map((s) => storedRow(m, s)))).toEqual(rows);
  });

  test('a document that differs from the stored one is updated as a PATCH would: metadata kept, modifier set', async () => {
    const m = get();
    const root = subjectFor('update');
    await create(m, 'alice', parentOwnedBy(root, m.p.alice));
    const created = await storedRow(m, root);
    const res = await bulk(m, 'alice', [
      parentOwnedBy(root, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.dave] } }),
      { _subject: `${root}/new`, _inheritsPermissionsOf: [root] },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
    const row = await storedRow(m, root);
    expect(row?.data._self).toEqual({ govern: [m.p.alice], admin: [m.p.alice], read: [m.p.dave] });
    expect(row?.data._metadata).toEqual({
      ...(created?.data._metadata as object),
      modifier: m.p.alice,
      modified: expect.any(String),
      sharedWith: [m.p.alice, m.p.dave].sort(),
    });
  });

  test('e-mails become ids in one lookup for the whole batch', async () => {
    const m = get();
    const subject = subjectFor('emails');
    const issuer = m.stack.idp.issuer;
    const res = await bulk(m, 'alice', [
      governedBy(subject, `${issuer}#alice@example.com`, { _self: { govern: [`${issuer}#alice@example.com`] } }),
      { _subject: `${subject}-2`, _self: { govern: [m.p.alice], read: [`${issuer}#carol@example.com`] } },
    ]);
    expect(res.status).toBe(200);
    expect((await storedRow(m, subject))?.data._self).toEqual({ govern: [m.p.alice], admin: [m.p.alice] });
    expect((await storedRow(m, `${subject}-2`))?.data._self).toMatchObject({ read: [m.p.carol] });
  });

  test('a body larger than the default limit of other routes is accepted here', async () => {
    const m = get();
    const root = subjectFor('large');
    const padding = 'x'.repeat(2000);
    const documents = Array.from({ length: 800 }, (_, i) => ({
      _subject: `${root}/${i}`,
      _self: { govern: [m.p.alice] },
      note: padding,
    }));
    expect(JSON.stringify({ documents }).length).toBeGreaterThan(1024 * 1024);
    const res = await bulk(m, 'alice', documents);
    expect([res.status, res.body.created]).toEqual([200, 800]);
  });

  test('an empty batch writes nothing and answers no sequence', async () => {
    const m = get();
    const res = await bulk(m, 'alice', []);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 0, updated: 0, unchanged: 0, sequence: null });
    expect(res.headers['x-event-sequence']).toBeUndefined();
  });
});

describe('all or nothing: 400 naming every refused document', () => {
  test('invalid documents, malformed principals and a subject given twice are all named; nothing looked up', async () => {
    const m = get();
    const root = subjectFor('invalid');
    const documents = [
      governedBy(root, m.p.alice),
      { _subject: `${root}/no-governor` },
      'not an object',
      { _subject: `${root}/bad-principal`, _self: { govern: ['not-a-principal'] } },
      governedBy(root, m.p.bob),
      { _subject: `${root}/self`, _inheritsPermissionsOf: [`${root}/self`] },
    ];
    const idsCalls = () => m.stack.idp.requests.filter((r) => r.path.startsWith('/v2/ids/')).length;
    const calls = idsCalls();
    const res = await expectNothingStored(m, [root], () => bulk(m, 'alice', documents));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      msg: '5 of 6 documents were refused; nothing was stored',
      errors: [
        { index: 1, subject: `${root}/no-governor`, msg: expect.stringContaining('must specify inheritance') },
        { index: 2, subject: '', msg: 'invalid JSON: a permissions document must be a JSON object' },
        { index: 3, subject: `${root}/bad-principal`, msg: expect.stringContaining('not-a-principal') },
        { index: 4, subject: root, msg: `${root} is written more than once (first at index 0)` },
        { index: 5, subject: `${root}/self`, msg: 'may not inherit permissions from self' },
      ],
    });
    expect(idsCalls()).toBe(calls);
  });

  test('cycles, missing parents, parents one may not add to, and what inherits from them', async () => {
    const m = get();
    const alices = subjectFor('alices');
    await create(m, 'alice', governedBy(alices, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.bob] } }));
    const hidden = subjectFor('hidden');
    await create(m, 'alice', governedBy(hidden, m.p.alice));
    const root = subjectFor('refusals');
    const documents = [
      governedBy(`${root}/fine`, m.p.bob),
      { _subject: `${root}/c1`, _inheritsPermissionsOf: [`${root}/c2`] },
      { _subject: `${root}/c2`, _inheritsPermissionsOf: [`${root}/c1`] },
      { _subject: `${root}/below-cycle`, _inheritsPermissionsOf: [`${root}/c2`] },
      { _subject: `${root}/orphan`, _inheritsPermissionsOf: [`${root}/missing`] },
      { _subject: `${root}/under-alice`, _inheritsPermissionsOf: [alices] },
      { _subject: `${root}/under-hidden`, _inheritsPermissionsOf: [hidden] },
      { _subject: `${root}/below-refused`, _inheritsPermissionsOf: [`${root}/under-alice`] },
    ];
    const subjects = documents.map((d) => String(d._subject));
    const res = await expectNothingStored(m, subjects, () => bulk(m, 'bob', documents));
    expect(res.status).toBe(400);
    const cycle = (s: string, other: string) =>
      `may not inherit from specified resources: may not add cycle to permissions inheritance: ${s} would inherit from itself through ${other}`;
    expect(res.body).toEqual({
      msg: '7 of 8 documents were refused; nothing was stored',
      errors: [
        { index: 1, subject: `${root}/c1`, msg: cycle(`${root}/c1`, `${root}/c2`) },
        { index: 2, subject: `${root}/c2`, msg: cycle(`${root}/c2`, `${root}/c1`) },
        {
          index: 3,
          subject: `${root}/below-cycle`,
          msg: `not written: it inherits from ${root}/c2 (index 2), which was refused`,
          dependsOn: 2,
        },
        {
          index: 4,
          subject: `${root}/orphan`,
          msg: `user ${m.p.bob} is not allowed to inherit permissions from ${root}/missing: there is no permissions document there that you may see`,
          // a client importing a file in chunks may send it again once the parent is written
          missingParents: [`${root}/missing`],
        },
        {
          index: 5,
          subject: `${root}/under-alice`,
          msg: `user ${m.p.bob} is not allowed to inherit permissions from ${alices}: that needs _permissionsHeirs.add on ${alices}`,
        },
        {
          // a parent bob may not know of answers exactly as a missing one
          index: 6,
          subject: `${root}/under-hidden`,
          msg: `user ${m.p.bob} is not allowed to inherit permissions from ${hidden}: there is no permissions document there that you may see`,
          missingParents: [hidden],
        },
        {
          index: 7,
          subject: `${root}/below-refused`,
          msg: `not written: it inherits from ${root}/under-alice (index 5), which was refused`,
          dependsOn: 5,
        },
      ],
    });
  });

  test('a stored document needs govern: 403 words if the caller may know of it, 409 words (it exists) if not', async () => {
    const m = get();
    const readable = subjectFor('readable');
    await create(m, 'alice', governedBy(readable, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.bob] } }));
    const hidden = subjectFor('hidden-equal');
    const hiddenDocument = governedBy(hidden, m.p.alice);
    await create(m, 'alice', hiddenDocument);
    const res = await expectNothingStored(m, [readable, hidden], () =>
      // even a document equal to the stored one: "unchanged" must not tell bob what alice's document says
      bulk(m, 'bob', [governedBy(readable, m.p.bob), hiddenDocument]),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        index: 0,
        subject: readable,
        msg: `Forbidden. component: maintenance resourceURL: ${readable} property: _self action: govern user: ${m.p.bob}`,
      },
      { index: 1, subject: hidden, msg: `a permissions document for ${hidden} already exists` },
    ]);
  });

  test('an update changing parents needs what a PATCH needs; a cycle through stored documents is told as a PATCH tells it', async () => {
    const m = get();
    const [top, mine, other] = ['top', 'mine', 'other'].map(subjectFor);
    await create(m, 'bob', parentOwnedBy(top, m.p.bob));
    await create(m, 'bob', parentOwnedBy(mine, m.p.bob, { _inheritsPermissionsOf: [top] }));
    await create(m, 'bob', parentOwnedBy(other, m.p.bob));
    const alices = subjectFor('alices-parent');
    await create(m, 'alice', governedBy(alices, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.bob] } }));
    const res = await expectNothingStored(m, [top, other], () =>
      bulk(m, 'bob', [
        // top → mine is stored (not in the batch): making top inherit from mine closes a cycle through it
        parentOwnedBy(top, m.p.bob, { _inheritsPermissionsOf: [mine] }),
        parentOwnedBy(other, m.p.bob, { _inheritsPermissionsOf: [alices] }),
      ]),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        index: 0,
        subject: top,
        msg: 'may not inherit from specified resources: may not add cycle to permissions inheritance',
      },
      {
        index: 1,
        subject: other,
        msg: `may not inherit from specified resources: user ${m.p.bob} may not add permissions inheritance from ${alices}`,
      },
    ]);
  });

  test('placement: bob cannot document an undocumented URL inside carol\u2019s namespace', async () => {
    const m = get();
    const ns = subjectFor('namespace');
    await create(m, 'alice', parentOwnedBy(ns, m.p.carol));
    const res = await expectNothingStored(m, [`${ns}/squat`], () =>
      bulk(m, 'bob', [governedBy(`${ns}/squat`, m.p.bob)]),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        index: 0,
        subject: `${ns}/squat`,
        msg: `${ns}/squat is inside namespace ${ns}: a document there must inherit (at any depth) from ${ns}`,
      },
    ]);
    // a team's URL holds only its team's document
    const team = await bulk(m, 'bob', [governedBy('/az-tm-squat', m.p.bob)]);
    expect(team.body.errors[0].msg).toMatch(/is a team's URL/);
  });

  test('repairability and the depth bound, as one by one', async () => {
    const m = get();
    const root = subjectFor('locked-out');
    const lockedOut = {
      _subject: root,
      _self: { govern: [m.p.bob] },
      _constraints: { validIssuers: ['https://nobody.example'] },
    };
    const chain = Array.from({ length: MAX_INHERITANCE_DEPTH + 1 }, (_, i) => ({
      _subject: `${root}-chain/${i}`,
      ...(i === 0
        ? { _self: { govern: [m.p.bob] }, _permissionsHeirs: { add: [m.p.bob] } }
        : { _inheritsPermissionsOf: [`${root}-chain/${i - 1}`] }),
    }));
    const res = await expectNothingStored(m, [root, `${root}-chain/0`], () => bulk(m, 'bob', [lockedOut, ...chain]));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { index: 0, subject: root, msg: expect.stringContaining('would leave nobody allowed to admin and govern') },
      {
        index: MAX_INHERITANCE_DEPTH + 1,
        subject: `${root}-chain/${MAX_INHERITANCE_DEPTH}`,
        msg: expect.stringContaining(`inheritance chains may be at most ${MAX_INHERITANCE_DEPTH} documents deep`),
      },
    ]);
  });

  test('unknown e-mails: the documents naming them are listed, nothing stored', async () => {
    const m = get();
    const subject = subjectFor('unknown-email');
    const issuer = m.stack.idp.issuer;
    const res = await expectNothingStored(m, [subject], () =>
      bulk(m, 'alice', [
        governedBy(subject, m.p.alice),
        { _subject: `${subject}-2`, _self: { govern: [m.p.alice], read: [`${issuer}#nobody@example.com`] } },
      ]),
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      msg: '1 of 2 documents were refused (invalid email IDs); nothing was stored',
      ids: [`${issuer}#nobody@example.com`],
      errors: [{ index: 1, subject: `${subject}-2`, msg: `invalid email IDs: ${issuer}#nobody@example.com` }],
    });
  });
});

describe('the request itself', () => {
  test('400 for a body that is not {"documents": [...]}, and past 10 000 documents', async () => {
    const m = get();
    for (const body of [{}, { documents: {} }, [], { documents: 'x' }]) {
      const res = await m.stack.http.post('/az-permissions-bulk').set(auth(m.tokens.alice)).send(body);
      expect([res.status, res.body.msg]).toEqual([
        400,
        'invalid JSON: the body must be {"documents": [permissions documents…]}',
      ]);
    }
    const many = Array.from({ length: 10_001 }, (_, i) => ({ _subject: `/x/${i}` }));
    const res = await expectNothingStored(m, [], () => bulk(m, 'alice', many));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      msg: 'at most 10000 documents may be written in one request (this one has 10001)',
      limit: 10_000,
      count: 10_001,
    });
  });

  test('BULK_BODY_LIMIT: the bulk route reads bodies past BODY_LIMIT up to its own limit; other routes do not', async () => {
    const m = get();
    // 2 MB: past the 1 MB of every other route, within the 3 MB this stack gives the bulk route
    const padded = { documents: [], padding: 'x'.repeat(2 * 1024 * 1024) };
    for (const path of ['/az-permissions-bulk', '/az-permissions-bulk/']) {
      const res = await m.stack.http.post(path).set(auth(m.tokens.alice)).send(padded);
      expect([res.status, res.body]).toEqual([200, { created: 0, updated: 0, unchanged: 0, sequence: null }]);
    }
    const elsewhere = await m.stack.http.post('/az-permissions').set(auth(m.tokens.alice)).send(padded);
    expect([elsewhere.status, elsewhere.body]).toEqual([413, { msg: 'request body too large' }]);
    const past = { documents: [], padding: 'x'.repeat(3 * 1024 * 1024) };
    const res = await m.stack.http.post('/az-permissions-bulk').set(auth(m.tokens.alice)).send(past);
    expect([res.status, res.body]).toEqual([413, { msg: 'request body too large' }]);
  });

  test('401 without a token, 405 for another method', async () => {
    const m = get();
    expect((await m.stack.http.post('/az-permissions-bulk').send({ documents: [] })).status).toBe(401);
    const res = await m.stack.http.get('/az-permissions-bulk').set(auth(m.tokens.alice));
    expect([res.status, res.headers.allow]).toEqual([405, 'POST']);
  });

  test('az-permissions.create on / as for POST /az-permissions: 401 for a user alone, 403 for a client that may not, 200 with the client', async () => {
    const m = get();
    // alice (governor of /) lets only the services' client create, as in the original's acceptance script
    const root = await m.stack.http.get('/az-permissions?/').set(auth(m.tokens.alice));
    const patched = await m.stack.http
      .patch('/az-permissions?/')
      .set(auth(m.tokens.alice))
      .set({ 'Content-Type': 'application/merge-patch+json', 'If-Match': root.headers.etag })
      .send({ 'az-permissions': { read: [m.p.client], create: [m.p.client] } });
    expect(patched.status).toBe(200);
    const subject = subjectFor('client-only');
    const alone = await expectNothingStored(m, [subject], () => bulk(m, 'bob', [governedBy(subject, m.p.bob)]));
    expect(alone.status).toBe(401);
    expect(alone.body).toEqual({
      msg: 'must provide x-client-authorization header to create permissions',
      user: m.p.bob,
    });
    const wrongClient = await m.stack.http
      .post('/az-permissions-bulk')
      .set(auth(m.tokens.bob))
      .set(clientAuth(m.tokens.carol))
      .send({ documents: [governedBy(subject, m.p.bob)] });
    expect([wrongClient.status, wrongClient.body.msg]).toEqual([
      403,
      `client ${m.p.carol} may not create permissions documents`,
    ]);
    const withClient = await m.stack.http
      .post('/az-permissions-bulk')
      .set(auth(m.tokens.bob))
      .set(clientAuth(m.tokens.client))
      .send({ documents: [governedBy(subject, m.p.bob)] });
    expect([withClient.status, withClient.body.created]).toEqual([200, 1]);
    // the user is the creator, not the client
    expect((await storedRow(m, subject))?.data._metadata).toMatchObject({ creator: m.p.bob });
  });
});
