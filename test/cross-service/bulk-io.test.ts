import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@permissions/store/test-support';
import {
  contractEnv,
  documentTree,
  shuffled,
  startProcess,
  type ServiceProcess,
} from '@permissions/test-support/harness';
import { DEFAULT_CLIENT } from '@permissions/dev-stand-ins/idp';
import { startCluster, type Cluster, type User } from './support';

/**
 * `pnpm permissions import FILE` / `export` (CONTRACT §5, packages/cli over packages/bulk-io) against real services:
 * an import killed half-way resumes where it stopped; export → import into an empty database → the same decisions.
 */
const REPO = path.resolve(__dirname, '../..');
const USERS: User[] = ['alice', 'bob', 'carol', 'dave'];
const ACTIONS = ['read', 'update', 'delete', 'create', 'govern', 'admin'];

let cluster: Cluster;
let services: ServiceProcess;
let dir: string;

beforeAll(async () => {
  cluster = await startCluster();
  services = await cluster.start('all-in-one');
  dir = await mkdtemp(path.join(tmpdir(), 'bulk-io-'));
}, 120_000);
afterAll(async () => {
  await cluster?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `pnpm permissions …` as a user runs it (node + tsx, no pnpm in front), with its own stdout and stderr. */
function bulkCommand(args: string[], url: string, token: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'packages/cli/src/main.ts'), ...args], {
    cwd: REPO,
    env: { ...process.env, PERMISSIONS_URL: url, PERMISSIONS_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

async function countUnder(db: TestDatabase, root: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM permissions WHERE subject = $1 OR starts_with(subject, $1 || '/')`,
    [root],
  );
  return Number(rows[0].n);
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('an import killed half-way resumes where it stopped; heirs before their parents wait for them', async () => {
  const alice = cluster.principal('alice');
  const others = (['bob', 'carol', 'dave'] as const).map((user) => cluster.principal(user));
  const root = 'https://resume.example.com/tree';
  // parents first on the whole, shuffled within blocks of 150 lines: chunks of 100 often hold heirs whose parents
  // come in the next chunk (they wait), and the import commits chunk after chunk (it can be interrupted half-way)
  const tree = documentTree({ root, count: 3000, owner: alice, principals: others, seed: 3 });
  const documents = Array.from({ length: 20 }, (_, i) => shuffled(tree.slice(i * 150, (i + 1) * 150), i)).flat();
  const file = path.join(dir, 'resume.ndjson');
  await writeFile(file, documents.map((d) => JSON.stringify(d)).join('\n') + '\n');
  const progressFile = `${file}.import-progress.json`;
  const token = await cluster.token('alice');

  const first = bulkCommand(['import', file, '--chunk', '100'], services.url, token);
  // killed as soon as some chunks are recorded as committed
  await until(() => {
    if (!existsSync(progressFile)) return false;
    try {
      return (JSON.parse(readFileSync(progressFile, 'utf8')) as { committedBytes: number }).committedBytes > 0;
    } catch {
      return false;
    }
  }, 'a committed chunk');
  first.child.kill('SIGKILL');
  await first.exited;
  const stored = await countUnder(cluster.db, root);
  expect(stored).toBeGreaterThan(0);
  expect(stored).toBeLessThan(3000);
  const recorded = JSON.parse(readFileSync(progressFile, 'utf8')) as { committedBytes: number; nextLine: number };
  expect(recorded.nextLine).toBeGreaterThan(1);

  const second = bulkCommand(['import', file, '--chunk', '100'], services.url, token);
  expect(await second.exited).toBe(0);
  const { stdout, stderr } = second.output();
  expect(stdout).toContain(`(resumed at line ${recorded.nextLine})`);
  // not a terminal: a plain progress line per chunk
  expect(stderr).toMatch(/^importing \d+\/\d+ bytes /m);
  expect(await countUnder(cluster.db, root)).toBe(3000);
  expect(existsSync(progressFile)).toBe(false);

  // run again: everything is there, nothing changes
  const again = bulkCommand(['import', file, '--chunk', '1000'], services.url, token);
  expect(await again.exited).toBe(0);
  expect(again.output().stdout).toContain('0 created, 0 updated, 3000 unchanged');
}, 300_000);

test('a document whose parent never comes is refused by line; nothing of its chunk is stored', async () => {
  const file = path.join(dir, 'orphan.ndjson');
  const root = 'https://orphan.example.com';
  const alice = cluster.principal('alice');
  await writeFile(
    file,
    [
      { _subject: `${root}/fine`, _self: { govern: [alice] } },
      { _subject: `${root}/orphan`, _inheritsPermissionsOf: [`${root}/never`] },
    ]
      .map((d) => JSON.stringify(d))
      .join('\n'),
  );
  const run = bulkCommand(['import', file], services.url, await cluster.token('alice'));
  expect(await run.exited).toBe(2);
  expect(run.output().stderr).toContain(`line 2 ${root}/orphan: its parents never came`);
  // the first chunk (with /fine) was committed before the orphan was found to wait for good
  expect(await countUnder(cluster.db, `${root}/fine`)).toBe(1);
  expect(await countUnder(cluster.db, `${root}/orphan`)).toBe(0);
});

test('export, then import into an empty database: every document decides as before', async () => {
  const alice = cluster.principal('alice');
  const others = (['bob', 'carol', 'dave'] as const).map((user) => cluster.principal(user));
  const root = 'https://export.example.com/tree';
  const tree = documentTree({ root, count: 400, owner: alice, principals: others, seed: 11 });
  const token = await cluster.token('alice');
  const imported = await fetch(`${services.url}/az-permissions-bulk`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ documents: tree }),
  });
  expect(imported.status).toBe(200);

  const file = path.join(dir, 'export.ndjson');
  const exporting = bulkCommand(['export', root], services.url, token);
  expect(await exporting.exited).toBe(0);
  await writeFile(file, exporting.output().stdout);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const subjects = lines.map((line) => (JSON.parse(line) as { _subject: string })._subject);
  expect(subjects.sort()).toEqual(tree.map((d) => d._subject).sort());

  // an empty database, the same identity provider, services of its own
  const empty = await createTestDatabase();
  const fresh = await startProcess(
    'all-in-one',
    contractEnv({
      databaseUrl: empty.url,
      issuers: [cluster.idp.issuer],
      governors: [alice],
      eventsSecret: cluster.eventsSecret,
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.secret,
    }),
  );
  try {
    const importing = bulkCommand(['import', file], fresh.url, token);
    expect(await importing.exited).toBe(0);
    expect(await countUnder(empty, root)).toBe(tree.length);
    const sequence = async (url: string) => {
      const { rows } = await (url === fresh.url ? empty : cluster.db).pool.query<{ seq: string }>(
        'SELECT coalesce(max(seq), 0) AS seq FROM events',
      );
      return rows[0].seq;
    };
    for (const user of USERS) {
      const userToken = await cluster.token(user);
      for (const action of ACTIONS) {
        const answers = await Promise.all(
          [services.url, fresh.url].map(async (url) => {
            const res = await fetch(`${url}/az-is-allowed`, {
              method: 'POST',
              headers: { authorization: `Bearer ${userToken}`, 'content-type': 'application/json' },
              body: JSON.stringify({
                resource: subjects,
                user: cluster.principal(user),
                action,
                withIndividualAnswers: true,
                atLeast: await sequence(url),
              }),
            });
            expect(res.status).toBe(200);
            return ((await res.json()) as { answers: Record<string, unknown> }).answers;
          }),
        );
        expect([user, action, answers[1]]).toEqual([user, action, answers[0]]);
      }
    }
  } finally {
    await fresh.stop();
    await empty.drop();
  }
});
