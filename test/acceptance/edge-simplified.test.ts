import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@permissions/store/test-support';
import { DEFAULT_CLIENT, startDevIdp, type DevIdp } from '@permissions/dev-stand-ins/idp';
import { startProcess, type ServiceProcess } from '@permissions/test-support/harness';
import { createApi, type Api } from './api';

/**
 * The original's acceptance scenario (reference §13.2, test-edge-simplified.py), step by step, against the
 * all-in-one started as a separate process exactly as CONTRACT §2 says: DATABASE_URL, AUTH_ISSUERS,
 * BOOTSTRAP_GOVERNORS, PERMISSIONS_CLIENT_ID/SECRET, EVENTS_SECRET. The steps share state, in order.
 */
const ACME = 'http://apigee.com/o/acme';
let db: TestDatabase;
let idp: DevIdp;
let server: ServiceProcess;
let api: Api;
let U1: string, U2: string, U3: string, U4: string, C: string;
let OA: string, BU: string, OU: string;
const etags: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  idp = await startDevIdp({ port: 0 });
  [U1, U2, U3, U4] = ['alice', 'bob', 'carol', 'dave'].map((u) => idp.principalOf(u));
  C = `${idp.issuer}#${DEFAULT_CLIENT.clientId}`;
  server = await startProcess('all-in-one', {
    DATABASE_URL: db.url,
    AUTH_ISSUERS: idp.issuer,
    PERMISSIONS_CLIENT_ID: DEFAULT_CLIENT.clientId,
    PERMISSIONS_CLIENT_SECRET: DEFAULT_CLIENT.secret,
    BOOTSTRAP_GOVERNORS: U1,
    EVENTS_SECRET: randomBytes(24).toString('hex'),
    SPEEDUP: '10',
  });
  api = createApi(server.url, idp);
});
afterAll(async () => {
  await server?.stop();
  await idp?.close();
  await db?.drop();
});

