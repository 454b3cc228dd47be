import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CLIENT, startDevIdp } from '@permissions/dev-stand-ins/idp';
import { documentTree, shuffled } from '../src/harness/document-tree';
import { freePort } from '../src/harness/processes';
import { REPO, startTs, waitForHttp, type Child } from './processes';
import { round } from './stats';

/**
 * `POST /az-permissions-bulk` with 10 000 documents of a shuffled tree (heirs before their parents) in one request,
 * then every one of them asked to a runtime (in batches of 1 000, with `atLeast` = the answer's sequence) until the
 * runtime answers each as the import decided. Goal: the whole in ≤ 5 s on the benchmark machine.
 */
export interface BulkImportResult {
  documents: number;
  /** From sending the request to its 200. */
  requestMs: number;
  /** From the 200 until the runtime answered every document's question as written. */
  runtimeSeesAllMs: number;
  totalMs: number;
  goalMs: number;
}

const QUESTIONS_PER_REQUEST = 1000;

export async function measureBulkImport(options: {
  maintenanceUrl: string;
  runtimeUrl: string;
  token: string;
  owner: string;
  others: readonly string[];
  count?: number;
}): Promise<BulkImportResult> {
  const count = options.count ?? 10_000;
  const root = `https://bench.example.com/bulk-${randomBytes(4).toString('hex')}`;
  const tree = documentTree({ root, count, owner: options.owner, principals: options.others, seed: 15 });
  const body = JSON.stringify({ documents: shuffled(tree, 15) });
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };

  const started = performance.now();
  const res = await fetch(`${options.maintenanceUrl}/az-permissions-bulk`, { method: 'POST', headers, body });
  const answer = (await res.json()) as { created: number; sequence: number };
  const imported = performance.now();
  if (res.status !== 200 || answer.created !== count) {
    throw new Error(`bulk import answered ${res.status}: ${JSON.stringify(answer).slice(0, 2000)}`);
  }
  // The owner governs every document of the tree (through the root; vetoes below grant it again).
  const subjects = tree.map((document) => document._subject);
  await Promise.all(
    chunks(subjects, QUESTIONS_PER_REQUEST).map(async (resources) => {
      const question = await fetch(`${options.runtimeUrl}/az-is-allowed`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          resource: resources,
          user: options.owner,
          action: 'govern',
          withIndividualAnswers: true,
          atLeast: String(answer.sequence),
        }),
      });
      const answers = (await question.json()) as { answers?: Record<string, unknown> };
      const wrong = resources.filter((resource) => answers.answers?.[resource] !== true);
      if (question.status !== 200 || wrong.length > 0) {
        throw new Error(`the runtime answered ${question.status}, wrongly for ${wrong.length} documents`);
      }
    }),
  );
  const seen = performance.now();
  return {
    documents: count,
    requestMs: round(imported - started, 0),
    runtimeSeesAllMs: round(seen - imported, 0),
    totalMs: round(seen - started, 0),
    goalMs: 5000,
  };
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * `tsx test/bench/bulk-import.ts`: this phase alone, on free ports, against a maintenance and a runtime process of
 * their own (the full `pnpm bench` runs it too).
 */
async function main(): Promise<void> {
  mkdirSync(path.join(REPO, '.data'), { recursive: true });
  const dataDir = mkdtempSync(path.join(REPO, '.data', 'bench-bulk-'));
  chmodSync(dataDir, 0o755);
  const { startEmbeddedPostgres, migrate } = await import('@permissions/store/embedded');
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), durable: false });
  const idp = await startDevIdp({ port: 0 });
  const children: Child[] = [];
  try {
    await migrate(pg.url);
    const alice = idp.principalOf('alice');
    const [maintenancePort, runtimePort] = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: pg.url,
      AUTH_ISSUERS: idp.issuer,
      PERMISSIONS_CLIENT_ID: DEFAULT_CLIENT.clientId,
      PERMISSIONS_CLIENT_SECRET: DEFAULT_CLIENT.secret,
      BOOTSTRAP_GOVERNORS: alice,
      EVENTS_SECRET: randomBytes(24).toString('hex'),
    };
    children.push(
      startTs(
        'packages/launcher/src/start-service.ts',
        ['maintenance'],
        { ...env, MAINTENANCE_PORT: String(maintenancePort) },
        process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [],
      ),
      startTs('packages/launcher/src/start-service.ts', ['runtime'], { ...env, RUNTIME_PORT: String(runtimePort) }),
    );
    await Promise.all([maintenancePort, runtimePort].map((p) => waitForHttp(`http://127.0.0.1:${p}/health`)));
    const result = await measureBulkImport({
      maintenanceUrl: `http://127.0.0.1:${maintenancePort}`,
      runtimeUrl: `http://127.0.0.1:${runtimePort}`,
      token: await idp.tokenFor('alice'),
      owner: alice,
      others: ['bob', 'carol', 'dave'].map((name) => idp.principalOf(name)),
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await idp.close();
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
