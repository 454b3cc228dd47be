import { TEAM_URL } from '@permissions/teams';
import { NOT_LEGACY_MSG } from '../src/routes';
import { auth, startLegacyStack, type LegacyStack } from '@permissions/test-support/harness';

let t: LegacyStack;
beforeAll(async () => {
  t = await startLegacyStack();
});
afterAll(async () => t?.close());

const sorted = (values: Iterable<string>) => [...values].sort();

describe('first migration of an org (reference §9.2 with B9 fixed)', () => {
  let teams: Record<string, string>;
  let seq: string;

  test('writes the org document and one team per role, and reports unknown e-mails', async () => {
    const res = await t.request('client', 'migration-request', { resource: `${t.orgUrl('acme')}/apis/weather` });
    expect(res.status).toBe(200);
    expect(sorted(Object.keys(res.body.teams))).toEqual([
      'businessuser',
      'opsadmin',
      'orgadmin',
      'readonlyadmin',
      'user',
    ]);
    for (const url of Object.values<string>(res.body.teams)) expect(url).toMatch(TEAM_URL);
    expect(res.body).toEqual({
      org: 'acme',
      orgUrl: t.orgUrl('acme'),
      teams: res.body.teams,
      removedTeams: {},
      unknownUsers: ['notyet@example.com'],
      unplaced: [],
    });
    expect(res.headers['x-event-sequence']).toMatch(/^\d+$/);
    teams = res.body.teams;
    seq = res.headers['x-event-sequence'];
  });

  test('the org document is owned by the services client and links each team by its role name', async () => {
    const client = t.stack.principals.client;
    const res = await t.stack.http.get(`/az-permissions?${t.orgUrl('acme')}`).set(auth(await t.stack.token('client')));
    expect(res.status).toBe(200);
    const all = Object.values(teams);
    expect(res.body._self).toEqual({
      read: [client, ...all],
      update: [client, teams.orgadmin],
      put: [client, teams.orgadmin],
      delete: [client],
      admin: [client],
      govern: [client],
    });
    expect(res.body._permissionsHeirs).toEqual({
      add: [client, ...all.filter((u) => u !== teams.readonlyadmin)],
      read: [client, ...all],
      remove: [client],
    });
    expect(res.body.subscriptions.create).toEqual([teams.orgadmin, teams.opsadmin]);
    expect(res.body.history).toEqual({ read: all, delete: [teams.orgadmin, teams.opsadmin] });
    expect(res.body.events).toEqual({ read: [], create: [], update: [], delete: [] });
  });

  test('each team holds the role members (ids) and its permissions as roles on the org', async () => {
    const res = await t.stack.http.get(teams.user).set(auth(await t.stack.token('client')));
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('acme user');
    expect(res.body.members).toEqual([t.stack.principals.carol]);
    expect(res.body.roles).toEqual({
      [t.orgUrl('acme')]: {
        '/apiproducts': ['read', 'create', 'update'],
        '/apis': ['read', 'create', 'update', 'delete'],
        '/environments/*': ['read'],
      },
    });
    const own = await t.stack.http.get(`/az-permissions?${teams.user}`).set(auth(await t.stack.token('client')));
    expect(own.status).toBe(200);
    expect(own.body._inheritsPermissionsOf).toEqual([t.orgUrl('acme')]);
    expect((await t.teamsOf('acme')).map((team) => team.name)).toEqual([
      'acme businessuser',
      'acme opsadmin',
      'acme orgadmin',
      'acme readonlyadmin',
      'acme user',
    ]);
  });

  test('role fallback answers for a resource without a document (reference §13.2 S38–S47)', async () => {
    const test = `${t.orgUrl('acme')}/environments/test`;
    const carol = t.stack.principals.carol;
    const token = auth(await t.stack.token('carol'));
    const get = async (path: string) => {
      const res = await t.stack.http.get(`${path}&atLeast=${seq}`).set(token);
      expect(res.status).toBe(200);
      return res.body;
    };
    const user = encodeURIComponent(carol);
    const r = encodeURIComponent(test);
    const org = encodeURIComponent(t.orgUrl('acme'));
    expect(await get(`/az-is-allowed?resource=${r}&action=read&user=${user}`)).toBe(true);
    expect(await get(`/az-is-allowed-for-base-and-path?baseAndPath=${r}&action=read&user=${user}`)).toBe(true);
    expect(await get(`/az-is-allowed-for-resource?resource=${r}&action=read&user=${user}`)).toBe(null);
    expect(await get(`/az-are-any-allowed?resource=${r}&resource=${org}&action=read&user=${user}`)).toBe(true);
    expect(await get(`/az-allowed-actions-for-base-and-path?baseAndPath=${r}&user=${user}`)).toEqual(['read']);
    expect(await get(`/az-allowed-actions-for-resource?resource=${r}&user=${user}`)).toEqual([]);
    expect(await get(`/az-allowed-actions?resource=${r}&user=${user}`)).toEqual(['read']);
    expect(await get(`/az-is-allowed?resource=${r}&action=update&user=${user}`)).toBe(null);
  });

  test('each role grants its own paths: businessuser deletes apis, readonlyadmin reads everything', async () => {
    const apis = `${t.orgUrl('acme')}/apis`;
    expect(await t.isAllowed('bob', apis, 'delete', seq)).toBe(true);
    expect(await t.isAllowed('carol', `${t.orgUrl('acme')}/keyvaluemaps`, 'read', seq)).toBe(null);
    expect(await t.isAllowed('dave', `${t.orgUrl('acme')}/keyvaluemaps/deep/down`, 'read', seq)).toBe(true);
    expect(await t.isAllowed('dave', `${t.orgUrl('acme')}/keyvaluemaps/deep/down`, 'update', seq)).toBe(null);
    // the org document itself: read for every team, update for orgadmin only
    expect(await t.isAllowed('carol', t.orgUrl('acme'), 'read', seq)).toBe(true);
    expect(await t.isAllowed('alice', t.orgUrl('acme'), 'update', seq)).toBe(true);
    expect(await t.isAllowed('carol', t.orgUrl('acme'), 'update', seq)).toBe(null);
  });

  test('a second first-migration of the org is 409 and imports nothing', async () => {
    const before = t.legacy.requests.length;
    const res = await t.request('client', 'migration-request', { resource: t.orgUrl('acme') });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ msg: `Permissions already exist for ${t.orgUrl('acme')}` });
    expect(t.legacy.requests.length).toBe(before);
  });
});

