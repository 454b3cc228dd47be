import { createHmac, randomBytes } from 'node:crypto';
import { signBroadcast } from '@permissions/events';
import { startDevIdp, type DevIdp } from '@permissions/dev-stand-ins/idp';
import type { ServiceProcess } from '@permissions/test-support/harness';
import { call, parseRaw, q, rawRequest, startCluster, type Cluster } from './support';

/**
 * Split mode as in production: the four services as four processes (`pnpm start:service NAME`) over one database,
 * finding each other through MAINTENANCE_URL etc. Probes need no token; every other request needs a valid token from
 * an issuer in AUTH_ISSUERS, on every service and every route, known or not.
 */
let cluster: Cluster;
let foreignIdp: DevIdp;
const services: Record<string, ServiceProcess> = {};
const NAMES = ['maintenance', 'teams', 'runtime', 'migration'] as const;

beforeAll(async () => {
  cluster = await startCluster();
  foreignIdp = await startDevIdp({ port: 0 });
  // Each process learns where the others are; their own ports are chosen by the harness.
  const urls = {
    MAINTENANCE_URL: 'http://127.0.0.1:1',
    TEAMS_URL: 'http://127.0.0.1:1',
    RUNTIME_URL: 'http://127.0.0.1:1',
    MIGRATION_URL: 'http://127.0.0.1:1',
  };
  services.maintenance = await cluster.start('maintenance', urls);
  urls.MAINTENANCE_URL = services.maintenance.url;
  services.teams = await cluster.start('teams', urls);
  urls.TEAMS_URL = services.teams.url;
  services.runtime = await cluster.start('runtime', urls);
  urls.RUNTIME_URL = services.runtime.url;
  services.migration = await cluster.start('migration', urls);
}, 90_000);
afterAll(async () => {
  await cluster?.close();
  await foreignIdp?.close();
});

const SUBJECT = 'http://example.com/split/doc';
const TEAM = '/az-tm-abc-def-0123456789abcdef01234567';
const USER = () => cluster.principal('alice');

/** Every route of every service (reference §5.1, §7, §8, §9), plus /metrics and paths nobody serves. */
function routes(): Array<{ method: string; path: string; body?: unknown; type?: string }> {
  const user = USER();
  const ask = q({ resource: SUBJECT, user, action: 'read' });
  const merge = 'application/merge-patch+json';
  return [
    // runtime (§5.1)
    { method: 'GET', path: `/az-allowed-actions?${q({ resource: SUBJECT, user })}` },
    { method: 'GET', path: `/az-allowed-actions-for-resource?${q({ resource: SUBJECT, user })}` },
    { method: 'GET', path: `/az-allowed-actions-for-base-and-path?${q({ baseAndPath: SUBJECT, user })}` },
    { method: 'GET', path: `/az-is-allowed?${ask}` },
    { method: 'POST', path: '/az-is-allowed', body: { resource: SUBJECT, user, action: 'read' } },
    { method: 'GET', path: `/az-is-allowed-for-resource?${ask}` },
    { method: 'GET', path: `/az-is-allowed-for-base-and-path?${q({ baseAndPath: SUBJECT, user, action: 'read' })}` },
    { method: 'GET', path: `/az-are-any-allowed?${ask}` },
    { method: 'POST', path: '/az-are-any-allowed', body: { resource: [SUBJECT], user, action: 'read' } },
    { method: 'GET', path: `/az-are-any-resources-allowed?${ask}` },
    { method: 'POST', path: '/az-are-any-resources-allowed', body: { resource: [SUBJECT], user, action: 'read' } },
    {
      method: 'GET',
      path: `/az-are-any-base-and-paths-allowed?${q({ baseAndPath: SUBJECT, user, action: 'read' })}`,
    },
    {
      method: 'POST',
      path: '/az-are-any-base-and-paths-allowed',
      body: { baseAndPath: [SUBJECT], user, action: 'read' },
    },
    { method: 'GET', path: `/az-is-allowed-to-inherit-from?${q({ subject: SUBJECT, sharingSet: '/', user })}` },
    { method: 'GET', path: `/az-is-allowed?${ask}&atLeast=1` },
    // maintenance (§7)
    { method: 'POST', path: '/az-permissions', body: { _subject: SUBJECT, _self: { govern: [user] } } },
    { method: 'GET', path: `/az-permissions?${SUBJECT}` },
    { method: 'GET', path: '/az-permissions?/' },
    { method: 'PATCH', path: `/az-permissions?${SUBJECT}`, body: { _self: { read: [user] } }, type: merge },
    { method: 'DELETE', path: `/az-permissions?${SUBJECT}` },
    { method: 'GET', path: `/az-permissions-heirs?${SUBJECT}` },
    { method: 'GET', path: `/az-permissions-heirs-details?${q({ resource: SUBJECT, property: '_self' })}` },
    { method: 'GET', path: `/az-users-who-can-access?${SUBJECT}` },
    { method: 'GET', path: `/az-resources-shared-with?${encodeURIComponent(user)}` },
    { method: 'GET', path: `/az-resources-accessible-by-team-members?${TEAM}` },
    // teams (§8)
    { method: 'POST', path: '/az-teams', body: { isA: 'Team', members: [user], _permissions: {} } },
    { method: 'GET', path: `/az-teams?${encodeURIComponent(user)}` },
    { method: 'GET', path: TEAM },
    { method: 'PATCH', path: TEAM, body: { members: [user] }, type: merge },
    { method: 'DELETE', path: TEAM },
    // migration (§9)
    {
      method: 'POST',
      path: '/az-permissions-migration/migration-request',
      body: { resource: 'http://legacy.example/v1/o/acme' },
    },
    {
      method: 'POST',
      path: '/az-permissions-migration/re-migration-request',
      body: { resource: 'http://legacy.example/v1/o/acme' },
    },
    // everything else
    { method: 'GET', path: '/metrics' },
    { method: 'GET', path: '/no-such-route' },
    { method: 'POST', path: '/no-such-route', body: {} },
    { method: 'GET', path: '/az-permissions-nope?x' },
    { method: 'GET', path: '/health/extra' },
  ];
}

