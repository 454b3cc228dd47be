import {
  auth,
  create,
  eventAt,
  expectNothingStored,
  governedBy,
  lastEventSeq,
  parentOwnedBy,
  permissionsUrl,
  storedRow,
  subjectFor,
  useStack,
} from './fixtures';

/*
 * One test per maintenance defect of reference §14 that would fail on the original behaviour. Covered in the route
 * files: W6 (authorization.test.ts), B12 and B13 (hierarchy.test.ts), B15 (delete.test.ts), B25 for every validation
 * message (create.test.ts, patch.test.ts).
 */
const get = useStack();
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

test('W7: _subject cannot be changed or removed by a PATCH; nothing is stored', async () => {
  const m = get();
  const subject = subjectFor('w7');
  const etag = await create(m, 'alice', governedBy(subject, m.p.alice));
  const other = subjectFor('w7-other');
  const attempts: Array<[string, unknown]> = [
    [MERGE, { _subject: other }],
    [MERGE, { _subject: null }],
    [JSON_PATCH, [{ op: 'replace', path: '/_subject', value: other }]],
  ];
  for (const [type, body] of attempts) {
    const res = await expectNothingStored(m, [subject, other], () =>
      m.stack.http
        .patch(permissionsUrl(subject))
        .set(auth(m.tokens.alice))
        .set({ 'Content-Type': type, 'If-Match': etag })
        .send(body as object),
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ msg: `_subject may not be changed (it is ${subject})` });
  }
});

test('W10: a subject with $$, quotes and SQL fragments round-trips through create, read, heirs, patch and delete', async () => {
  const m = get();
  const subject = `http://example.com/w10-${subjectFor('x').slice(-8)}/$$'; DROP TABLE permissions; --"$q$) OR 1=1 \\`;
  const heir = `${subject}/heir`;
  const created = await m.stack.http
    .post('/az-permissions')
    .set(auth(m.tokens.alice))
    .send(parentOwnedBy(subject, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.alice] } }));
  expect(created.status).toBe(201);
  expect(created.headers.location).toBe(`/az-permissions?${encodeURIComponent(subject)}`);
  await create(m, 'alice', { _subject: heir, _inheritsPermissionsOf: [subject] });

  const byLocation = await m.stack.http.get(created.headers.location).set(auth(m.tokens.alice));
  expect(byLocation.status).toBe(200);
  expect(byLocation.body._subject).toBe(subject);
  const named = `subject=${encodeURIComponent(subject)}`;
  const heirs = await m.stack.http.get(`/az-permissions-heirs?${named}`).set(auth(m.tokens.alice));
  expect(heirs.body.contents).toEqual([heir]);

  const patched = await m.stack.http
    .patch(`/az-permissions?${named}`)
    .set(auth(m.tokens.alice))
    .set({ 'Content-Type': MERGE, 'If-Match': byLocation.headers.etag })
    .send({ note: "it's $$ fine" });
  expect(patched.status).toBe(200);
  expect((await storedRow(m, subject))?.data.note).toBe("it's $$ fine");

  const deleted = await m.stack.http.delete(`/az-permissions?${named}&cascade=true`).set(auth(m.tokens.alice));
  expect(deleted.status).toBe(200);
  expect(deleted.body._cascaded).toEqual([heir]);
  expect(await storedRow(m, subject)).toBeUndefined();
  const { rows } = await m.stack.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM permissions');
  expect(Number(rows[0]?.n)).toBeGreaterThan(0); // the table is still there, with the other tests' documents
});

test('B11: _metadata.creator and created survive a PATCH by another governor', async () => {
  const m = get();
  const subject = subjectFor('b11');
  await create(m, 'alice', governedBy(subject, m.p.alice, { _self: { govern: [m.p.alice, m.p.bob] } }));
  const before = (await storedRow(m, subject))?.data._metadata as Record<string, unknown>;
  const etag = `e${(await storedRow(m, subject))?.seq}`;
  const res = await m.stack.http
    .patch(permissionsUrl(subject))
    .set(auth(m.tokens.bob))
    .set({ 'Content-Type': MERGE, 'If-Match': etag })
    .send({ _self: { read: [m.p.carol] }, _metadata: { creator: m.p.bob, created: '1999-01-01T00:00:00.000Z' } });
  expect(res.status).toBe(200);
  expect(res.body._metadata).toEqual({
    creator: m.p.alice,
    created: before.created,
    modifier: m.p.bob,
    modified: expect.any(String),
    sharedWith: [m.p.alice, m.p.bob, m.p.carol].sort(),
    incarnation: before.incarnation,
    namespace: true,
  });
  expect((await storedRow(m, subject))?.data._metadata).toEqual(res.body._metadata);
});

