import { startStack, auth, startLegacyStack, type LegacyStack } from '@permissions/test-support/harness';
import { NOT_LEGACY_MSG } from '../src/routes';

let t: LegacyStack;
beforeAll(async () => {
  t = await startLegacyStack();
});
afterAll(async () => t?.close());

test('a caller who may not govern / may not start an import (W9): 403, legacy untouched', async () => {
  const before = t.legacy.requests.length;
  for (const kind of ['migration-request', 're-migration-request'] as const) {
    const res = await t.request('bob', kind, { resource: t.orgUrl('acme') });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      msg: `Forbidden. component: migration resourceURL: / property: _self action: govern user: ${t.stack.principals.bob}`,
    });
  }
  expect(t.legacy.requests.length).toBe(before);
  const doc = await t.stack.http.get(`/az-permissions?${t.orgUrl('acme')}`).set(auth(await t.stack.token('alice')));
  expect(doc.status).toBe(404);
});

test('a governor of / may import; the /v1/organizations/ form names the same org document', async () => {
  const res = await t.request('alice', 'migration-request', { resource: `${t.legacy.url}/v1/organizations/acme/apis` });
  expect(res.status).toBe(200);
  expect(res.body.orgUrl).toBe(t.orgUrl('acme'));
  // prefix match like the original: anything after the route name is accepted
  const again = await t.stack.http
    .post('/az-permissions-migration/migration-request/again')
    .set(auth(await t.stack.token('alice')))
    .send({ resource: t.orgUrl('acme') });
  expect(again.status).toBe(409);
  expect(again.body).toEqual({ msg: `Permissions already exist for ${t.orgUrl('acme')}` });
});

test('without a token: 401', async () => {
  const res = await t.stack.http
    .post('/az-permissions-migration/migration-request')
    .send({ resource: t.orgUrl('acme') });
  expect(res.status).toBe(401);
});

test.each([
  ['no body', undefined, 'json property resource is required'],
  ['no resource', { other: 1 }, 'json property resource is required'],
  ['an empty resource', { resource: '' }, 'json property resource is required'],
  ['a number', { resource: 42 }, 'json property resource must be a string (a URL)'],
  ['an array body', [1], 'the request body must be a JSON object: {"resource": "<URL>"}'],
])('%s: 400', async (_name, body, msg) => {
  const res = await t.request('alice', 'migration-request', body);
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ msg });
});

test('resources that are not resources of the configured legacy system: 404 with the original message', async () => {
  const port = new URL(t.legacy.url).port;
  const candidates = [
    'http://example.com/v1/o/acme',
    `http://127.0.0.1:${Number(port) + 1}/v1/o/acme`,
    `https://127.0.0.1:${port}/v1/o/acme`,
    `http://localhost:${port}/v1/o/acme`,
    `${t.legacy.url}/v2/o/acme`,
    `${t.legacy.url}/v1/o/`,
    `${t.legacy.url}/v1/oacme`,
    `${t.legacy.url}/v1/o/ac%2Fme`,
    'acme',
    '/az-tm-someteam',
  ];
  for (const resource of candidates) {
    const res = await t.request('alice', 'migration-request', { resource });
    expect({ resource, status: res.status, body: res.body }).toEqual({
      resource,
      status: 404,
      body: { msg: NOT_LEGACY_MSG },
    });
  }
});

test('an org the legacy system does not know: 404, nothing stored', async () => {
  const before = await t.eventCount();
  const res = await t.request('alice', 'migration-request', { resource: t.orgUrl('nosuchorg') });
  expect(res.status).toBe(404);
  expect(res.body).toEqual({ msg: '/v1/o/nosuchorg/userroles does not exist in the legacy RBAC system' });
  expect(await t.eventCount()).toBe(before);
});

test('other methods: 405 with Allow', async () => {
  const res = await t.stack.http
    .get('/az-permissions-migration/migration-request')
    .set(auth(await t.stack.token('alice')));
  expect(res.status).toBe(405);
  expect(res.headers.allow).toBe('POST');
});

test('without LEGACY_RBAC_URL every migration request is 404 and no import is attempted', async () => {
  const bare = await startStack({ services: ['migration'] });
  const before = t.legacy.requests.length;
  try {
    const token = auth(await bare.token('alice'));
    const post = await bare.http
      .post('/az-permissions-migration/migration-request')
      .set(token)
      .send({ resource: t.orgUrl('acme') });
    expect(post.status).toBe(404);
    expect(post.body).toEqual({ msg: 'no legacy RBAC system is configured (LEGACY_RBAC_URL)' });
    const again = await bare.http.post('/az-permissions-migration/re-migration-request').set(token).send({});
    expect(again.status).toBe(404);
    expect(t.legacy.requests.length).toBe(before);
  } finally {
    await bare.close();
  }
});
