import { auth, startStack, type Stack } from '@permissions/test-support/harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());

test('create then read a document', async () => {
  const alice = await stack.token('alice');
  const doc = { _subject: 'http://example.com/smoke', _self: { govern: [stack.principals.alice] } };
  const created = await stack.http.post('/az-permissions').set(auth(alice)).send(doc);
  expect(created.status).toBe(201);
  const read = await stack.http.get('/az-permissions?http://example.com/smoke').set(auth(alice));
  expect(read.status).toBe(200);
  expect(read.body._self.admin).toEqual([stack.principals.alice]);
  const allowed = await stack.http
    .get(
      `/az-is-allowed?resource=http://example.com/smoke&action=govern&user=${encodeURIComponent(stack.principals.alice)}`,
    )
    .set(auth(alice));
  expect(allowed.status).toBe(200);
  expect(allowed.body).toBe(true);
});
