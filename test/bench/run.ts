import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createPgStore, createPool } from '@permissions/store';
import { DEFAULT_CLIENT, startDevIdp } from '@permissions/dev-stand-ins/idp';
import { measureBulkImport } from './bulk-import';
import { measurePathological, writePathologicalFixtures } from './pathological';
import { freePort } from '../src/harness/processes';
import { REPO, startTs, waitForHttp, type Child } from './processes';
import { round, summarise } from './stats';

/**
 * `pnpm bench`: the runtime's hot path against raw node:http and bare express answering `true`, measured side by
 * side in one run, plus batch decisions, cold misses, write → decision propagation and memory per cached document.
 * Loopback only; every phase is bounded in time. Prints a table and writes test/bench/results.json.
 */
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Each round gives every server its DURATION_S in this many alternating slices, so that a round compares them under
 * the same load of a shared machine (a load that changes within seconds). */
const SLICES = Number(process.env.BENCH_SLICES ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PROPAGATION_SAMPLES = Number(process.env.BENCH_PROPAGATION_SAMPLES ?? 40);
const BLOCKED_SAMPLES = Number(process.env.BENCH_BLOCKED_SAMPLES ?? 10);
const POLL_INTERVAL_MS = 1000;
const ORG = 'https://bench.example.com/v1/o/acme';

interface Throughput {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** The server process's CPU time (user + system) per request, in µs, when its pid is known (Linux). */
  cpuUsPerRequest?: number;
  requests?: number;
  cpuMs?: number;
}

/** CPU time (user + system) a process has used, in ms, or undefined where /proc is not there. */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

async function once(
  url: string,
  options: Partial<autocannon.Options>,
  duration: number,
  pid?: number,
): Promise<Throughput> {
  const cpuBefore = cpuMsOf(pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration, ...options });
  const cpuAfter = cpuMsOf(pid);
  const cpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  return {
    // Requests over the time they took (autocannon's average is of whole seconds, and slices may be shorter).
    reqPerSec: round(result.requests.total / result.duration, 0),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    requests: result.requests.total,
    cpuMs,
  };
}

/** `pid` is the server's, so that its CPU time per request is measured too: that, unlike throughput, does not
 * depend on what else the shared machine runs. */
type Target = { name: string; url: string; options?: Partial<autocannon.Options>; pid?: number };
type Measured = Throughput & { rounds: number[]; cpuUsPerRequestRounds: number[] };

/**
 * Measures several servers in rounds; within a round they alternate in short slices (A B C A B C …) and each one's
 * round figure is its requests over its time in that round. The goals must hold in every round, not only in the
 * median round (which is what the table shows, with every round beside it).
 */
async function interleaved(targets: Target[]): Promise<Record<string, Measured>> {
  for (const t of targets) await once(t.url, t.options ?? {}, 1, t.pid); // warm-up
  const rounds: Record<string, Throughput[]> = {};
  const sliceS = DURATION_S / SLICES;
  for (let r = 0; r < ROUNDS; r++) {
    const slices: Record<string, Throughput[]> = {};
    for (let s = 0; s < SLICES; s++) {
      for (const t of targets) (slices[t.name] ??= []).push(await once(t.url, t.options ?? {}, sliceS, t.pid));
    }
    for (const t of targets) {
      const list = slices[t.name];
      const mean = (pick: (x: Throughput) => number) => list.reduce((sum, x) => sum + pick(x), 0) / list.length;
      (rounds[t.name] ??= []).push({
        reqPerSec: round(
          mean((x) => x.reqPerSec),
          0,
        ),
        p50Ms: Math.max(...list.map((x) => x.p50Ms)),
        p99Ms: Math.max(...list.map((x) => x.p99Ms)),
        non2xx: list.reduce((sum, x) => sum + x.non2xx, 0),
        errors: list.reduce((sum, x) => sum + x.errors, 0),
        ...cpuPerRequest(list),
      });
    }
  }
  const out: Record<string, Measured> = {};
  for (const [name, list] of Object.entries(rounds)) {
    const sorted = [...list].sort((a, b) => a.reqPerSec - b.reqPerSec);
    out[name] = {
      ...sorted[Math.floor(sorted.length / 2)],
      rounds: list.map((x) => x.reqPerSec),
      cpuUsPerRequestRounds: list.flatMap((x) => (x.cpuUsPerRequest === undefined ? [] : [x.cpuUsPerRequest])),
    };
  }
  return out;
}

