import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');
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
  what: 'all-in-one' | 'maintenance' | 'teams' | 'runtime' | 'migration',
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const port = await freePort();
  const portVariable = what === 'all-in-one' ? 'PORT' : `${what.toUpperCase()}_PORT`;
  const args = what === 'all-in-one' ? [ENTRIES['all-in-one']] : [ENTRIES.service, what];
  let output = '';
  const child = spawn(
    TSX,
    args.map((a, i) => (i === 0 ? path.join(REPO, a) : a)),
    {
      cwd: REPO,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env, [portVariable]: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${output}`);
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
  return { url, port, process: child, output: () => output, stop };
}
