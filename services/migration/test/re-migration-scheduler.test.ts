import { startLegacyStack, type LegacyStack } from '@permissions/test-support/harness';

// SPEEDUP=60: the scheduler looks every second at orgs not brought up to date for 5 s.
let t: LegacyStack;
beforeAll(async () => {
  t = await startLegacyStack({ speedup: '60' });
});
afterAll(async () => t?.close());

const users = (...emails: string[]) => ({ users: emails, permissions: [{ path: '/apis', permissions: ['get'] }] });

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('the scheduler re-imports only orgs whose legacy audit shows a change since their last import (B10)', async () => {
  t.legacy.setOrg('changing', { user: users('carol@example.com') });
  t.legacy.setOrg('quiet', { user: users('carol@example.com') });
  for (const org of ['changing', 'quiet']) {
    expect((await t.request('client', 'migration-request', { resource: t.orgUrl(org) })).status).toBe(200);
  }
  t.legacy.addUser('changing', 'user', 'dave@example.com');

  const [team] = await eventually(
    () => t.teamsOf('changing'),
    (teams) => teams.length === 1 && teams[0].members.length === 2,
    'the scheduled re-import of org changing',
  );
  expect(team.members).toEqual([t.stack.principals.carol, t.stack.principals.dave]);
  expect(t.legacy.requests.filter((r) => r.path === '/v1/o/changing/userroles')).toHaveLength(2);

  // the quiet org's audit was asked too, and found nothing: its roles were never read again
  await eventually(
    async () => t.legacy.requests.filter((r) => r.path === '/v1/audits/organizations/quiet/userroles').length,
    (asked) => asked >= 1,
    'the audit of org quiet',
  );
  expect(t.legacy.requests.filter((r) => r.path === '/v1/o/quiet/userroles')).toHaveLength(1);
  const audit = t.legacy.requests.find((r) => r.path === '/v1/audits/organizations/quiet/userroles');
  expect(audit?.query).toMatch(/^expand=true&endTime=\d+$/);
});
