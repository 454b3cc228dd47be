/**
 * Tokens a hostile client may present, on an express route, a fast-path question route and a write, with
 * AUTH_AUDIENCE set: each is a 401 with `{"msg"}`, and nothing is stored. Also who may ask about whom.
 */
import { startStack, type Stack } from '@permissions/test-support/harness';
import { auth, expectClientError, rowCounts, uniqueSubject } from './support';

const AUDIENCE = 'permissions-api';
let stack: Stack;
let good: string;
const doc = uniqueSubject('tokens');

/** A user token for alice as the dev IdP would mint it, with the configured audience unless `claims` replace it. */
const aliceToken = (claims: Record<string, unknown> = {}, options: Parameters<Stack['idp']['tokenFor']>[1] = {}) =>
  stack.idp.tokenFor('alice', { ...options, claims: { aud: AUDIENCE, ...claims } });

beforeAll(async () => {
  stack = await startStack({ env: { AUTH_AUDIENCE: AUDIENCE } });
  good = await aliceToken();
  const created = await stack.http
    .post('/az-permissions')
    .set(auth(good))
    .send({ _subject: doc, _self: { govern: [stack.principals.alice] } });
  expect(created.status).toBe(201);
});
afterAll(async () => stack?.close());

/** One request per kind of route: a read on express, a question on the fast path, a write. */
async function everyRoute(headers: Record<string, string>) {
  const user = encodeURIComponent(stack.principals.alice);
  return [
    await stack.http.get(`/az-permissions?${doc}`).set(headers),
    await stack.http.get(`/az-is-allowed?resource=${encodeURIComponent(doc)}&user=${user}&action=govern`).set(headers),
    await stack.http
      .post('/az-permissions')
      .set(headers)
      .send({ _subject: uniqueSubject('t'), _self: { govern: ['x'] } }),
  ];
}

test('the well-formed token with the right audience is accepted everywhere', async () => {
  const [read, asked] = await everyRoute(auth(good));
  expect(read.status).toBe(200);
  expect({ status: asked.status, body: asked.body }).toEqual({ status: 200, body: true });
});

const BAD_TOKENS: Array<[string, () => Promise<string>, RegExp]> = [
  ['no audience', () => stack.idp.tokenFor('alice'), /.+/],
  ['another audience', () => aliceToken({ aud: 'someone-else' }), /.+/],
  ['an untrusted issuer', () => aliceToken({ iss: 'https://evil.example.com' }), /.+/],
  ['a trusted issuer but a key it never published', () => aliceToken({}, { key: 'foreign' }), /.+/],
  ['a key id the issuer does not know', () => aliceToken({}, { kid: 'no-such-key' }), /.+/],
  ['alg none', () => aliceToken({}, { alg: 'none' }), /.+/],
  ['an expired token', () => aliceToken({}, { expiresIn: -120 }), /.+/],
  ['a token not valid yet', () => aliceToken({}, { notBefore: 600 }), /.+/],
  ['no exp claim', () => aliceToken({ exp: undefined }), /.+/],
  ['no subject', () => stack.idp.mint({ aud: AUDIENCE }), /.+/],
  ['not a JWT', async () => 'not.a.jwt', /.+/],
  ['a huge token', async () => 'a'.repeat(12_000), /.+/],
];

describe.each(BAD_TOKENS)('%s', (_name, mint) => {
  test('is a 401 with a msg on every kind of route, as Authorization or X-Client-Authorization', async () => {
    const token = await mint();
    const before = await rowCounts(stack);
    for (const res of await everyRoute(auth(token))) expectClientError(res, 401, /must provide valid Bearer token/);
    const asClient = await everyRoute({ ...auth(good), 'X-Client-Authorization': `Bearer ${token}` });
    for (const res of asClient) expectClientError(res, 401, /must provide valid Bearer token/);
    expect(await rowCounts(stack)).toEqual(before);
  });
});

test.each([
  ['no Authorization header', {}],
  ['a Basic Authorization header', { Authorization: 'Basic YWxpY2U6c2VjcmV0' }],
  ['an empty Bearer', { Authorization: 'Bearer ' }],
  ['two tokens', { Authorization: 'Bearer a b' }],
])('%s is a 401 with a msg', async (_name, headers) => {
  for (const res of await everyRoute(headers)) expectClientError(res, 401, /must provide valid Bearer token/);
});

describe('asking about other users', () => {
  const question = (user: string) =>
    `/az-is-allowed?resource=${encodeURIComponent(doc)}&user=${encodeURIComponent(user)}&action=govern`;

  test('a user cannot ask about another user', async () => {
    const bob = await stack.idp.tokenFor('bob', { claims: { aud: AUDIENCE } });
    const res = await stack.http.get(question(stack.principals.alice)).set(auth(bob));
    expectClientError(res, 403, /user must be provided in querystring and must match user in token/);
  });

  test('a client without az-permissions.read on / cannot ask on behalf of a user', async () => {
    const rogue = await stack.idp.mint({ client_id: 'rogue-client', aud: AUDIENCE });
    const bob = await stack.idp.tokenFor('bob', { claims: { aud: AUDIENCE } });
    const res = await stack.http
      .get(question(stack.principals.alice))
      .set({ ...auth(bob), 'X-Client-Authorization': `Bearer ${rogue}` });
    expectClientError(res, 401, /client in x-client-authorization token does not have permission to read permissions/);
    const alone = await stack.http
      .get(question(stack.principals.alice))
      .set({ 'X-Client-Authorization': `Bearer ${rogue}` });
    expectClientError(alone, 401, /does not have permission to read permissions/);
  });

  test('a client may ask on behalf of a user once a governor of / lets it read permissions', async () => {
    const client = await stack.idp.mint({ client_id: 'permissions-client', aud: AUDIENCE });
    const asked = () =>
      stack.http.get(question(stack.principals.alice)).set({ 'X-Client-Authorization': `Bearer ${client}` });
    expectClientError(await asked(), 401, /does not have permission to read permissions/);
    const root = await stack.http.get('/az-permissions?/').set(auth(good));
    const granted = await stack.http
      .patch('/az-permissions?/')
      .set(auth(good))
      .set('Content-Type', 'application/merge-patch+json')
      .set('If-Match', root.headers.etag)
      .send({
        'az-permissions': { ...root.body['az-permissions'], read: [stack.principals.alice, stack.principals.client] },
      });
    expect(granted.status).toBe(200);
    const res = await stack.http
      .get(`${question(stack.principals.alice)}&atLeast=${granted.headers['x-event-sequence']}`)
      .set({ 'X-Client-Authorization': `Bearer ${client}` });
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: true });
  });
});