test('B17: of two concurrent PATCHes with the same If-Match one gets 200 and the other 412, with one event', async () => {
  const m = get();
  const subject = subjectFor('b17');
  const etag = await create(m, 'alice', governedBy(subject, m.p.alice));
  const before = await lastEventSeq(m);
  const send = (value: string) =>
    m.stack.http
      .patch(permissionsUrl(subject))
      .set(auth(m.tokens.alice))
      .set({ 'Content-Type': MERGE, 'If-Match': etag })
      .send({ racer: value })
      .then((res) => res);
  const answers = await Promise.all([send('one'), send('two')]);
  expect(answers.map((r) => r.status).sort()).toEqual([200, 412]);
  const winner = answers.find((r) => r.status === 200)!;
  const loser = answers.find((r) => r.status === 412)!;
  expect(loser.body.msg).toMatch(
    /^(If-Match header does not match etag e\d+|permissions document .* has changed: .*)$/,
  );
  const stored = await storedRow(m, subject);
  expect(stored?.data.racer).toBe(winner.body.racer);
  expect(`e${stored?.seq}`).toBe(winner.headers.etag);
  const { rows } = await m.stack.db.pool.query<{ seq: string }>('SELECT seq FROM events WHERE seq > $1', [before]);
  expect(rows.map((r) => Number(r.seq))).toEqual([Number(winner.headers['x-event-sequence'])]);
});

test('B21: a governor without _permissionsHeirs.add on an unchanged parent may still edit the document', async () => {
  const m = get();
  const [parent, child] = ['parent', 'child'].map(subjectFor);
  await create(m, 'alice', parentOwnedBy(parent, m.p.alice));
  const etag = await create(m, 'alice', {
    _subject: child,
    _inheritsPermissionsOf: [parent],
    _self: { govern: [m.p.bob], admin: [m.p.bob] },
  });
  const res = await m.stack.http
    .patch(permissionsUrl(child))
    .set(auth(m.tokens.bob))
    .set({ 'Content-Type': MERGE, 'If-Match': etag })
    .send({ _self: { read: [m.p.carol] } });
  expect(res.status).toBe(200);
  expect(res.body._inheritsPermissionsOf).toEqual([parent]);
  expect(res.body._self.read).toEqual([m.p.carol]);
});

test('B21: a string _inheritsPermissionsOf in a PATCH is read as a one-parent list, unchanged or new', async () => {
  const m = get();
  const [parent, other, child] = ['parent', 'other', 'child'].map(subjectFor);
  await create(m, 'alice', parentOwnedBy(parent, m.p.alice));
  await create(m, 'alice', parentOwnedBy(other, m.p.alice));
  const etag = await create(m, 'alice', { ...governedBy(child, m.p.alice), _inheritsPermissionsOf: [parent] });
  const same = await m.stack.http
    .patch(permissionsUrl(child))
    .set(auth(m.tokens.alice))
    .set({ 'Content-Type': MERGE, 'If-Match': etag })
    .send({ _inheritsPermissionsOf: parent });
  expect(same.status).toBe(200);
  expect(same.body._inheritsPermissionsOf).toEqual([parent]);
  const moved = await m.stack.http
    .patch(permissionsUrl(child))
    .set(auth(m.tokens.alice))
    .set({ 'Content-Type': MERGE, 'If-Match': same.headers.etag })
    .send({ _inheritsPermissionsOf: other });
  expect(moved.status).toBe(200);
  expect(moved.body._inheritsPermissionsOf).toEqual([other]);
  expect(await m.stack.db.store.getHeirs(other)).toEqual([child]);
  expect(await m.stack.db.store.getHeirs(parent)).toEqual([]);
});

describe('B22: subjects in the raw, percent-encoded and ?subject= forms', () => {
  test('one document is reached through each form', async () => {
    const m = get();
    const subject = subjectFor('b22');
    await create(m, 'alice', governedBy(subject, m.p.alice));
    for (const query of [subject, encodeURIComponent(subject), `subject=${encodeURIComponent(subject)}`]) {
      const res = await m.stack.http.get(`/az-permissions?${query}`).set(auth(m.tokens.alice));
      expect(res.status).toBe(200);
      expect(res.body._subject).toBe(subject);
    }
    const sample = 'http://example.com/a';
    await create(m, 'alice', governedBy(sample, m.p.alice));
    const encoded = await m.stack.http.get('/az-permissions?http%3A%2F%2Fexample.com%2Fa').set(auth(m.tokens.alice));
    expect(encoded.status).toBe(200);
    expect(encoded.body._subject).toBe(sample);
  });

  test('subjects with # & ? and spaces: Location is percent-encoded and leads back to the document', async () => {
    const m = get();
    const subject = `${subjectFor('b22')}/q?x=1&y=2#frag ment`;
    const created = await m.stack.http
      .post('/az-permissions')
      .set(auth(m.tokens.alice))
      .send(governedBy(subject, m.p.alice));
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/az-permissions?${encodeURIComponent(subject)}`);
    const seq = Number(created.headers['x-event-sequence']);
    expect((await eventAt(m, seq))?.subject).toBe(subject);
    const read = await m.stack.http.get(created.headers.location).set(auth(m.tokens.alice));
    expect(read.status).toBe(200);
    expect(read.body._subject).toBe(subject);
  });
});

test('B25: a refused create stores neither a document nor an event', async () => {
  const m = get();
  const subject = subjectFor('b25');
  const res = await expectNothingStored(m, [subject], () =>
    m.stack.http
      .post('/az-permissions')
      .set(auth(m.tokens.alice))
      .send({ _subject: subject, _self: { read: [m.p.alice] } }),
  );
  expect(res.status).toBe(400);
  expect(await storedRow(m, subject)).toBeUndefined();
});