/** Each way a request can fail to prove who sends it, with the `reason` the 401 gives. */
const VARIANTS: Array<{
  name: string;
  reason: string;
  extra?: Record<string, string>;
  headers: () => Promise<Record<string, string>>;
}> = [
  { name: 'no token', reason: 'missing', headers: async () => ({}) },
  {
    name: 'a token from an issuer not in AUTH_ISSUERS',
    reason: 'unknown issuer',
    headers: async () => ({ authorization: `Bearer ${await foreignIdp.tokenFor('alice')}` }),
  },
  {
    name: 'an unsigned token (alg: none)',
    reason: 'alg not allowed',
    headers: async () => ({ authorization: `Bearer ${await cluster.idp.tokenFor('alice', { alg: 'none' })}` }),
  },
  {
    name: 'an expired token',
    reason: 'expired',
    headers: async () => ({ authorization: `Bearer ${await cluster.idp.tokenFor('alice', { expiresIn: -120 })}` }),
  },
  {
    name: 'a token with a bad signature',
    reason: 'bad signature',
    headers: async () => ({ authorization: `Bearer ${await cluster.idp.tokenFor('alice', { key: 'foreign' })}` }),
  },
  {
    name: 'a valid token whose signature was tampered with',
    reason: 'bad signature',
    headers: async () => {
      const [header, payload, signature] = (await cluster.idp.tokenFor('alice')).split('.');
      const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
      return { authorization: `Bearer ${header}.${payload}.${flipped}` };
    },
  },
  {
    name: "a payload changed to another user's under a valid signature",
    reason: 'bad signature',
    headers: async () => {
      const [header, , signature] = (await cluster.idp.tokenFor('bob')).split('.');
      const payload = (await cluster.idp.tokenFor('alice')).split('.')[1];
      return { authorization: `Bearer ${header}.${payload}.${signature}` };
    },
  },
  {
    name: 'only a bad X-Client-Authorization',
    reason: 'unknown issuer',
    headers: async () => ({
      'x-client-authorization': `Bearer ${await foreignIdp.clientToken('permissions-client')}`,
    }),
  },
  {
    name: 'a Basic Authorization header',
    reason: 'malformed',
    headers: async () => ({ authorization: `Basic ${Buffer.from('alice:alice').toString('base64')}` }),
  },
  {
    name: "an HS256 token keyed with the issuer's public JWKS (algorithm confusion)",
    reason: 'alg not allowed',
    headers: async () => {
      const jwks = await (await fetch(`${cluster.idp.issuer}/.well-known/jwks.json`)).text();
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const signed = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iss: cluster.idp.issuer, sub: 'x', exp: now + 600 })}`;
      const mac = createHmac('sha256', jwks).update(signed).digest('base64url');
      return { authorization: `Bearer ${signed}.${mac}` };
    },
  },
  {
    name: 'a token signed with a key id the issuer does not publish',
    reason: 'unknown signing key',
    headers: async () => ({ authorization: `Bearer ${await cluster.idp.tokenFor('alice', { kid: 'no-such-key' })}` }),
  },
  {
    name: 'a token that is not valid yet (nbf in 10 minutes)',
    reason: 'not yet valid',
    headers: async () => ({ authorization: `Bearer ${await cluster.idp.tokenFor('alice', { notBefore: 600 })}` }),
  },
  {
    name: 'a token without exp',
    reason: 'invalid claims',
    extra: { claim: 'exp' },
    headers: async () => {
      const token = await cluster.idp.mint({ iss: cluster.idp.issuer, sub: 'x', exp: undefined });
      return { authorization: `Bearer ${token}` };
    },
  },
  {
    // (a trailing slash alone names the same issuer: see packages/http-kit/test/auth-issuer-slash.test.ts)
    name: 'a token whose iss is a trusted issuer with a path added',
    reason: 'unknown issuer',
    headers: async () => ({
      authorization: `Bearer ${await cluster.idp.tokenFor('alice', { claims: { iss: `${cluster.idp.issuer}/tenant` } })}`,
    }),
  },
];

describe.each(NAMES)('%s (its own process)', (name) => {
  test('GET /health and GET /ready answer 200 without a token', async () => {
    const health = await call(services[name].url, 'GET', '/health');
    expect([health.status, health.body]).toEqual([200, { status: 'ok', service: name }]);
    const ready = await call(services[name].url, 'GET', '/ready');
    expect([ready.status, ready.body]).toEqual([200, { status: 'ready', service: name }]);
  });

  test.each(VARIANTS.map((v) => [v.name, v] as const))('every other route answers 401 to %s', async (_, variant) => {
    const headers = await variant.headers();
    const wrong: string[] = [];
    for (const route of routes()) {
      const res = await call(services[name].url, route.method, route.path, {
        headers,
        body: route.body,
        type: route.type,
      });
      const expected = { msg: 'must provide valid Bearer token', reason: variant.reason, ...variant.extra };
      const got = typeof res.body === 'object' && res.body !== null ? { ...res.body } : res.body;
      if (got && typeof got === 'object') delete got.header; // which header failed: checked below
      if (res.status !== 401 || JSON.stringify(got) !== JSON.stringify(expected)) {
        wrong.push(`${route.method} ${route.path} → ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe.each(NAMES)('%s: request targets other than a plain path, without a token', (name) => {
  const send = (target: string, method = 'GET') =>
    rawRequest(
      services[name].port,
      `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Content-Length: 2\r\nConnection: close\r\n\r\n{}`,
    ).then(parseRaw);
  const unauthorized = { status: 401, body: { msg: 'must provide valid Bearer token', reason: 'missing' } };

  test.each([
    ['GET', 'http://127.0.0.1/az-permissions?/'],
    ['POST', 'http://evil.example:1/az-is-allowed'],
    ['GET', `http://127.0.0.1/az-is-allowed?${'resource=/&action=read'}`],
    ['GET', 'http://127.0.0.1'],
    ['GET', '//az-permissions?/'],
    ['OPTIONS', '*'],
  ])('%s %s → 401', async (method, target) => {
    expect(await send(target, method)).toEqual(unauthorized);
  });

  test('a request line that is not HTTP → 400 and the connection closed', async () => {
    expect((await rawRequest(services[name].port, 'HELLO\r\n\r\n').then(parseRaw)).status).toBe(400);
    expect((await call(services[name].url, 'GET', '/health')).status).toBe(200);
  });

  // A target Node cannot parse as a URL is answered by the server itself with a JSON 400, not by a fallback.
  test('an unparseable absolute-form target → a JSON 4xx', async () => {
    const res = await send('http://[::1/az-permissions?/');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body).toEqual({ msg: expect.any(String) });
  });
});

