import path from 'node:path';
import pg from 'pg';
import { importEsm } from './esm-import';

type NodePgMigrate = typeof import('node-pg-migrate');

/** packages/store/migrations: SQL files with `-- Up Migration` / `-- Down Migration` sections. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');

/** Any fixed number; it only has to be the same for every process that migrates this schema. */
const MIGRATION_LOCK_KEY = 7_465_291_803;

export interface MigrateOptions {
  log?: (line: string) => void;
}

/**
 * Brings the schema at `databaseUrl` up to date; returns the names of the migrations it applied.
 *
 * node-pg-migrate's own lock is a try-lock: a second process starting at the same moment would fail with "Another
 * migration is already running". We hold a blocking advisory lock on the same connection instead, so the second
 * process waits, then finds nothing left to run.
 */
export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<string[]> {
  const { runner } = await importEsm<NodePgMigrate>('node-pg-migrate');
  const log = options.log ?? (() => undefined);
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'permissions-migrate' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      singleTransaction: true,
      checkOrder: true,
      noLock: true,
      logger: { debug: log, info: log, warn: log, error: log },
    });
    return applied.map((migration) => migration.name);
  } finally {
    // Ending the session also releases the advisory lock, even when the unlock below cannot run.
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
