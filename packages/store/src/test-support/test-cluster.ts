import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../embedded-postgres';
import { migrate } from '../migrate';
import { TEST_ENV, withDatabase } from './database-urls';

/**
 * The jest global setup's half of test isolation: one Postgres per test run and a migrated template database, from
 * which each test file clones its own database in milliseconds (see createTestDatabase).
 */
interface RunningCluster {
  server?: EmbeddedPostgresServer;
  tempDir?: string;
  adminUrl: string;
  template: string;
  /** Only databases created by this run are dropped on a shared server (`DATABASE_URL`). */
  external: boolean;
}

// The global setup and teardown run in the same process but may load this module twice (tsx namespaces), so the
// running cluster is kept on globalThis.
const STATE_KEY = Symbol.for('permissions.store.testCluster');
type GlobalWithCluster = typeof globalThis & { [STATE_KEY]?: RunningCluster };

export async function startTestCluster(options: { rootDir: string; databaseUrl?: string }): Promise<void> {
  const runId = randomBytes(4).toString('hex');
  const cluster = options.databaseUrl
    ? { adminUrl: options.databaseUrl, template: `permissions_template_${runId}`, external: true }
    : await startEmbedded(options.rootDir, runId);
  (globalThis as GlobalWithCluster)[STATE_KEY] = cluster;

  await recreateDatabase(cluster.adminUrl, cluster.template);
  await migrate(withDatabase(cluster.adminUrl, cluster.template));

  process.env[TEST_ENV.adminUrl] = cluster.adminUrl;
  process.env[TEST_ENV.template] = cluster.template;
  process.env[TEST_ENV.runId] = runId;
}

export async function stopTestCluster(): Promise<void> {
  const state = globalThis as GlobalWithCluster;
  const cluster = state[STATE_KEY];
  delete state[STATE_KEY];
  if (!cluster) return;
  if (cluster.external) {
    await dropDatabasesOfRun(cluster.adminUrl, cluster.template, process.env[TEST_ENV.runId] ?? '');
  }
  await cluster.server?.stop();
  if (cluster.tempDir) await fs.rm(cluster.tempDir, { recursive: true, force: true });
}

async function startEmbedded(rootDir: string, runId: string): Promise<RunningCluster> {
  const dataRoot = path.join(rootDir, '.data');
  await removeAbandonedClusters(dataRoot);
  const tempDir = path.join(dataRoot, `test-${runId}`);
  await fs.mkdir(tempDir, { recursive: true });
  // the cluster runs as the `postgres` system user, which must be able to reach its data directory
  await fs.chmod(tempDir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: path.join(tempDir, 'postgres'), durable: false });
  return { server, tempDir, adminUrl: server.adminUrl, template: 'permissions_template', external: false };
}

/** A run's cluster folder younger than this may still be starting (no postmaster.pid yet): never touch it. */
const SETTING_UP_GRACE_MS = 10 * 60_000;

/**
 * Test clusters of runs that were killed before their teardown: their postgres is gone, their files are not. A
 * folder another run is still initialising has no postmaster.pid yet, so recent folders are left alone.
 */
async function removeAbandonedClusters(dataRoot: string): Promise<void> {
  const entries = await fs.readdir(dataRoot).catch(() => [] as string[]);
  for (const entry of entries.filter((name) => name.startsWith('test-'))) {
    const dir = path.join(dataRoot, entry);
    const stat = await fs.stat(dir).catch(() => undefined);
    if (!stat || Date.now() - stat.mtimeMs < SETTING_UP_GRACE_MS) continue;
    const pidFile = await fs.readFile(path.join(dir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => '');
    const pid = Number(pidFile.split('\n')[0]);
    if (pid > 0 && isAlive(pid)) continue;
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function recreateDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

async function dropDatabasesOfRun(adminUrl: string, template: string, runId: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $2)`,
      [template, `t_${runId}_`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
