import { auth, startStack, type Stack } from '@permissions/test-support/harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ services: ['maintenance', 'runtime'] });
});
afterAll(async () => stack?.close());

test('URLs of the server itself in a body or a question are stored and matched in relative form (reference §2.5)', async () => {
  const alice = await stack.token('alice');
  const own = stack.url; // http://127.0.0.1:{port}, the Host the requests carry
  const created = await stack.http
    .post('/az-permissions')
    .set(auth(alice))
    .send({
      _subject: `${own}/things/1`,
      _self: { govern: [stack.principals.alice], read: [`${own}/az-tm-x-y-0123`] },
    });
  expect(created.status).toBe(201);
  expect(created.body._subject).toBe('/things/1');
  expect(created.body._self.read).toEqual(['/az-tm-x-y-0123']);
  const asked = await stack.http
    .get(
      `/az-is-allowed?resource=${encodeURIComponent(`${own}/things/1`)}&action=govern&user=${encodeURIComponent(stack.principals.alice)}`,
    )
    .set(auth(alice));
  expect([asked.status, asked.body]).toEqual([200, true]);
});
