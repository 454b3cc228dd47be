import { spawn } from 'node:child_process';
import { connect, createServer, type Server } from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from '../src/data-dir';

export interface Finished {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a root script as a user types it (`pnpm -s start`, `pnpm -s token bob`) or the launcher under node, and waits
 * for it to end by itself (a refused start, the token command); killed after `timeoutMs`.
 */
export function runToEnd(command: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `node --import tsx` on the all-in-one launcher: what `pnpm start` execs. */
export const ALL_IN_ONE = [
  process.execPath,
  '--import',
  'tsx',
  path.join(REPO_ROOT, 'packages/launcher/src/start-all-in-one.ts'),
];

export const pnpmToken = (name?: string) => ['pnpm', '-s', 'token', ...(name === undefined ? [] : [name])];

/** A plain TCP listener holding `port` (someone else's program on it). */
export function holdPort(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export function release(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
