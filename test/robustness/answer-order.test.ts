import { auth, subjectFor, useStack } from '@permissions/test-support/harness';

/**
 * Whether the caller may act is answered before anything about the body of a write (401, 403, and 404 for what he
 * may not know of, before a 400), as the original did: a malformed body from someone who may not write tells him
 * that he may not, not how to fix it. The schemas that describe these bodies check them only after that decision.
 * This file changes `/`, so it has a stack of its own and its tests run in order.
 */
const get = useStack();
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

test('PATCH of a document: 404 for one bob may not know of, 403 for one he may only read, then 400', async () => {
  const { stack, tokens, p } = get();
  const subject = subjectFor('order-read-only');
  const created = await stack.http
    .post('/az-permissions')
    .set(auth(tokens.alice))
    .send({ _subject: subject, _self: { govern: [p.alice], read: [p.bob] } });
  expect(created.status).toBe(201);
  const patch = (who: 'alice' | 'bob', target: string, type: string, body: string) =>
    stack.http.patch(`/az-permissions?${target}`).set(auth(tokens[who])).set('content-type', type).send(body);

  const readOnly = await patch('bob', subject, MERGE, '[1]');
  expect([readOnly.status, readOnly.body.msg]).toEqual([403, expect.stringMatching(/action: govern/)]);
  const missing = await patch('bob', subjectFor('order-none'), JSON_PATCH, '{"a": 1}');
  expect([missing.status, missing.body.msg]).toEqual([404, 'permissions not found for subject']);
  // Its governor learns what is wrong with the body.
  const governor = await patch('alice', subject, MERGE, '[1]');
  expect([governor.status, governor.body]).toEqual([400, { msg: 'a merge patch must be a JSON object' }]);
});

test('PATCH of a team: 403 for someone who is neither allowed nor a member, then 400', async () => {
  const { stack, tokens, p } = get();
  const team = await stack.http
    .post('/az-teams')
    .set(auth(tokens.alice))
    .send({ isA: 'Team', members: [p.alice], _permissions: { _self: { govern: [p.alice], read: [p.bob] } } });
  expect(team.status).toBe(201);
  const patch = (who: 'alice' | 'bob') =>
    stack.http
      .patch(team.body.self)
      .set(auth(tokens[who]))
      .set({ 'content-type': JSON_PATCH, 'if-match': team.headers.etag })
      .send('{"op": "add"}');
  expect((await patch('bob')).status).toBe(403);
  const alice = await patch('alice');
  expect([alice.status, alice.body]).toEqual([400, { msg: 'a JSON patch must be an array of operations' }]);
});

test('POST of a document or a team by someone / does not let create: 401 or 403, not the 400 of the body', async () => {
  const { stack, tokens, p } = get();
  const root = await stack.http.get('/az-permissions?/').set(auth(tokens.alice));
  const restricted = await stack.http
    .patch('/az-permissions?/')
    .set(auth(tokens.alice))
    .set({ 'content-type': MERGE, 'if-match': root.headers.etag })
    .send({ 'az-permissions': { create: [p.alice] }, 'az-teams': { create: [p.alice] } });
  expect(restricted.status).toBe(200);

  const document = await stack.http.post('/az-permissions').set(auth(tokens.bob)).send({ _subject: 5 });
  expect([document.status, document.body.msg]).toEqual([
    401,
    'must provide x-client-authorization header to create permissions',
  ]);
  const team = await stack.http.post('/az-teams').set(auth(tokens.bob)).send({ isA: 'Team', members: 'bob' });
  expect([team.status, team.body.msg]).toEqual([403, expect.stringMatching(/property: az-teams action: create/)]);
  // alice may create: she is told what is wrong with the body.
  const allowed = await stack.http.post('/az-permissions').set(auth(tokens.alice)).send({ _subject: 5 });
  expect([allowed.status, allowed.body]).toEqual([
    400,
    { msg: 'invalid JSON: "_subject" property must be a non-empty string' },
  ]);
});
