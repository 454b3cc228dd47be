import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPgStore } from '../pg-store';
import { createPool, type Pool, type PoolOptions } from '../pool';
import type { Store } from '../types';
import { requireTestEnv, TEST_ENV, withDatabase } from './database-urls';

export interface TestDatabase {
  /** URL of this test's own database, already migrated. */
  url: string;
  pool: Pool;
  store: Store;
  /** Ends the pool and drops the database. */
  drop(): Promise<void>;
}

/** SQLSTATE 55006: the template has a session open (a concurrent clone's, for an instant); it clears by itself. */
const TEMPLATE_IN_USE = '55006';
const CLONE_ATTEMPTS = 20;

/**
 * A fresh database cloned from the migrated template made by the jest global setup; call it once per test file
 * (beforeAll) and `drop()` it in afterAll. Clones share nothing, so test files run in parallel.
 */
export async function createTestDatabase(poolOptions: PoolOptions = {}): Promise<TestDatabase> {
  const adminUrl = requireTestEnv(TEST_ENV.adminUrl);
  const template = requireTestEnv(TEST_ENV.template);
  const name = `t_${requireTestEnv(TEST_ENV.runId)}_${randomBytes(6).toString('hex')}`;

  await withAdmin(adminUrl, async (admin) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(
          `CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE ${admin.escapeIdentifier(template)}`,
        );
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== TEMPLATE_IN_USE || attempt >= CLONE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  });

  const url = withDatabase(adminUrl, name);
  const pool = createPool(url, { max: 5, applicationName: 'permissions-test', ...poolOptions });
  const store = createPgStore(pool);
  let dropping: Promise<void> | undefined;
  const drop = async (): Promise<void> => {
    await pool.end();
    await withAdmin(adminUrl, (admin) =>
      admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`),
    );
  };
  return { url, pool, store, drop: () => (dropping ??= drop()) };
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
