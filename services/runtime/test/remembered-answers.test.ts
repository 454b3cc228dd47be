import { auth, startStack, type Stack } from '@permissions/test-support/harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ services: ['maintenance', 'runtime'] });
});
afterAll(async () => stack?.close());

const subject = 'http://example.com/remembered/doc';
const question = (user: string, extra = '') =>
  `/az-is-allowed?resource=${encodeURIComponent(subject)}&action=read&user=${encodeURIComponent(user)}${extra}`;

test('a repeated question is answered from memory exactly as the first time, and a write makes it stale', async () => {
  const alice = await stack.token('alice');
  const created = await stack.http
    .post('/az-permissions')
    .set(auth(alice))
    .send({ _subject: subject, _self: { govern: [stack.principals.alice], read: [stack.principals.alice] } });
  expect(created.status).toBe(201);

  for (const extra of ['', '&withScopes', '&withIndividualAnswers', '&withScopes&withIndividualAnswers']) {
    const first = await stack.http.get(question(stack.principals.alice, extra)).set(auth(alice));
    const second = await stack.http.get(question(stack.principals.alice, extra)).set(auth(alice));
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(second.headers['content-location']).toBe(first.headers['content-location']);
  }
  expect((await stack.http.get(question(stack.principals.alice)).set(auth(alice))).body).toBe(true);

  // Remembered for alice, but asked by bob about alice: still refused.
  const bob = await stack.token('bob');
  expect((await stack.http.get(question(stack.principals.alice)).set(auth(bob))).status).toBe(403);

  const patched = await stack.http
    .patch(`/az-permissions?${subject}`)
    .set(auth(alice))
    .set('Content-Type', 'application/merge-patch+json')
    .set('If-Match', created.headers.etag)
    .send({ _self: { govern: [stack.principals.alice], read: [] } });
  expect(patched.status).toBe(200);
  const after = await stack.http
    .get(question(stack.principals.alice, `&atLeast=${patched.headers['x-event-sequence']}`))
    .set(auth(alice));
  expect(after.body).toBe(null);
  expect((await stack.http.get(question(stack.principals.alice)).set(auth(alice))).body).toBe(null);
});

test('/metrics shows how far the runtime has applied the event log', async () => {
  const alice = await stack.token('alice');
  const created = await stack.http
    .post('/az-permissions')
    .set(auth(alice))
    .send({ _subject: 'http://example.com/remembered/metrics', _self: { govern: [stack.principals.alice] } });
  const seq = Number(created.headers['x-event-sequence']);
  // The write waited for the broadcast; the answer below is read from state that includes it.
  await stack.http.get(question(stack.principals.alice, `&atLeast=${seq}`)).set(auth(alice));
  const metrics = await stack.http.get('/metrics').set(auth(alice));
  expect(metrics.status).toBe(200);
  const applied = Number(/^runtime_events_highest_seen_seq (\d+)$/m.exec(metrics.text)?.[1]);
  expect(applied).toBeGreaterThanOrEqual(seq);
  expect(metrics.text).toMatch(/^runtime_events_pending_holes \d+$/m);
  expect(metrics.text).toMatch(/^runtime_events_applied_seq \d+$/m);
});
