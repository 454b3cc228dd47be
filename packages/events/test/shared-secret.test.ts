import { createTestDatabase, type TestDatabase } from '@permissions/store/test-support';
import { sharedEventsSecret } from '../src';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

test('processes on one database agree on one random events secret, created once', async () => {
  const secrets = await Promise.all(Array.from({ length: 8 }, () => sharedEventsSecret(db.pool)));
  expect(new Set(secrets).size).toBe(1);
  expect(secrets[0]).toMatch(/^[0-9a-f]{64}$/);
  expect(await sharedEventsSecret(db.pool)).toBe(secrets[0]);
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM service_secrets');
  expect(rows[0].n).toBe(1);
});
