import { auth, create, governedBy, useStack } from './fixtures';

/** `GET /az-namespaces` and the namespace rules of POST/PATCH/DELETE /az-permissions (CONTRACT §4.8). */
const get = useStack();
const host = 'http://ns-listing.example.com';

test('the governors of / list the namespaces page by page, with who created and who governs each', async () => {
  const m = get();
  const subjects = ['a', 'b', 'c'].map((s) => `${host}/${s}`);
  for (const subject of subjects) await create(m, 'alice', governedBy(subject, m.p.carol));
  await create(m, 'bob', governedBy(`${host}-bob`, m.p.bob)); // not a namespace: bob does not govern /
  const seen: Array<{ subject: string }> = [];
  let cursor: string | null = '';
  for (let pages = 0; cursor !== null; pages++) {
    expect(pages).toBeLessThan(100);
    const path: string = `/az-namespaces?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await m.stack.http.get(path).set(auth(m.tokens.alice));
    const page = res.body as { namespaces: Array<{ subject: string }>; next: string | null };
    expect(res.status).toBe(200);
    expect(page.namespaces.length).toBeLessThanOrEqual(1);
    seen.push(...page.namespaces);
    cursor = page.next;
  }
  const mine = seen.filter((n) => n.subject.startsWith(host));
  expect(mine).toEqual(
    subjects.map((subject) => ({
      subject,
      incarnation: expect.any(Number),
      creator: m.p.alice,
      governors: [m.p.carol],
    })),
  );
});

test('refusals: a bad limit or cursor (400), anyone but a governor of / (403)', async () => {
  const m = get();
  for (const limit of ['0', '1001', 'abc', '-1', '1.5']) {
    const res = await m.stack.http.get(`/az-namespaces?limit=${limit}`).set(auth(m.tokens.alice));
    expect([limit, res.status, res.body.msg]).toEqual([limit, 400, 'limit must be an integer from 1 to 1000']);
  }
  const twice = await m.stack.http.get('/az-namespaces?cursor=a&cursor=b').set(auth(m.tokens.alice));
  expect([twice.status, twice.body.msg]).toEqual([400, 'cursor must be given once']);
  const bob = await m.stack.http.get('/az-namespaces').set(auth(m.tokens.bob));
  expect(bob.status).toBe(403);
});

test('a governor of / may delete a namespace he does not govern, but not any other document', async () => {
  const m = get();
  const ns = `${host}/handed-out`;
  await create(m, 'alice', governedBy(ns, m.p.carol));
  const plain = `${host}-carol-own`;
  await create(m, 'carol', governedBy(plain, m.p.carol));
  // alice may not even know of carol's own document: the answer of a missing one (CONTRACT §4.10)
  expect((await m.stack.http.delete(`/az-permissions?${plain}`).set(auth(m.tokens.alice))).status).toBe(404);
  expect((await m.stack.http.delete(`/az-permissions?${ns}`).set(auth(m.tokens.bob))).status).toBe(404);
  expect((await m.stack.http.delete(`/az-permissions?${ns}`).set(auth(m.tokens.alice))).status).toBe(200);
});

test('inside a namespace, a document must inherit from it, on create and on every PATCH of its parents', async () => {
  const m = get();
  const ns = `${host}/strict`;
  await create(m, 'alice', {
    ...governedBy(ns, m.p.carol),
    _permissionsHeirs: { add: [m.p.carol], remove: [m.p.carol] },
  });
  const loose = await m.stack.http
    .post('/az-permissions')
    .set(auth(m.tokens.carol))
    .send(governedBy(`${ns}/app`, m.p.carol));
  expect([loose.status, loose.body]).toEqual([
    403,
    {
      msg: `${ns}/app is inside namespace ${ns}: a document there must inherit (at any depth) from ${ns}`,
      subject: `${ns}/app`,
    },
  ]);
  const etag = await create(m, 'carol', { ...governedBy(`${ns}/app`, m.p.carol), _inheritsPermissionsOf: [ns] });
  const detach = await m.stack.http
    .patch(`/az-permissions?${ns}/app`)
    .set(auth(m.tokens.carol))
    .set({ 'Content-Type': 'application/merge-patch+json', 'If-Match': etag })
    .send({ _inheritsPermissionsOf: [] });
  expect([detach.status, detach.body.msg]).toEqual([
    403,
    `${ns}/app is inside namespace ${ns}: it must inherit (at any depth) from ${ns}`,
  ]);
});
