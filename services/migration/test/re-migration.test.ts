import { auth, startLegacyStack, type LegacyStack } from '@permissions/test-support/harness';

let t: LegacyStack;
beforeAll(async () => {
  t = await startLegacyStack();
});
afterAll(async () => t?.close());

const admins = { users: ['alice@example.com'], permissions: [{ path: '/', permissions: ['get', 'put', 'delete'] }] };
const users = (...emails: string[]) => ({
  users: emails,
  permissions: [{ path: '/environments/*', permissions: ['get'] }],
});

test('concurrent first migrations of one org make exactly one import: one 200, one 409', async () => {
  t.legacy.setOrg('twice', { orgadmin: admins, user: users('carol@example.com') });
  t.legacy.setDelay(150); // the first import is still reading when the second request arrives
  try {
    const [a, b] = await Promise.all([
      t.request('client', 'migration-request', { resource: t.orgUrl('twice') }),
      t.request('alice', 'migration-request', { resource: `${t.orgUrl('twice')}/apis` }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const conflict = a.status === 409 ? a : b;
    expect(conflict.body).toEqual({ msg: `Permissions already exist for ${t.orgUrl('twice')}` });
  } finally {
    t.legacy.setDelay(0);
  }
  expect((await t.teamsOf('twice')).map((team) => team.name)).toEqual(['twice orgadmin', 'twice user']);
  expect(t.legacy.requests.filter((r) => r.path === '/v1/o/twice/userroles')).toHaveLength(1);
});

test('re-migration updates teams in place, adds and removes members, deletes the team of a deleted role', async () => {
  t.legacy.setOrg('remig', {
    orgadmin: admins,
    user: users('carol@example.com'),
    businessuser: users('bob@example.com'),
  });
  const first = await t.request('client', 'migration-request', { resource: t.orgUrl('remig') });
  expect(first.status).toBe(200);
  const seq1 = first.headers['x-event-sequence'];
  expect(await t.isAllowed('carol', `${t.orgUrl('remig')}/environments/test`, 'read', seq1)).toBe(true);

  t.legacy.addUser('remig', 'user', 'dave@example.com');
  t.legacy.removeUser('remig', 'user', 'carol@example.com');
  t.legacy.deleteRole('remig', 'businessuser');
  t.legacy.setOrg('remig', { ...orgOf(), opsadmin: users('bob@example.com') });

  const again = await t.request('alice', 're-migration-request', { resource: t.orgUrl('remig') });
  expect(again.status).toBe(200);
  const { orgadmin, user, opsadmin } = again.body.teams;
  expect(orgadmin).toBe(first.body.teams.orgadmin);
  expect(user).toBe(first.body.teams.user);
  expect(opsadmin).toMatch(/^\/az-tm-/);
  expect(again.body.removedTeams).toEqual({ businessuser: first.body.teams.businessuser });

  const teams = await t.teamsOf('remig');
  expect(teams.map((team) => [team.name, team.members])).toEqual([
    ['remig opsadmin', [t.stack.principals.bob]],
    ['remig orgadmin', [t.stack.principals.alice]],
    ['remig user', [t.stack.principals.dave]],
  ]);
  const client = auth(await t.stack.token('client'));
  expect((await t.stack.http.get(first.body.teams.businessuser).set(client)).status).toBe(404);
  expect((await t.stack.http.get(`/az-permissions?${first.body.teams.businessuser}`).set(client)).status).toBe(404);
  const doc = await t.stack.http.get(`/az-permissions?${t.orgUrl('remig')}`).set(client);
  expect(doc.body._self.read).toEqual([t.stack.principals.client, orgadmin, user, opsadmin]);

  const seq2 = again.headers['x-event-sequence'];
  expect(await t.isAllowed('carol', `${t.orgUrl('remig')}/environments/test`, 'read', seq2)).toBe(null);
  expect(await t.isAllowed('dave', `${t.orgUrl('remig')}/environments/test`, 'read', seq2)).toBe(true);
  expect(await t.isAllowed('bob', `${t.orgUrl('remig')}/environments/test`, 'read', seq2)).toBe(true);

  function orgOf() {
    return { orgadmin: admins, user: users('dave@example.com') };
  }
});

test('re-migration without legacy changes writes nothing and keeps the same teams', async () => {
  t.legacy.setOrg('steady', { orgadmin: admins, user: users('carol@example.com') });
  const first = await t.request('client', 'migration-request', { resource: t.orgUrl('steady') });
  expect(first.status).toBe(200);
  const events = await t.eventCount();
  const again = await t.request('client', 're-migration-request', { resource: t.orgUrl('steady') });
  expect(again.status).toBe(200);
  expect(again.body.teams).toEqual(first.body.teams);
  expect(again.headers['x-event-sequence']).toBeUndefined();
  expect(await t.eventCount()).toBe(events);
  expect(await t.teamsOf('steady')).toHaveLength(2);
});

test('all roles deleted: re-migration removes every team and keeps the org document', async () => {
  t.legacy.setOrg('shrink', { user: users('carol@example.com') });
  const first = await t.request('client', 'migration-request', { resource: t.orgUrl('shrink') });
  t.legacy.setOrg('shrink', {});
  const again = await t.request('client', 're-migration-request', { resource: t.orgUrl('shrink') });
  expect(again.status).toBe(200);
  expect(again.body.teams).toEqual({});
  expect(again.body.removedTeams).toEqual({ user: first.body.teams.user });
  expect(await t.teamsOf('shrink')).toEqual([]);
  const doc = await t.stack.http.get(`/az-permissions?${t.orgUrl('shrink')}`).set(auth(await t.stack.token('client')));
  expect(doc.body._self.read).toEqual([t.stack.principals.client]);
});

test('a legacy system failing half-way writes nothing (no document, no team, no event); a later request completes', async () => {
  t.legacy.setOrg('halfway', {
    orgadmin: admins,
    user: users('carol@example.com'),
    opsadmin: users('dave@example.com'),
  });
  t.legacy.failOn('/v1/o/halfway/userroles/user/permissions');
  const events = await t.eventCount();
  const res = await t.request('client', 'migration-request', { resource: t.orgUrl('halfway') });
  expect(res.status).toBe(503);
  expect(res.body).toEqual({
    msg: 'the legacy RBAC system could not be read',
    path: '/v1/o/halfway/userroles/user/permissions',
    reason: 'status 500',
    requestId: res.headers['x-request-id'],
  });
  // 5xx answers are retried with backoff, a bounded number of times
  expect(t.legacy.requests.filter((r) => r.path === '/v1/o/halfway/userroles/user/permissions')).toHaveLength(3);
  const client = auth(await t.stack.token('client'));
  expect((await t.stack.http.get(`/az-permissions?${t.orgUrl('halfway')}`).set(client)).status).toBe(404);
  expect(await t.teamsOf('halfway')).toEqual([]);
  expect(await t.eventCount()).toBe(events);

  t.legacy.clearFailures();
  const retry = await t.request('client', 'migration-request', { resource: t.orgUrl('halfway') });
  expect(retry.status).toBe(200);
  expect(await t.teamsOf('halfway')).toHaveLength(3);
});

test('a failure after some requests (fail-after-N) also leaves nothing behind', async () => {
  t.legacy.setOrg('cutoff', { orgadmin: admins, user: users('carol@example.com') });
  t.legacy.failAfter(2);
  try {
    const res = await t.request('client', 'migration-request', { resource: t.orgUrl('cutoff') });
    expect(res.status).toBe(503);
  } finally {
    t.legacy.clearFailures();
  }
  const { rows } = await t.stack.db.pool.query('SELECT 1 FROM permissions WHERE subject = $1', [t.orgUrl('cutoff')]);
  expect(rows).toHaveLength(0);
  expect(await t.teamsOf('cutoff')).toEqual([]);
});

test('a run that died holding the lease is taken over once the lease expires, and completes', async () => {
  t.legacy.setOrg('orphan', { user: users('carol@example.com') });
  await t.stack.db.pool.query(
    `INSERT INTO migrations (org_url, lease_owner, lease_expires_at, started_at)
     VALUES ($1, 'a-run-that-died', clock_timestamp() + interval '800 milliseconds', clock_timestamp())`,
    [t.orgUrl('orphan')],
  );
  const res = await t.request('client', 'migration-request', { resource: t.orgUrl('orphan') });
  expect(res.status).toBe(200);
  expect((await t.teamsOf('orphan')).map((team) => team.name)).toEqual(['orphan user']);
  const { rows } = await t.stack.db.pool.query('SELECT lease_owner, data FROM migrations WHERE org_url = $1', [
    t.orgUrl('orphan'),
  ]);
  expect(rows[0].lease_owner).toBe(null);
  expect(rows[0].data.teams).toEqual(res.body.teams);
});

test('re-migration while another run holds the lease: 400 migration in progress', async () => {
  t.legacy.setOrg('busy', { user: users('carol@example.com') });
  await t.stack.db.pool.query(
    `INSERT INTO migrations (org_url, lease_owner, lease_expires_at, started_at)
     VALUES ($1, 'a-live-run', clock_timestamp() + interval '10 minutes', clock_timestamp())`,
    [t.orgUrl('busy')],
  );
  const res = await t.request('alice', 're-migration-request', { resource: t.orgUrl('busy') });
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ msg: 'migration in progress for org: busy' });
  expect(t.legacy.requests.some((r) => r.path.startsWith('/v1/o/busy/'))).toBe(false);
});