test('the runtime imports an unknown legacy org on demand, once, and then answers', async () => {
  const globex = t.orgUrl('globex');
  const client = t.stack.principals.client;
  const token = auth(await t.stack.token('client'));
  const ask = (resource: string) =>
    t.stack.http
      .get(`/az-is-allowed?resource=${encodeURIComponent(resource)}&action=read&user=${encodeURIComponent(client)}`)
      .set(token);
  const first = await ask(globex);
  expect(first.status).toBe(200);
  expect(first.body).toBe(true); // the imported org document lets the services' client read it
  // the import's events reach the runtime's caches asynchronously: ask from a state that includes them
  const seq = await t.lastSeq();
  expect(await t.isAllowed('carol', `${globex}/environments/prod`, 'read', seq)).toBe(true);
  expect(await t.isAllowed('alice', `${globex}/apis`, 'update', seq)).toBe(true);
  const again = await ask(globex);
  expect(again.body).toBe(true);
  expect(t.legacy.requests.filter((r) => r.path === '/v1/o/globex/userroles')).toHaveLength(1);
  expect((await t.teamsOf('globex')).map((team) => team.name)).toEqual(['globex orgadmin', 'globex user']);
});

test("a role member's very first question about a legacy org is answered through the role it imports", async () => {
  // The question itself triggers the import; the answer must already see carol's new team and its roles.
  t.legacy.setOrg('initech', {
    user: { users: ['carol@example.com'], permissions: [{ path: '/environments/*', permissions: ['get'] }] },
  });
  expect(await t.isAllowed('carol', `${t.orgUrl('initech')}/environments/test`, 'read')).toBe(true);
});

test('a resource that is not a legacy resource neither imports nor stores anything', async () => {
  const token = auth(await t.stack.token('alice'));
  const res = await t.stack.http
    .get(
      `/az-is-allowed?resource=${encodeURIComponent('http://example.com/v1/o/acme2/apis')}&action=read&user=${encodeURIComponent(t.stack.principals.alice)}`,
    )
    .set(token);
  expect(res.status).toBe(200);
  expect(res.body).toBe(null);
  const direct = await t.request('alice', 'migration-request', { resource: 'http://example.com/v1/o/acme2/apis' });
  expect(direct.status).toBe(404);
  expect(direct.body).toEqual({ msg: NOT_LEGACY_MSG });
  expect(t.legacy.requests.some((r) => r.path.includes('acme2'))).toBe(false);
});

