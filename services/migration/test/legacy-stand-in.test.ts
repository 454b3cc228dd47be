import axios from 'axios';
import { startDevIdp, type DevIdp } from '@permissions/dev-stand-ins/idp';
import { startLegacyRbac, type LegacyRbac } from '@permissions/dev-stand-ins/legacy-rbac';

let idp: DevIdp;
let other: DevIdp;
let legacy: LegacyRbac;
beforeAll(async () => {
  idp = await startDevIdp();
  other = await startDevIdp();
  legacy = await startLegacyRbac({ issuer: idp.issuer });
});
afterAll(async () => {
  await legacy?.close();
  await idp?.close();
  await other?.close();
});

const get = (path: string, token?: string) =>
  axios.get(`${legacy.url}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    validateStatus: () => true,
  });

test('the stand-in checks credentials: a token of its issuer only', async () => {
  expect((await get('/v1/o/acme/userroles')).status).toBe(401);
  expect((await get('/v1/o/acme/userroles', await other.clientToken('permissions-client'))).status).toBe(401);
  const ok = await get('/v1/o/acme/userroles', await idp.clientToken('permissions-client'));
  expect(ok.status).toBe(200);
  expect(ok.data).toEqual(['orgadmin', 'opsadmin', 'businessuser', 'user', 'readonlyadmin']);
});

test('roles, users, permissions and the audit of role changes', async () => {
  const token = await idp.clientToken('permissions-client');
  expect((await get('/v1/o/globex/userroles/user/users', token)).data).toEqual([
    'alice@example.com',
    'carol@example.com',
  ]);
  expect((await get('/v1/o/globex/userroles/orgadmin/permissions', token)).data).toEqual({
    resourcePermission: [{ path: '/', permissions: ['get', 'put', 'delete'] }],
  });
  expect((await get('/v1/o/nope/userroles', token)).status).toBe(404);
  const before = Date.now();
  expect((await get(`/v1/audits/organizations/globex/userroles?expand=true&endTime=${before}`, token)).data).toEqual({
    auditRecord: [],
    total: 0,
  });
  legacy.addUser('globex', 'user', 'dave@example.com');
  const audit = await get(`/v1/audits/organizations/globex/userroles?expand=true&endTime=${before}`, token);
  expect(audit.data.total).toBe(1);
  expect(audit.data.auditRecord[0]).toMatchObject({ operation: 'UPDATE', requestUri: '/v1/o/globex/userroles/user' });
});
