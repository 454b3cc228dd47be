import { auth, startStack, type Stack } from '@permissions/test-support/harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ services: ['maintenance', 'teams', 'runtime'] });
});
afterAll(async () => stack?.close());

test('a question with malformed percent-encoding is a 400, not a question about a garbled resource', async () => {
  const alice = await stack.token('alice');
  const res = await stack.http
    .get(`/az-is-allowed?resource=%E0%A4%A&action=read&user=${encodeURIComponent(stack.principals.alice)}`)
    .set(auth(alice));
  expect(res.status).toBe(400);
  expect(res.body.msg).toMatch(/^malformed percent-encoding in query string/);
});

test('a JSON body in another charset is a 415, as on every other route', async () => {
  const alice = await stack.token('alice');
  const res = await stack.http
    .post('/az-is-allowed')
    .set(auth(alice))
    .set('Content-Type', 'application/json; charset=latin1')
    .send(JSON.stringify({ resource: '/', user: stack.principals.alice, action: 'read' }));
  expect(res.status).toBe(415);
  expect(res.body).toEqual({ msg: 'unsupported charset "LATIN1"' });
});

test("the roles-only routes do not let a base someone governs cover another owner's document", async () => {
  const [alice, bob] = [await stack.token('alice'), await stack.token('bob')];
  const base = 'http://example.com/prefix-o';
  const acme = `${base}/acme`;
  const create = (token: string, body: object) => stack.http.post('/az-permissions').set(auth(token)).send(body);
  expect((await create(alice, { _subject: acme, _self: { govern: [stack.principals.alice] } })).status).toBe(201);
  expect((await create(bob, { _subject: base, _self: { govern: [stack.principals.bob] } })).status).toBe(201);
  const team = await stack.http
    .post('/az-teams')
    .set(auth(bob))
    .send({
      isA: 'Team',
      members: [stack.principals.bob],
      roles: { [base]: { '/*': ['govern', 'read'] } },
      _permissions: { _self: { govern: [stack.principals.bob] } },
    });
  expect(team.status).toBe(201);
  const seq = team.headers['x-event-sequence'];
  const bobUser = encodeURIComponent(stack.principals.bob);
  const ask = (path: string) => stack.http.get(`${path}&atLeast=${seq}`).set(auth(bob));
  expect((await ask(`/az-is-allowed-for-base-and-path?baseAndPath=${acme}&user=${bobUser}&action=govern`)).body).toBe(
    null,
  );
  expect((await ask(`/az-are-any-base-and-paths-allowed?baseAndPath=${acme}&user=${bobUser}&action=govern`)).body).toBe(
    null,
  );
  expect((await ask(`/az-allowed-actions-for-base-and-path?baseAndPath=${acme}&user=${bobUser}`)).body).toEqual([]);
  // Where no document exists, only a namespace's roles decide (CONTRACT §4.8): bob's claim of a prefix is none.
  expect(
    (await ask(`/az-is-allowed-for-base-and-path?baseAndPath=${base}/other&user=${bobUser}&action=govern`)).body,
  ).toBeNull();
});