test('a 401 says which header failed', async () => {
  const bad = await cluster.idp.tokenFor('alice', { expiresIn: -120 });
  const good = await cluster.idp.tokenFor('alice');
  const asUser = await call(services.runtime.url, 'GET', `/az-is-allowed?${q({ resource: SUBJECT, user: USER() })}`, {
    headers: { authorization: `Bearer ${bad}` },
  });
  expect([asUser.status, asUser.body]).toEqual([
    401,
    { msg: 'must provide valid Bearer token', reason: 'expired', header: 'authorization' },
  ]);
  const asClient = await call(services.maintenance.url, 'GET', '/az-permissions?/', {
    headers: { authorization: `Bearer ${good}`, 'x-client-authorization': `Bearer ${bad}` },
  });
  expect([asClient.status, asClient.body]).toEqual([
    401,
    { msg: 'must provide valid Bearer token', reason: 'expired', header: 'x-client-authorization' },
  ]);
});

test('a valid token from the trusted issuer gets past authentication on every service', async () => {
  const token = await cluster.token('alice');
  const root = await call(services.maintenance.url, 'GET', '/az-permissions?/', { token });
  expect(root.status).toBe(200);
  expect(root.body._subject).toBe('/');
  const teams = await call(services.teams.url, 'GET', `/az-teams?${encodeURIComponent(USER())}`, { token });
  expect([teams.status, teams.body.contents]).toEqual([200, []]);
  const asked = await call(
    services.runtime.url,
    'GET',
    `/az-is-allowed?${q({ resource: '/', user: USER(), action: 'govern' })}`,
    {
      token,
    },
  );
  expect([asked.status, asked.body]).toEqual([200, true]);
  const unknown = await call(services.migration.url, 'GET', '/no-such-route', { token });
  expect(unknown.status).toBe(404);
  expect(typeof unknown.body.msg).toBe('string');
});

