/**
 * Runs the embedded Postgres of `pnpm start` in a process of its own, started by the launcher in a new session
 * (postgres-process.ts). A terminal's Ctrl-C reaches the launcher but not this session, so Postgres stops only when
 * the launcher has closed its connections, never under them. It also stops when the launcher is gone, however it
 * went: its end of our stdin closes.
 *
 * Protocol: argv[2] is the data directory; one JSON line on stdout, `{"url"}` when ready or `{"error"}` when it
 * could not start; closing stdin stops Postgres and ends the process.
 */
import path from 'node:path';
import type { EmbeddedPostgresServer } from '@permissions/store/embedded';

const dataDir = path.resolve(process.argv[2] ?? '');
let starting: Promise<EmbeddedPostgresServer> | undefined;
let stopping = false;

function reply(message: Record<string, string>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // A Postgres still starting is waited for, then stopped: exiting now would leave it running on its own.
  const server = await starting?.catch(() => undefined);
  await server?.stop().catch(() => undefined);
  process.exit(0);
}

async function main(): Promise<void> {
  process.stdin.on('end', () => void stop());
  process.stdin.on('error', () => void stop());
  process.stdin.resume();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop());
  try {
    const { startEmbeddedPostgres } = await import('@permissions/store/embedded');
    starting = startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres') });
    const server = await starting;
    if (!stopping) reply({ url: server.url }); // else the launcher went away meanwhile, and stop() takes it down
  } catch (err) {
    reply({ error: (err as Error).stack ?? String(err) });
    process.exit(1);
  }
}

void main();
