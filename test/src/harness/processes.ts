import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const ENTRIES = {
  'all-in-one': 'packages/launcher/src/start-all-in-one.ts',
  service: 'packages/launcher/src/start-service.ts',
};

export interface ServiceProcess {
  url: string;
  port: number;
  process: ChildProcess;
  /** What the process printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
  /**
   * Sends `signal` (to the process group when started via pnpm, as a terminal does, unless `to` is 'leader': then to
   * pnpm alone) and resolves with how the process ended, or null if it still runs after `timeoutMs` (it is then left
   * running: call stop()).
   */
  signal(
    signal: NodeJS.Signals,
    timeoutMs: number,
    to?: 'group' | 'leader',
  ): Promise<{ code: number | null; signal: string | null } | null>;
  /** The ids of every live process started below this one (pnpm runs the service in a child of its own). */
  descendants(): number[];
}

export type ProcessKind = 'all-in-one' | 'maintenance' | 'teams' | 'runtime' | 'migration';

/** The environment CONTRACT §2 documents, as the acceptance suite gives it to `pnpm start` / `pnpm start:service`. */
export function contractEnv(options: {
  databaseUrl: string;
  issuers: string[];
  governors: string[];
  eventsSecret: string;
  clientId: string;
  clientSecret: string;
  speedup?: number;
}): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    AUTH_ISSUERS: options.issuers.join(','),
    BOOTSTRAP_GOVERNORS: options.governors.join(','),
    PERMISSIONS_CLIENT_ID: options.clientId,
    PERMISSIONS_CLIENT_SECRET: options.clientSecret,
    EVENTS_SECRET: options.eventsSecret,
    SPEEDUP: String(options.speedup ?? 10),
  };
}

/**
 * Unless the test gives a DATA_DIR (and then chooses the ports that go with it), what `pnpm start` keeps goes to a
 * temporary data directory of its own, and its development stand-ins get free ports: other runs on this machine use
 * the default ones at the same time.
 */
async function ownDevelopmentSetup(env: Record<string, string>) {
  const own: Record<string, string> = {};
  if (env.DATA_DIR !== undefined) return { env: own, remove: async () => undefined };
  const dataDir = await mkdtemp(path.join(tmpdir(), 'permissions-data-'));
  await chmod(dataDir, 0o755); // mkdtemp's 700 would keep out the postgres user the embedded Postgres runs as under root
  own.DATA_DIR = dataDir;
  if (env.AUTH_ISSUERS === undefined && env.DEV_IDP_PORT === undefined) own.DEV_IDP_PORT = String(await freePort());
  if (env.LEGACY_RBAC_URL === undefined && env.LEGACY_RBAC_PORT === undefined) {
    own.LEGACY_RBAC_PORT = String(await freePort());
  }
  return {
    env: own,
    remove: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/** Every live process whose ancestry leads to `root` (not `root` itself), from `ps`. */
export function descendantsOf(root: number): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [pid, ppid] of table) {
      if (ppid === parent && !found.includes(pid)) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

/** Whether a process with this id exists (signal 0 probes without delivering anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the project as a user (or the acceptance suite) does: `pnpm start` (all-in-one) or `pnpm start:service
 * NAME`, as a separate process with the given environment, and waits until its /health answers.
 */
export async function startProcess(
  what: ProcessKind,
  env: Record<string, string>,
  options: { via?: 'node' | 'pnpm'; /** pnpm's own lines too (default: --silent) */ verbose?: boolean } = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const portVariable = what === 'all-in-one' ? 'PORT' : `${what.toUpperCase()}_PORT`;
  const own = what === 'all-in-one' ? await ownDevelopmentSetup(env) : { env: {}, remove: async () => undefined };
  const args = what === 'all-in-one' ? [ENTRIES['all-in-one']] : [ENTRIES.service, what];
  // `via: 'pnpm'` runs the very command a user types (`pnpm start`, `pnpm start:service NAME`), pnpm in front.
  const [command, commandArgs] =
    options.via === 'pnpm'
      ? [
          'pnpm',
          [...(options.verbose ? [] : ['--silent']), ...(what === 'all-in-one' ? ['start'] : ['start:service', what])],
        ]
      : [process.execPath, ['--import', 'tsx', ...args.map((a, i) => (i === 0 ? path.join(REPO, a) : a))]];
  // pnpm neither relays SIGTERM nor SIGINT to the script it runs (it dies, or waits, and the service runs on): it
  // gets a process group of its own, signalled as a whole, as a terminal's Ctrl-C or `kill -- -PGID` does.
  const group = options.via === 'pnpm';
  let output = '';
  const child = spawn(command, commandArgs, {
    cwd: REPO,
    env: { ...process.env, LOG_LEVEL: 'warn', ...own.env, ...env, [portVariable]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: group,
  });
  const kill = (sig: NodeJS.Signals, pid = group ? -(child.pid ?? 0) : child.pid) => {
    try {
      if (pid) process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      // SIGKILL cannot be relayed: children (pnpm's) are killed by id, or they would outlive the test run.
      const below = child.pid === undefined ? [] : descendantsOf(child.pid);
      const timer = setTimeout(() => {
        for (const pid of below) kill('SIGKILL', pid);
        kill('SIGKILL');
      }, 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      kill('SIGTERM');
    }).then(own.remove);
  const signal = (sig: NodeJS.Signals, timeoutMs: number, to: 'group' | 'leader' = 'group') =>
    new Promise<{ code: number | null; signal: string | null } | null>((resolve) => {
      const ended = () => ({ code: child.exitCode, signal: child.signalCode });
      if (child.exitCode !== null || child.signalCode !== null) return resolve(ended());
      const timer = setTimeout(() => resolve(null), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(ended());
      });
      kill(sig, to === 'leader' ? child.pid : undefined);
    });
  const descendants = () => (child.pid === undefined ? [] : descendantsOf(child.pid));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await own.remove();
      throw new Error(`${what} exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${what} did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, process: child, output: () => output, stop, signal, descendants };
}
