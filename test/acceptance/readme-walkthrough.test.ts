import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, isAlive, startProcess, type ServiceProcess } from '../src/harness';

/**
 * The README's walkthrough, run as a newcomer runs it: its shell blocks, in order, in one bash session, against a
 * real `pnpm start` (embedded Postgres, development identity provider, stand-in legacy system) with a data directory
 * and ports of its own. Each shell block followed by a `json` or `text` block must print that answer (`…` stands for
 * anything; objects may have more members than shown). Then Ctrl-C, which must stop everything quietly.
 */
const REPO = path.resolve(__dirname, '../..');
const README_PORTS = { services: 3200, idp: 3299, legacy: 3298 };

interface Step {
  command: string;
  expected?: { lang: 'json' | 'text'; body: string };
}

function walkthroughSteps(readme: string): Step[] {
  const start = readme.indexOf('<!-- walkthrough:start -->');
  const end = readme.indexOf('<!-- walkthrough:end -->');
  if (start < 0 || end < start) throw new Error('README.md has no walkthrough markers');
  const blocks = [...readme.slice(start, end).matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1],
    body: m[2],
  }));
  const steps: Step[] = [];
  for (const block of blocks) {
    if (block.lang === 'sh') steps.push({ command: block.body });
    else if ((block.lang === 'json' || block.lang === 'text') && steps.length > 0 && !steps.at(-1)?.expected) {
      steps[steps.length - 1].expected = { lang: block.lang, body: block.body };
    } else throw new Error(`a \`\`\`${block.lang} block the walkthrough test does not know how to use`);
  }
  return steps;
}

/** `…` matches anything; the rest literally. */
function wildcard(text: string): RegExp {
  const escaped = text.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[\\s\\S]*')}$`);
}

function matches(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'string') return typeof actual === 'string' ? wildcard(expected).test(actual) : false;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matches(e, actual[i]))
    );
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(expected).every(([key, value]) => key in record && matches(value, record[key]));
  }
  return expected === actual;
}

function answerMatches(expected: NonNullable<Step['expected']>, output: string): boolean {
  if (expected.lang === 'text') {
    const want = expected.body.trimEnd().split('\n');
    const got = output.trimEnd().split('\n');
    return want.length === got.length && want.every((line, i) => wildcard(line).test(got[i]));
  }
  try {
    return matches(JSON.parse(expected.body), JSON.parse(output));
  } catch {
    return false;
  }
}

function runScript(
  file: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [file], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let dataDir: string;
let server: ServiceProcess | undefined;
let ports: typeof README_PORTS;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'permissions-walkthrough-'));
  await chmod(dataDir, 0o755); // under root, the embedded Postgres runs as the postgres user, who must enter it
  ports = { services: 0, idp: await freePort(), legacy: await freePort() };
  server = await startProcess(
    'all-in-one',
    {
      // Exactly what a newcomer runs: nothing given, so everything is started (blank = unset for the launcher).
      DATABASE_URL: '',
      AUTH_ISSUERS: '',
      LEGACY_RBAC_URL: '',
      BOOTSTRAP_GOVERNORS: '',
      DATA_DIR: dataDir,
      DEV_IDP_PORT: String(ports.idp),
      LEGACY_RBAC_PORT: String(ports.legacy),
      LOG_LEVEL: 'info',
    },
    { via: 'pnpm', verbose: true },
  );
  ports.services = server.port;
}, 120_000);
afterAll(async () => {
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test("the README's walkthrough gives the answers it shows", async () => {
  const steps = walkthroughSteps(readFileSync(path.join(REPO, 'README.md'), 'utf8'));
  expect(steps.length).toBeGreaterThanOrEqual(15);
  const local = (text: string) =>
    text
      .replaceAll(`127.0.0.1:${README_PORTS.services}`, `127.0.0.1:${ports.services}`)
      .replaceAll(`127.0.0.1:${README_PORTS.idp}`, `127.0.0.1:${ports.idp}`)
      .replaceAll(`127.0.0.1:${README_PORTS.legacy}`, `127.0.0.1:${ports.legacy}`);
  const marker = (i: number) => `@@@ step ${i} @@@`;
  const script = [
    'set -euo pipefail',
    ...steps.flatMap((step, i) => [`printf '\\n%s\\n' '${marker(i)}'`, local(step.command)]),
    `printf '\\n%s\\n' '${marker(steps.length)}'`,
  ].join('\n');
  const file = path.join(dataDir, 'walkthrough.sh');
  await writeFile(file, script);

  const run = await runScript(file, { DATA_DIR: dataDir });
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  const outputs = steps.map((_, i) => {
    const from = run.stdout.indexOf(`${marker(i)}\n`) + marker(i).length + 1;
    return run.stdout.slice(from, run.stdout.indexOf(`\n${marker(i + 1)}`, from)).trim();
  });
  const wrong = steps.flatMap((step, i) =>
    step.expected && !answerMatches({ ...step.expected, body: local(step.expected.body) }, outputs[i])
      ? [{ step: step.command.split('\n')[0].slice(0, 120), shown: step.expected.body.trim(), got: outputs[i] }]
      : [],
  );
  expect(wrong).toEqual([]);
}, 180_000);

test('then Ctrl-C stops everything it started, Postgres included, quietly and with exit code 0', async () => {
  const proc = server as ServiceProcess;
  const below = proc.descendants();
  expect(below.length).toBeGreaterThanOrEqual(3); // the launcher, the Postgres keeper and Postgres (and its workers)
  const ended = await proc.signal('SIGINT', 30_000);
  const noise = proc
    .output()
    .split('\n')
    .filter((line) => /ELIFECYCLE|\bat .+:\d+:\d+\)?$|terminating connection|"level":50/.test(line));
  expect({ ended, noise }).toEqual({ ended: { code: 0, signal: null }, noise: [] });
  const deadline = Date.now() + 20_000;
  while (below.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(below.filter(isAlive)).toEqual([]);
}, 60_000);