test('an org with zero roles migrates to an org document without teams', async () => {
  t.legacy.setOrg('emptyco', {});
  const res = await t.request('client', 'migration-request', { resource: t.orgUrl('emptyco') });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    org: 'emptyco',
    orgUrl: t.orgUrl('emptyco'),
    teams: {},
    removedTeams: {},
    unknownUsers: [],
    unplaced: [],
  });
  const doc = await t.stack.http.get(`/az-permissions?${t.orgUrl('emptyco')}`).set(auth(await t.stack.token('client')));
  expect(doc.status).toBe(200);
  expect(doc.body._self.govern).toEqual([t.stack.principals.client]);
  expect(doc.body._permissionsHeirs.add).toEqual([t.stack.principals.client]);
  expect(await t.teamsOf('emptyco')).toEqual([]);
});

test('roles are classified by their exact name, not by a substring of "{org} {role}" (B9)', async () => {
  const perms = [{ path: '/apis', permissions: ['get'] }];
  t.legacy.setOrg('usergrid-labs', {
    readonlyadmin: { users: ['dave@example.com'], permissions: perms },
    auditors: { users: ['carol@example.com'], permissions: perms },
    superorgadmins: { users: ['bob@example.com'], permissions: perms },
  });
  const res = await t.request('client', 'migration-request', { resource: t.orgUrl('usergrid-labs') });
  expect(res.status).toBe(200);
  const { readonlyadmin, auditors, superorgadmins } = res.body.teams;
  const doc = await t.stack.http
    .get(`/az-permissions?${t.orgUrl('usergrid-labs')}`)
    .set(auth(await t.stack.token('client')));
  const client = t.stack.principals.client;
  // readonlyadmin reads but may not add heirs; the other two fall back to the default row
  expect(doc.body._permissionsHeirs.add).toEqual([client, auditors, superorgadmins]);
  expect(doc.body._permissionsHeirs.read).toEqual([client, readonlyadmin, auditors, superorgadmins]);
  expect(doc.body._self.update).toEqual([client]);
  expect(doc.body.subscriptions.create).toEqual([]);
});

test('permissions naming another org or odd paths are reported, the rest imported (issue item 3)', async () => {
  const other = `${t.legacy.url}/v1/o/otherorg/apis`;
  t.legacy.setOrg('mixed', {
    user: {
      users: ['carol@example.com', 'ghost@example.com', 'not-an-email', 'carol@example.com'],
      permissions: [
        { path: '/apis', permissions: ['get'] },
        { path: '/v1/o/otherorg/apis', permissions: ['get'] },
        { path: other, permissions: ['get'] },
        { path: `${t.legacy.url}/v1/organizations/mixed/keyvaluemaps/`, permissions: ['get', 'delete'] },
        { path: '/o/mixed/reports', permissions: ['put'] },
        { path: 'apis-without-slash', permissions: ['get'] },
        { path: '/a//b', permissions: ['get'] },
        { path: '/a/../b', permissions: ['get'] },
        { permissions: ['get'] },
        { path: '/x', permissions: 'get' },
        'just a string',
      ],
    },
  });
  const res = await t.request('client', 'migration-request', { resource: t.orgUrl('mixed') });
  expect(res.status).toBe(200);
  expect(res.body.unknownUsers).toEqual(['ghost@example.com', 'not-an-email']);
  expect(res.body.unplaced).toEqual([
    { role: 'user', path: '/v1/o/otherorg/apis', reason: 'belongs to org otherorg' },
    { role: 'user', path: other, reason: 'belongs to org otherorg' },
    {
      role: 'user',
      path: 'apis-without-slash',
      reason: 'not a path of the org (must be /segment/… without empty segments)',
    },
    { role: 'user', path: '/a//b', reason: 'not a path of the org (must be /segment/… without empty segments)' },
    { role: 'user', path: '/a/../b', reason: 'relative segments (. or ..) are not allowed' },
    { role: 'user', path: { permissions: ['get'] }, reason: 'the entry has no path' },
    { role: 'user', path: '/x', reason: 'permissions must be a list of verbs' },
    { role: 'user', path: 'just a string', reason: 'not a permission entry ({path, permissions})' },
  ]);
  const [team] = await t.teamsOf('mixed');
  expect(team.members).toEqual([t.stack.principals.carol]);
  expect(team.roles).toEqual({
    [t.orgUrl('mixed')]: { '/apis': ['read'], '/keyvaluemaps': ['read', 'delete'], '/reports': ['create', 'update'] },
  });
});
