import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@permissions/store/test-support';
import { freePort, isAlive, startProcess, type ServiceProcess } from '@permissions/test-support/harness';
import { portIsClosed } from './launcher-runs';

/**
 * `pnpm start` stops cleanly however it is asked to: a Ctrl-C (SIGINT to the terminal's process group), SIGTERM to
 * pnpm alone (a process manager), or pnpm killed outright. It stops everything it started, exits 0 on a requested
 * stop (so pnpm prints no ELIFECYCLE), and prints no stack.
 */
let db: TestDatabase;
const started: ServiceProcess[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((proc) => proc.stop())); // also removes its temporary data directory
});
afterAll(async () => db?.drop());

async function startViaPnpm(): Promise<{ proc: ServiceProcess; idpPort: number; below: number[] }> {
  const idpPort = await freePort();
  const proc = await startProcess(
    'all-in-one',
    {
      DATABASE_URL: db.url,
      EVENTS_SECRET: randomBytes(24).toString('hex'),
      DEV_IDP_PORT: String(idpPort),
      LOG_LEVEL: 'info',
    },
    { via: 'pnpm', verbose: true },
  );
  started.push(proc);
  return { proc, idpPort, below: proc.descendants() };
}

async function survivors(pids: number[], ms = 15_000): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(isAlive);
}

/** Lines that would tell a person something went wrong when nothing did. */
function noise(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /ELIFECYCLE|\bat .+:\d+:\d+\)?$|terminating connection|"level":50/.test(line));
}

test('Ctrl-C (SIGINT to the group): exit 0, everything stopped, no ELIFECYCLE and no stack', async () => {
  const { proc, idpPort, below } = await startViaPnpm();
  expect(below.length).toBeGreaterThanOrEqual(1);
  const ended = await proc.signal('SIGINT', 20_000);
  expect({ ended, noise: noise(proc.output()) }).toEqual({ ended: { code: 0, signal: null }, noise: [] });
  expect(proc.output()).toContain('"msg":"shutting down"');
  expect(await survivors(below)).toEqual([]);
  expect([await portIsClosed(proc.port), await portIsClosed(idpPort)]).toEqual([true, true]);
}, 60_000);

test('SIGTERM to pnpm alone: pnpm relays it, the launcher stops everything, exit 0', async () => {
  const { proc, idpPort, below } = await startViaPnpm();
  const ended = await proc.signal('SIGTERM', 20_000, 'leader');
  expect({ ended, noise: noise(proc.output()) }).toEqual({ ended: { code: 0, signal: null }, noise: [] });
  expect(await survivors(below)).toEqual([]);
  expect([await portIsClosed(proc.port), await portIsClosed(idpPort)]).toEqual([true, true]);
}, 60_000);

test('pnpm killed outright (SIGKILL relays nothing): the launcher notices and stops by itself', async () => {
  const { proc, idpPort, below } = await startViaPnpm();
  expect(await proc.signal('SIGKILL', 10_000, 'leader')).toEqual({ code: null, signal: 'SIGKILL' });
  expect(await survivors(below)).toEqual([]);
  expect(proc.output()).toMatch(/"reason":"the process that started this one \(\d+\) is gone","msg":"shutting down"/);
  expect([await portIsClosed(proc.port), await portIsClosed(idpPort)]).toEqual([true, true]);
}, 60_000);
