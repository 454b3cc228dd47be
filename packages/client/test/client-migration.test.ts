import { startLegacyStack, type LegacyStack } from '@permissions/test-support/harness';
import { ConflictError, NotFoundError, createPermissionsClient } from '@permissions/client';

/** The migration routes through the client, against the services and the stand-in legacy RBAC system. */
let t: LegacyStack;
beforeAll(async () => {
  t = await startLegacyStack();
});
afterAll(async () => t?.close());

const asClient = async () => createPermissionsClient({ baseUrl: t.stack.url, token: await t.stack.token('client') });

test('migrate imports an org, a second first migration is a ConflictError, remigrate imports it again', async () => {
  const client = await asClient();
  const summary = await client.migrate(`${t.orgUrl('acme')}/apis/weather`);
  expect(Object.keys(summary.teams as object).length).toBeGreaterThan(0);
  expect(client.lastSequence()).toBeGreaterThan(0);
  await expect(client.migrate(t.orgUrl('acme'))).rejects.toBeInstanceOf(ConflictError);
  await expect(client.remigrate(t.orgUrl('acme'))).resolves.toMatchObject({ teams: expect.any(Object) });
  const org = await client.getDocument(t.orgUrl('acme'));
  expect(org.etag).toMatch(/^e\d+$/);
});

test("a resource outside the legacy system is a NotFoundError with the service's msg", async () => {
  const client = await asClient();
  await expect(client.migrate('http://example.com/v1/o/acme')).rejects.toMatchObject({
    status: 404,
    msg: expect.stringContaining("doesn't look like an Edge resource"),
  });
  await expect(client.migrate('http://example.com/v1/o/acme')).rejects.toBeInstanceOf(NotFoundError);
});