const enc = encodeURIComponent;
const q = (params: Record<string, string | string[]>) =>
  Object.entries(params)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}=${enc(x)}`))
    .join('&');

test('S0: the governor reads / and lets the client create and read permissions', async () => {
  const root = await api.call('GET', '/az-permissions?/', { as: 'alice' });
  expect(root.status).toBe(200);
  expect(root.headers.get('etag')).toBeTruthy();
  const patched = await api.call('PATCH', '/az-permissions?/', {
    as: 'alice',
    type: 'application/merge-patch+json',
    ifMatch: root.headers.get('etag') ?? '',
    body: { 'az-permissions': { read: [C], create: [C] } },
  });
  expect(patched.status).toBe(200);
});

test('S1–S7: create acme through the trusted client, then the runtime answers for it', async () => {
  const acme = {
    _subject: ACME,
    _self: { update: [U1], read: [U1], delete: [U1], admin: [U1], govern: [U1] },
    _permissionsHeirs: { add: [U1], read: [U1], remove: [U1] },
    'test-data': true,
  };
  const created = await api.call('POST', '/az-permissions', { as: 'alice', client: true, body: acme });
  expect(created.status).toBe(201);
  expect(created.headers.get('location')).toBe(`/az-permissions?${ACME}`);
  expect(created.headers.get('etag')).toBeTruthy();

  const s2 = await api.call('GET', `/az-allowed-actions?${q({ resource: ACME, user: U1 })}`, { as: 'alice' });
  expect(s2.status).toBe(200);
  expect(new Set(s2.body as string[])).toEqual(new Set(['read', 'admin', 'delete', 'govern', 'update']));
  const s3 = await api.call('GET', `/az-allowed-actions?${q({ resource: ACME, user: U2 })}`, { as: 'bob' });
  expect([s3.status, s3.body]).toEqual([200, []]);
  const s4 = await api.call('GET', `/az-allowed-actions?${q({ resource: ACME, user: U1 })}`, { as: 'bob' });
  expect(s4.status).toBe(403);
  const s5 = await api.call('GET', `/az-is-allowed?${q({ resource: ACME, user: U1, action: 'delete' })}`, {
    as: 'alice',
  });
  expect([s5.status, s5.body]).toEqual([200, true]);
  const s6 = await api.call('GET', `/az-is-allowed?${q({ resource: ACME, user: U2, action: 'delete' })}`, {
    as: 'bob',
  });
  expect([s6.status, s6.body]).toEqual([200, null]);
  const s7 = await api.call('GET', `/az-resources-shared-with?${U1.replace('#', '%23')}`, { as: 'alice' });
  expect([s7.status, s7.body]).toEqual([200, [ACME]]);
  expect(s7.headers.get('content-location')).toBeTruthy();
});

test('S8–S11: three teams inherit their permissions from acme', async () => {
  const team = (name: string, members: string[]) => ({
    isA: 'Team',
    name,
    _permissions: { _inheritsPermissionsOf: [ACME], 'test-data': true },
    members,
    'test-data': true,
  });
  const oa = await api.call('POST', '/az-teams', { as: 'alice', body: team('Acme Org admins', [U1]) });
  expect(oa.status).toBe(201);
  OA = oa.headers.get('location') ?? '';
  expect(OA).toMatch(/^\/az-tm-[a-z]+-[a-z]+-[0-9a-f]{24}$/);
  const s9 = await api.call('GET', `/az-resources-accessible-by-team-members?${OA}`, { as: 'alice' });
  expect(s9.status).toBe(200);
  const bu = await api.call('POST', '/az-teams', { as: 'alice', body: team('Acme Business Users', [U2]) });
  expect(bu.status).toBe(201);
  BU = bu.headers.get('location') ?? '';
  const ou = await api.call('POST', '/az-teams', { as: 'alice', body: team('Acme Ordinary Users', [U3]) });
  expect(ou.status).toBe(201);
  OU = ou.headers.get('location') ?? '';
  etags.OU = ou.headers.get('etag') ?? '';
});

test('S12–S19: acme is handed over to the teams', async () => {
  const s12 = await api.call('GET', `/az-permissions?${ACME}`, { as: 'alice' });
  expect(s12.status).toBe(200);
  expect(s12.body._self).toEqual({ update: [U1], read: [U1], delete: [U1], admin: [U1], govern: [U1] });
  expect(s12.body._permissionsHeirs).toEqual({ add: [U1], read: [U1], remove: [U1] });
  const etag = s12.headers.get('etag') ?? '';
  expect(etag).toBeTruthy();

  const s13 = await api.call('PATCH', `/az-permissions?${ACME}`, {
    as: 'alice',
    type: 'application/json',
    body: { _self: { read: [U2] } },
  });
  expect(s13.status).toBe(400);

  const self = { update: [OA], read: [OA, BU, OU], delete: [OA], admin: [OA], govern: [OA] };
  const heirs = { add: [OA, BU, OU], read: [OA, BU, OU], remove: [OA] };
  const s14 = await api.call('PATCH', `/az-permissions?${ACME}`, {
    as: 'alice',
    type: 'application/merge-patch+json',
    ifMatch: etag,
    body: { _self: self, _permissionsHeirs: heirs },
  });
  expect(s14.status).toBe(200);
  etags.acme = s14.headers.get('etag') ?? '';
  expect(etags.acme).not.toBe(etag);

  const s15 = await api.call('GET', `/az-permissions?${ACME}`, { as: 'alice' });
  expect(s15.status).toBe(200);
  expect(s15.body._self).toEqual(self);
  expect(s15.body._permissionsHeirs).toEqual(heirs);
  expect((await api.call('GET', `/az-permissions?${ACME}`, { as: 'bob' })).status).toBe(403);

  const s17 = await api.call('GET', `/az-permissions-heirs?${ACME}`, { as: 'alice' });
  expect(s17.status).toBe(200);
  expect(new Set(s17.body.contents)).toEqual(new Set([OA, BU, OU]));
  const s18 = await api.call('GET', `/az-allowed-actions?${q({ resource: ACME, user: U1 })}`, { as: 'alice' });
  expect(s18.body).toEqual(expect.arrayContaining(['read', 'update', 'delete']));
  const s19 = await api.call('GET', `/az-resources-shared-with?${U1.replace('#', '%23')}`, { as: 'alice' });
  expect([s19.status, s19.body]).toEqual([200, [ACME]]);
});

test('S20–S26: children of acme, inheritance changes, self-inheritance and cycles refused', async () => {
  for (const x of ['/appkeys', '/applications', '/deployments', 'devConnectUser', '/devPortalButton']) {
    const res = await api.call('POST', '/az-permissions', {
      as: 'alice',
      client: true,
      body: { _subject: ACME + x, _inheritsPermissionsOf: [ACME], 'test-data': true },
    });
    expect(res.status).toBe(201);
  }
  for (const x of ['/apiproducts', '/apps', '/axCustomReports', '/companies', '/developers', '/reports']) {
    const res = await api.call('POST', '/az-permissions', {
      as: 'alice',
      client: true,
      body: {
        _subject: ACME + x,
        _self: { add: [BU], remove: [BU] },
        _inheritsPermissionsOf: [ACME],
        'test-data': true,
      },
    });
    expect(res.status).toBe(201);
  }
  const kvm = await api.call('POST', '/az-permissions', {
    as: 'alice',
    client: true,
    body: {
      _subject: `${ACME}/keyvaluemaps`,
      _self: { add: [BU, OU], remove: [BU, OU] },
      _inheritsPermissionsOf: [ACME],
      'test-data': true,
    },
  });
  expect(kvm.status).toBe(201);

  const s23 = await api.call('GET', `/az-users-who-can-access?${ACME}/keyvaluemaps`, { as: 'alice' });
  expect(s23.status).toBe(200);
  expect(s23.body).toEqual(expect.arrayContaining([OA, BU, OU]));

  const s24 = await api.call('PATCH', `/az-permissions?${ACME}/keyvaluemaps`, {
    as: 'alice',
    type: 'application/merge-patch+json',
    ifMatch: kvm.headers.get('etag') ?? '',
    body: { _inheritsPermissionsOf: [`${ACME}/developers`] },
  });
  expect(s24.status).toBe(200);
  const s25 = await api.call('PATCH', `/az-permissions?${ACME}`, {
    as: 'alice',
    type: 'application/merge-patch+json',
    ifMatch: etags.acme,
    body: { _inheritsPermissionsOf: [ACME] },
  });
  expect(s25.status).toBe(400);
  const s26 = await api.call('PATCH', `/az-permissions?${ACME}`, {
    as: 'alice',
    type: 'application/merge-patch+json',
    ifMatch: etags.acme,
    body: { _inheritsPermissionsOf: [`${ACME}/keyvaluemaps`] },
  });
  expect(s26.status).toBe(400);
});

test('S27–S33: questions, on behalf of a user by the trusted client, and on a relationship property', async () => {
  const readAcme = `/az-is-allowed?${q({ resource: ACME, user: U1, action: 'read' })}`;
  expect((await api.call('GET', readAcme, { as: 'alice' })).body).toBe(true);
  const s28 = await api.call('GET', readAcme, { as: null, client: true });
  expect([s28.status, s28.body]).toEqual([200, true]);
  const s29 = await api.call(
    'GET',
    `/az-is-allowed?${q({ resource: `${ACME}/keyvaluemaps`, user: U1, action: 'read' })}`,
    {
      as: 'alice',
    },
  );
  expect(s29.body).toBe(true);
  const s30 = await api.call('PATCH', `/az-permissions?${ACME}`, {
    as: 'alice',
    type: 'application/merge-patch+json',
    ifMatch: etags.acme,
    body: { keyvaluemaps: { read: [U2], update: [U1] } },
  });
  expect(s30.status).toBe(200);
  const kvmRead = (user: string) =>
    `/az-is-allowed?${q({ resource: ACME, property: 'keyvaluemaps', user, action: 'read' })}`;
  expect((await api.call('GET', kvmRead(U2), { as: 'bob' })).body).toBe(true);
  expect((await api.call('GET', kvmRead(U2), { as: 'bob' })).body).toBe(true);
  expect((await api.call('GET', kvmRead(U3), { as: 'carol' })).body).toBeFalsy();
});

test('S34–S47: team roles decide where no document has an opinion', async () => {
  const s34 = await api.call('PATCH', OU, {
    as: 'alice',
    type: 'application/merge-patch+json',
    ifMatch: etags.OU,
    body: { roles: { [ACME]: { '/keyvaluemaps': ['read'] } } },
  });
  expect(s34.status).toBe(200);
  const kvm = `${ACME}/keyvaluemaps`;
  expect(
    (await api.call('GET', `/az-is-allowed?${q({ resource: kvm, user: U3, action: 'read' })}`, { as: 'carol' })).body,
  ).toBe(true);
  const s36 = await api.call('GET', `/az-allowed-actions?${q({ resource: kvm, user: U3 })}`, { as: 'carol' });
  expect(s36.body).toContain('read');
  const s37 = await api.call('PATCH', OU, {
    as: 'alice',
    type: 'application/merge-patch+json',
    ifMatch: s34.headers.get('etag') ?? '',
    body: { roles: { [ACME]: { '/environments/*': ['read'] } } },
  });
  expect(s37.status).toBe(200);
  expect(s37.body.roles[ACME]).toEqual({ '/keyvaluemaps': ['read'], '/environments/*': ['read'] });

  const test = `${ACME}/environments/test`;
  const ask = (path: string, params: Record<string, string | string[]>) =>
    api.call('GET', `${path}?${q(params)}`, { as: 'carol' }).then((r) => r.body);
  expect(await ask('/az-is-allowed', { resource: test, user: U3, action: 'read' })).toBe(true);
  expect(await ask('/az-is-allowed-for-base-and-path', { baseAndPath: test, user: U3, action: 'read' })).toBe(true);
  expect(await ask('/az-is-allowed-for-resource', { resource: test, user: U3, action: 'read' })).toBeFalsy();
  expect(await ask('/az-are-any-allowed', { resource: [test, ACME], user: U3, action: 'read' })).toBe(true);
  const s42 = await api.call('POST', '/az-are-any-allowed', {
    as: 'carol',
    body: { resource: [test, ACME], user: U3, action: 'read' },
  });
  expect([s42.status, s42.body]).toEqual([200, true]);
  expect(await ask('/az-are-any-base-and-paths-allowed', { baseAndPath: [test, ACME], user: U3, action: 'read' })).toBe(
    true,
  );
  expect(await ask('/az-are-any-resources-allowed', { resource: [test, ACME], user: U3, action: 'read' })).toBe(true);
  expect(await ask('/az-allowed-actions-for-base-and-path', { baseAndPath: test, user: U3 })).toContain('read');
  expect(await ask('/az-allowed-actions-for-resource', { resource: test, user: U3 })).toEqual([]);
  expect(await ask('/az-allowed-actions', { resource: test, user: U3 })).toContain('read');
});

test('S48–S49: team members given by e-mail are stored as ids', async () => {
  const created = await api.call('POST', '/az-teams', {
    as: 'alice',
    body: {
      isA: 'Team',
      name: 'email team',
      _permissions: { _inheritsPermissionsOf: [ACME] },
      members: [`${idp.issuer}#alice@example.com`, `${idp.issuer}#dave@example.com`],
      'test-data': true,
    },
  });
  expect(created.status).toBe(201);
  expect(new Set(created.body.members)).toEqual(new Set([U1, U4]));
  const patched = await api.call('PATCH', created.headers.get('location') ?? '', {
    as: 'alice',
    type: 'application/json-patch+json',
    ifMatch: created.headers.get('etag') ?? '',
    body: [{ op: 'add', path: '/members/-', value: `${idp.issuer}#bob@example.com` }],
  });
  expect(patched.status).toBe(200);
  expect(patched.body.members).toEqual(expect.arrayContaining([U1, U2]));
});
