import { startLegacyStack, type LegacyStack } from '@permissions/test-support/harness';

/**
 * CONTRACT §4.8: a document someone else created at or under a legacy org's URLs before its first import (a squat,
 * as the old code let anyone write) never blocks the import nor is taken for the org: the import deletes it and
 * writes the org's own document, a namespace created by the services' client.
 */
let t: LegacyStack;
beforeAll(async () => {
  t = await startLegacyStack();
});
afterAll(async () => t?.close());

const admins = { users: ['alice@example.com'], permissions: [{ path: '/', permissions: ['get', 'put', 'delete'] }] };

async function squat(subject: string, extra: Record<string, unknown> = {}): Promise<void> {
  const bob = t.stack.principals.bob;
  await t.stack.db.store.write((tx) =>
    tx.createDocument({
      _subject: subject,
      _self: { govern: [bob], admin: [bob], read: [bob] },
      _metadata: { creator: bob, sharedWith: [bob] },
      ...extra,
    }),
  );
}

async function stored(subject: string): Promise<Record<string, any> | undefined> {
  const { rows } = await t.stack.db.pool.query('SELECT data FROM permissions WHERE subject = $1', [subject]);
  return rows[0]?.data;
}

test.each(['migration-request', 're-migration-request'] as const)(
  'a %s over a squatted org replaces the squats and imports it',
  async (kind) => {
    const org = `squatted-${kind.length}`;
    t.legacy.setOrg(org, { orgadmin: admins });
    const orgUrl = t.orgUrl(org);
    const under = `${orgUrl}/apis/x`;
    const otherForm = `${t.legacy.url}/v1/organizations/${org}`;
    await squat(orgUrl, { 'az-teams': { create: [t.stack.principals.bob] } });
    await squat(under, { _inheritsPermissionsOf: [orgUrl] });
    await squat(otherForm);
    const lookalike = `${t.legacy.url}/v1/o/${org}x`; // another org's URL: not touched
    await squat(lookalike);

    const res = await t.request('client', kind, { resource: orgUrl });
    expect([res.status, res.body.msg]).toEqual([200, undefined]);
    const org2 = await stored(orgUrl);
    expect(org2?._metadata).toMatchObject({ creator: t.stack.principals.client, namespace: true });
    expect(org2?.['az-teams']).toBeUndefined();
    expect(await stored(under)).toBeUndefined();
    expect(await stored(otherForm)).toBeUndefined();
    expect(await stored(lookalike)).toBeDefined();
    const seq = res.headers['x-event-sequence'];
    expect(await t.isAllowed('alice', under, 'delete', seq)).toBe(true);
    expect(await t.isAllowed('bob', under, 'read', seq)).toBeNull();

    // Now migrated: a first migration is a 409 again.
    const again = await t.request('client', 'migration-request', { resource: orgUrl });
    expect(again.status).toBe(409);
  },
);