describe('POST /az-events on the runtime authenticates the broadcast, not a bearer token', () => {
  const body = JSON.stringify({
    events: [
      {
        seq: 1,
        topic: 'permissions',
        action: 'update',
        subject: '/',
        members: [],
        createdAt: new Date().toISOString(),
      },
    ],
  });
  const post = (headers: Record<string, string>, payload = body) =>
    fetch(`${services.runtime.url}/az-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: payload,
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }));
  const sign = (payload: string, secret: string, at = Date.now()) => signBroadcast(payload, secret, at);

  test('unsigned → 401, even with a valid user token', async () => {
    const res = await post({ authorization: `Bearer ${await cluster.token('alice')}` });
    expect(res).toEqual({ status: 401, body: { msg: 'event broadcast is not signed' } });
  });

  test('signed with another secret → 401', async () => {
    const res = await post(sign(body, randomBytes(24).toString('hex')));
    expect(res).toEqual({ status: 401, body: { msg: 'event broadcast signature is wrong' } });
  });

  test('a signature of another body → 401', async () => {
    const headers = sign(body.replace('"/"', '"/x"'), cluster.eventsSecret);
    const res = await post(headers);
    expect(res).toEqual({ status: 401, body: { msg: 'event broadcast signature is wrong' } });
  });

  test('a correctly signed but stale broadcast (a replay) → 401', async () => {
    const res = await post(sign(body, cluster.eventsSecret, Date.now() - 60 * 60 * 1000));
    expect(res).toEqual({ status: 401, body: { msg: 'event broadcast timestamp is too far from now' } });
  });

  test('a garbage signature header → 401', async () => {
    const res = await post({ 'x-events-timestamp': String(Date.now()), 'x-events-signature': 'sha256=zz' });
    expect(res).toEqual({ status: 401, body: { msg: 'event broadcast signature is wrong' } });
  });

  test('correctly signed → 200', async () => {
    const res = await post(sign(body, cluster.eventsSecret));
    expect(res).toEqual({ status: 200, body: {} });
  });

  test('the runtime still answers afterwards', async () => {
    const token = await cluster.token('alice');
    const asked = await call(
      services.runtime.url,
      'GET',
      `/az-is-allowed?${q({ resource: '/', user: USER(), action: 'govern' })}`,
      { token },
    );
    expect([asked.status, asked.body]).toEqual([200, true]);
  });
});