function cpuPerRequest(list: Throughput[]): { cpuUsPerRequest?: number } {
  if (list.some((x) => x.cpuMs === undefined)) return {};
  const cpuMs = list.reduce((sum, x) => sum + (x.cpuMs ?? 0), 0);
  const requests = list.reduce((sum, x) => sum + (x.requests ?? 0), 0);
  return { cpuUsPerRequest: round((cpuMs * 1000) / requests, 1) };
}

/** The ratio of two servers in each round. */
function perRound(a: Measured, b: Measured): number[] {
  return a.rounds.map((value, i) => round(value / b.rounds[i]));
}

async function main(): Promise<void> {
  const children: Child[] = [];
  mkdirSync(path.join(REPO, '.data'), { recursive: true });
  const dataDir = mkdtempSync(path.join(REPO, '.data', 'bench-'));
  chmodSync(dataDir, 0o755); // the cluster runs as the `postgres` system user, which must reach its data directory
  const { startEmbeddedPostgres, migrate } = await import('@permissions/store/embedded');
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), durable: false });
  const idp = await startDevIdp({ port: 0 });
  const pool = createPool(pg.url, { max: 4 });
  const results: Record<string, unknown> = {};
  try {
    await migrate(pg.url);
    const store = createPgStore(pool);
    const alice = idp.principalOf('alice');
    const token = await idp.tokenFor('alice');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const env = {
      DATABASE_URL: pg.url,
      AUTH_ISSUERS: idp.issuer,
      PERMISSIONS_CLIENT_ID: DEFAULT_CLIENT.clientId,
      PERMISSIONS_CLIENT_SECRET: DEFAULT_CLIENT.secret,
      BOOTSTRAP_GOVERNORS: alice,
      EVENTS_SECRET: randomBytes(24).toString('hex'),
      EVENT_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
    };

    // Fixtures, written through the store: an org, 100 apps under it, and 200 chains of 10 ancestors + a leaf.
    await store.write(async (tx) => {
      await tx.createDocument({ _subject: ORG, _self: { read: [alice], govern: [alice], admin: [alice] } });
      for (let i = 0; i < 100; i++) {
        await tx.createDocument({
          _subject: `${ORG}/apps/app${i}`,
          _inheritsPermissionsOf: [ORG],
          _self: { update: [alice] },
        });
      }
    });
    for (let c = 0; c < 200; c++) {
      await store.write(async (tx) => {
        for (let d = 0; d <= 10; d++) {
          await tx.createDocument({
            _subject: `${ORG}/chains/c${c}/d${d}`,
            ...(d === 0
              ? { _self: { govern: [alice] } }
              : { _inheritsPermissionsOf: [`${ORG}/chains/c${c}/d${d - 1}`] }),
          });
        }
      });
    }

    // 1. Baselines and the cached hot path, one after the other on the same machine and connections.
    const [rawPort, expressPort, portA, portB, maintenancePort, blockedPortA, blockedPortB] = await Promise.all(
      Array.from({ length: 7 }, () => freePort()),
    );
    const at = (port: number) => `http://127.0.0.1:${port}`;
    const raw = startTs('test/bench/baseline-server.ts', ['raw', String(rawPort)]);
    const bare = startTs('test/bench/baseline-server.ts', ['express', String(expressPort)]);
    const runtimeA = startTs('packages/launcher/src/start-service.ts', ['runtime'], {
      ...env,
      RUNTIME_PORT: String(portA),
    });
    const runtimeB = startTs('packages/launcher/src/start-service.ts', ['runtime'], {
      ...env,
      RUNTIME_PORT: String(portB),
    });
    const maintenance = startTs('packages/launcher/src/start-service.ts', ['maintenance'], {
      ...env,
      MAINTENANCE_PORT: String(maintenancePort),
    });
    children.push(raw, bare, runtimeA, runtimeB, maintenance);
    await Promise.all(
      [
        `${at(rawPort)}/`,
        `${at(expressPort)}/az-is-allowed`,
        `${at(portA)}/health`,
        `${at(portB)}/health`,
        `${at(maintenancePort)}/health`,
      ].map((url) => waitForHttp(url)),
    );
    const question = `/az-is-allowed?resource=${encodeURIComponent(`${ORG}/apps/app1`)}&action=read&user=${encodeURIComponent(alice)}`;
    const check = await fetch(`${at(portA)}${question}`, { headers });
    if (check.status !== 200 || (await check.text()) !== 'true')
      throw new Error('the benchmark question is not answered true');

    const resources = Array.from({ length: 100 }, (_, i) => `${ORG}/apps/app${i}`);
    const batchBody = JSON.stringify({ resource: resources, user: alice, action: 'read', withIndividualAnswers: true });
    const measured = await interleaved([
      // The baselines get the very same request (URL, token and all), so only what answers it differs.
      { name: 'raw', url: `${at(rawPort)}${question}`, options: { headers }, pid: raw.process.pid },
      { name: 'express', url: `${at(expressPort)}${question}`, options: { headers }, pid: bare.process.pid },
      { name: 'runtime', url: `${at(portA)}${question}`, options: { headers }, pid: runtimeA.process.pid },
      {
        name: 'batch',
        pid: runtimeA.process.pid,
        url: `${at(portA)}/az-is-allowed`,
        options: { method: 'POST', headers, body: batchBody },
      },
    ]);
    const rawResult = measured.raw;
    const expressResult = measured.express;
    const runtimeResult = measured.runtime;
    results.hotPath = {
      rawNodeHttp: rawResult,
      bareExpress: expressResult,
      runtimeCachedIsAllowed: runtimeResult,
      ratioToRaw: round(runtimeResult.reqPerSec / rawResult.reqPerSec),
      ratioToExpress: round(runtimeResult.reqPerSec / expressResult.reqPerSec),
      ratioToRawPerRound: perRound(runtimeResult, rawResult),
      ratioToExpressPerRound: perRound(runtimeResult, expressResult),
    };

    // 2. Batch decisions: withIndividualAnswers over 100 cached resources per request (measured in the rounds above).
    const batch = measured.batch;
    results.batch = {
      ...batch,
      resourcesPerRequest: 100,
      decisionsPerSec: batch.reqPerSec * 100,
      decisionsPerSecPerRound: batch.rounds.map((reqPerSec) => reqPerSec * 100),
    };

    // 3. Cold misses: a leaf never asked about, with 10 ancestors never cached, one request at a time.
    const cold: number[] = [];
    for (let c = 0; c < 200; c++) {
      const url = `${at(portB)}/az-is-allowed?resource=${encodeURIComponent(`${ORG}/chains/c${c}/d10`)}&action=govern&user=${encodeURIComponent(alice)}`;
      const started = performance.now();
      const res = await fetch(url, { headers });
      const body = await res.text();
      cold.push(performance.now() - started);
      if (body !== 'true') throw new Error(`cold miss answered ${res.status} ${body}`);
    }
    const warm: number[] = [];
    for (let c = 0; c < 200; c++) {
      const url = `${at(portB)}/az-is-allowed?resource=${encodeURIComponent(`${ORG}/chains/c${c}/d10`)}&action=govern&user=${encodeURIComponent(alice)}`;
      const started = performance.now();
      await (await fetch(url, { headers })).text();
      warm.push(performance.now() - started);
    }
    const coldStats = summarise(cold);
    const warmStats = summarise(warm);
    results.coldMiss = {
      ancestors: 10,
      coldMs: coldStats,
      sameRequestsCachedMs: warmStats,
      missCostMs: { p50: round(coldStats.p50 - warmStats.p50) },
    };

    // 4. Write → decision change seen by both runtimes, with broadcasts.
    results.propagation = await propagation(
      headers,
      alice,
      idp.principalOf('bob'),
      at(maintenancePort),
      [at(portA), at(portB)],
      PROPAGATION_SAMPLES,
    );

    // 5. The same with broadcasts blocked: two runtimes that registered an address nobody listens on.
    const blockedA = startTs('packages/launcher/src/start-service.ts', ['runtime'], {
      ...env,
      RUNTIME_PORT: String(blockedPortA),
      LISTENER_URL: 'http://127.0.0.1:9',
    });
    const blockedB = startTs('packages/launcher/src/start-service.ts', ['runtime'], {
      ...env,
      RUNTIME_PORT: String(blockedPortB),
      LISTENER_URL: 'http://127.0.0.1:9',
    });
    children.push(blockedA, blockedB);
    await Promise.all([blockedPortA, blockedPortB].map((p) => waitForHttp(`${at(p)}/health`)));
    results.propagationBroadcastsBlocked = {
      pollIntervalMs: POLL_INTERVAL_MS,
      ...(await propagation(
        headers,
        alice,
        idp.principalOf('bob'),
        at(maintenancePort),
        [at(blockedPortA), at(blockedPortB)],
        BLOCKED_SAMPLES,
      )),
    };

    // 6. Pathological questions on a runtime that is serving (4 600 patterns, a 600-deep chain, 200 teams).
    const fixtures = { store, org: ORG, alice, bob: idp.principalOf('bob'), carol: idp.principalOf('carol') };
    await writePathologicalFixtures(fixtures);
    results.pathological = await measurePathological(fixtures, at(portB), {
      alice: token,
      bob: await idp.tokenFor('bob'),
      carol: await idp.tokenFor('carol'),
    });

    // 7. 10 000 documents of a shuffled tree in one bulk request, until a runtime answers for every one of them.
    results.bulkImport = await measureBulkImport({
      maintenanceUrl: at(maintenancePort),
      runtimeUrl: at(portB),
      token,
      owner: alice,
      others: ['bob', 'carol', 'dave'].map((name) => idp.principalOf(name)),
    });

    // 8. Memory per cached document (own process, --expose-gc), beside what the cache's own estimate counts.
    const heap = execFileSync(
      path.join(REPO, 'node_modules', '.bin', 'tsx'),
      ['--expose-gc', path.join(REPO, 'test/bench/heap-per-document.ts'), '20000'],
      {
        encoding: 'utf8',
      },
    );
    results.heap = JSON.parse(heap.trim().split('\n').pop() ?? '{}');
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await pool.end();
    await idp.close();
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  results.conditions = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${round(os.totalmem() / 2 ** 30, 0)} GiB, ${os.platform()} ${os.release()}`,
    node: process.version,
    load: `autocannon ${CONNECTIONS} connections, loopback, server and load generator in separate processes; hot path: ${ROUNDS} rounds of ${DURATION_S} s per server, in ${SLICES} alternating slices each (median round shown, goals checked in every round), others ${DURATION_S} s after 1 s warm-up`,
    postgres: 'embedded PostgreSQL 18 (fsync off for the benchmark cluster)',
  };
  const out = path.join(REPO, 'test', 'bench', 'results.json');
  writeFileSync(out, JSON.stringify(results, null, 2));
  printTable(results);
  process.stdout.write(`\nresults written to ${path.relative(REPO, out)}\n`);
}

/**
 * Grants (then revokes) bob `read` on a fresh document through maintenance and measures, from the write's answer,
 * how long until every runtime answers the new decision (each runtime polled back to back).
 */
async function propagation(
  headers: Record<string, string>,
  alice: string,
  bob: string,
  maintenanceUrl: string,
  runtimeUrls: string[],
  samples: number,
): Promise<{ samples: number; p50Ms: number; p99Ms: number; maxMs: number }> {
  const subject = `${ORG}/propagation/${randomBytes(4).toString('hex')}`;
  const created = await fetch(`${maintenanceUrl}/az-permissions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ _subject: subject, _self: { govern: [alice], read: [] } }),
  });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${await created.text()}`);
  let etag = created.headers.get('etag') ?? '';
  const question = `/az-is-allowed-for-resource?resource=${encodeURIComponent(subject)}&action=read&user=${encodeURIComponent(alice)}`;
  // Warm both runtimes' caches so that the write has something to invalidate.
  for (const url of runtimeUrls) await (await fetch(`${url}${question}`, { headers })).text();
  const delays: number[] = [];
  for (let i = 0; i < samples; i++) {
    const grant = i % 2 === 0;
    const patch = await fetch(`${maintenanceUrl}/az-permissions?${subject}`, {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/merge-patch+json', 'if-match': etag },
      body: JSON.stringify({ _self: { read: grant ? [alice, bob] : [bob] } }),
    });
    if (patch.status !== 200) throw new Error(`patch failed: ${patch.status} ${await patch.text()}`);
    await patch.text();
    etag = patch.headers.get('etag') ?? '';
    const written = performance.now();
    const expected = grant ? 'true' : 'null';
    await Promise.all(
      runtimeUrls.map(async (url) => {
        const deadline = written + 10 * POLL_INTERVAL_MS;
        while ((await (await fetch(`${url}${question}`, { headers })).text()) !== expected) {
          if (performance.now() > deadline) throw new Error(`runtime ${url} never saw the write`);
        }
      }),
    );
    delays.push(performance.now() - written);
  }
  const s = summarise(delays);
  return { samples: s.n, p50Ms: round(s.p50), p99Ms: round(s.p99), maxMs: round(s.max) };
}

interface Stall {
  questionMs: number;
  healthMaxMs: number;
}

function printTable(results: Record<string, unknown>): void {
  const r = results as {
    hotPath: {
      rawNodeHttp: Measured;
      bareExpress: Measured;
      runtimeCachedIsAllowed: Measured;
      ratioToRaw: number;
      ratioToExpress: number;
      ratioToRawPerRound: number[];
      ratioToExpressPerRound: number[];
    };
    batch: Measured & { decisionsPerSec: number; decisionsPerSecPerRound: number[] };
    coldMiss: { coldMs: { p50: number; p99: number }; sameRequestsCachedMs: { p50: number } };
    propagation: { p50Ms: number; p99Ms: number };
    propagationBroadcastsBlocked: { p50Ms: number; p99Ms: number; pollIntervalMs: number };
    pathological: {
      patterns4600: { runs: Stall[] };
      deepChain600: { runs: Stall[] };
      member200Teams: { firstQuestion: Stall; afterOneTeamChangedMs: { p50: number; max: number } };
    };
    bulkImport: { documents: number; requestMs: number; runtimeSeesAllMs: number; totalMs: number };
    heap: { bytesPerDocument: number; estimatedBytesPerDocument: number };
    conditions: Record<string, string>;
  };
  const h = r.hotPath;
  const every = (values: number[], goal: number) => (values.every((v) => v >= goal) ? 'met in every round' : 'MISSED');
  const stalls = (runs: Stall[]) =>
    `answer ${runs.map((x) => Math.round(x.questionMs)).join(', ')} ms; /health waited at most ${Math.round(
      Math.max(...runs.map((x) => x.healthMaxMs)),
    )} ms`;
  const rows: Array<[string, string, string]> = [
    ['raw node:http `true`', `${h.rawNodeHttp.reqPerSec} req/s`, `rounds ${h.rawNodeHttp.rounds.join(', ')}`],
    ['bare express `true`', `${h.bareExpress.reqPerSec} req/s`, `rounds ${h.bareExpress.rounds.join(', ')}`],
    [
      'runtime cached /az-is-allowed',
      `${h.runtimeCachedIsAllowed.reqPerSec} req/s`,
      `rounds ${h.runtimeCachedIsAllowed.rounds.join(', ')}; p50 ${h.runtimeCachedIsAllowed.p50Ms} ms, p99 ${h.runtimeCachedIsAllowed.p99Ms} ms`,
    ],
    [
      '  server CPU per request',
      `${h.runtimeCachedIsAllowed.cpuUsPerRequestRounds.join(', ')} µs`,
      `raw node:http ${h.rawNodeHttp.cpuUsPerRequestRounds.join(', ')} µs; bare express ${h.bareExpress.cpuUsPerRequestRounds.join(', ')} µs (per round)`,
    ],
    [
      '  ratio to raw node:http (goal ≥ 0.5)',
      `${h.ratioToRaw}`,
      `rounds ${h.ratioToRawPerRound.join(', ')}: ${every(h.ratioToRawPerRound, 0.5)}`,
    ],
    [
      '  ratio to bare express (goal ≥ 2)',
      `${h.ratioToExpress}`,
      `rounds ${h.ratioToExpressPerRound.join(', ')}: ${every(h.ratioToExpressPerRound, 2)}`,
    ],
    [
      'withIndividualAnswers, 100 resources',
      `${r.batch.decisionsPerSec} decisions/s`,
      `rounds ${r.batch.decisionsPerSecPerRound.join(', ')} (goal ≥ 500 000): ${every(r.batch.decisionsPerSecPerRound, 500_000)}; CPU ${r.batch.cpuUsPerRequestRounds.join(', ')} µs per request`,
    ],
    [
      'cold miss, 10 ancestors',
      `p50 ${round(r.coldMiss.coldMs.p50)} ms`,
      `p99 ${round(r.coldMiss.coldMs.p99)} ms; cached p50 ${round(r.coldMiss.sameRequestsCachedMs.p50)} ms (goal median ≤ 3 ms)`,
    ],
    [
      'write → 2 runtimes, broadcasts',
      `p50 ${r.propagation.p50Ms} ms`,
      `p99 ${r.propagation.p99Ms} ms (goal p99 ≤ 50 ms)`,
    ],
    [
      'write → 2 runtimes, broadcasts blocked',
      `p50 ${r.propagationBroadcastsBlocked.p50Ms} ms`,
      `p99 ${r.propagationBroadcastsBlocked.p99Ms} ms (goal ≤ poll ${r.propagationBroadcastsBlocked.pollIntervalMs} + 100 ms)`,
    ],
    ['4 600 patterns, 1 000 resources', '', stalls(r.pathological.patterns4600.runs)],
    ['600-deep chain, leaf × 1 000', '', stalls(r.pathological.deepChain600.runs)],
    [
      'member of 200 teams of 95 KB',
      '',
      `first question ${Math.round(r.pathological.member200Teams.firstQuestion.questionMs)} ms (/health at most ${Math.round(
        r.pathological.member200Teams.firstQuestion.healthMaxMs,
      )} ms); after 1 team changed p50 ${r.pathological.member200Teams.afterOneTeamChangedMs.p50} ms`,
    ],
    [
      `bulk import, ${r.bulkImport.documents} documents`,
      `${r.bulkImport.totalMs} ms`,
      `request ${r.bulkImport.requestMs} ms + runtime sees all ${r.bulkImport.runtimeSeesAllMs} ms (goal ≤ 5 000 ms)`,
    ],
    [
      'heap per cached document',
      `${r.heap.bytesPerDocument} bytes`,
      `the cache counts ${r.heap.estimatedBytesPerDocument} bytes for it (CACHE_MAX_BYTES)`,
    ],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  process.stdout.write(
    `\n${Object.entries(r.conditions)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n')}\n\n`,
  );
  for (const [a, b, c] of rows) process.stdout.write(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
