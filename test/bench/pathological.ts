import type { Store } from '@permissions/store';
import { round, summarise } from './stats';

/**
 * Questions a hostile or careless principal can ask (issues 10.3, 18.10, 18.11), against a runtime already serving:
 * how long each takes, and how long `/health` waits meanwhile (no request may hold the event loop more than about
 * 50 ms). `/health` is polled back to back on its own connection for as long as the question runs.
 */
export interface Stall {
  /** The question's answer time. */
  questionMs: number;
  /** The longest `/health` answer seen while it ran, and how many were answered. */
  healthMaxMs: number;
  healthAnswered: number;
}

async function whileHealthPolled(runtimeUrl: string, question: () => Promise<void>): Promise<Stall> {
  let running = true;
  const healthMs: number[] = [];
  const polling = (async () => {
    while (running) {
      const started = performance.now();
      await (await fetch(`${runtimeUrl}/health`)).text();
      healthMs.push(performance.now() - started);
    }
  })();
  // Let the poller make its connection before the question starts.
  while (healthMs.length < 3) await new Promise((resolve) => setImmediate(resolve));
  const started = performance.now();
  await question();
  const questionMs = performance.now() - started;
  running = false;
  await polling;
  return { questionMs: round(questionMs), healthMaxMs: round(Math.max(...healthMs)), healthAnswered: healthMs.length };
}

async function ask(
  runtimeUrl: string,
  headers: Record<string, string>,
  body: unknown,
  expected?: unknown,
): Promise<void> {
  const res = await fetch(`${runtimeUrl}/az-is-allowed`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`pathological question answered ${res.status} ${text.slice(0, 200)}`);
  // A question whose data decides nothing would measure nothing.
  if (expected !== undefined && JSON.stringify(JSON.parse(text)) !== JSON.stringify(expected)) {
    throw new Error(`pathological question answered ${text.slice(0, 200)}, not ${JSON.stringify(expected)}`);
  }
}

export interface PathologicalFixtures {
  store: Store;
  org: string;
  alice: string;
  bob: string;
  /** The member of 200 teams (nobody else asks as him, so his first question is a cold one). */
  carol: string;
}

/** Writes the pathological data directly through the store (fixtures, not what is measured). */
export async function writePathologicalFixtures(f: PathologicalFixtures): Promise<void> {
  const patterns: Record<string, string[]> = {};
  // Each round asks another action (so no answer is remembered), each granted: the roles must really decide.
  for (let i = 0; i < 4600; i++) patterns[`/p${i}/*`] = ['read0', 'read1', 'read2'];
  // The base is a namespace and the role is bound to its incarnation (CONTRACT §4.8), as a governor of / and the
  // teams service would write them: otherwise the roles decide nothing and the question costs nothing.
  const base = `${f.org}/patterns`;
  await f.store.write(async (tx) => {
    const incarnation = await tx.createDocument({
      _subject: base,
      _self: { govern: [f.alice] },
      _metadata: { sharedWith: [], namespace: true },
    });
    await tx.createTeam('/az-tm-bench-patterns-000000000000000000000001', {
      isA: 'Team',
      members: [f.bob],
      roles: { [base]: patterns },
      rolesGrantedOn: { [base]: incarnation },
    });
  });
  await f.store.write(async (tx) => {
    for (let depth = 0; depth < 600; depth++) {
      await tx.createDocument({
        _subject: `${f.org}/deep/d${depth}`,
        ...(depth === 0 ? { _self: { read: [f.alice] } } : { _inheritsPermissionsOf: [`${f.org}/deep/d${depth - 1}`] }),
      });
    }
  });
  // carol in 200 teams of 95 KB each (imposed membership, issue 18.10).
  for (let batch = 0; batch < 10; batch++) {
    await f.store.write(async (tx) => {
      for (let i = batch * 20; i < batch * 20 + 20; i++) {
        await tx.createTeam(`/az-tm-bench-member-${String(i).padStart(24, '0')}`, {
          isA: 'Team',
          members: [f.carol],
          notes: 'x'.repeat(95_000),
        });
      }
    });
  }
}

/**
 * Waits until the runtime has applied the fixtures' events (written through the store, so learnt by its poll): the
 * first question is then a cold one, not one answered while some 800 events are being applied.
 */
async function caughtUp(f: PathologicalFixtures, runtimeUrl: string, headers: Record<string, string>): Promise<void> {
  const atLeast = await f.store.getLastSeq();
  const question = new URLSearchParams({ resource: `${f.org}/settled`, action: 'read', user: f.alice });
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${runtimeUrl}/az-is-allowed?${question.toString()}&atLeast=${atLeast}`, { headers });
    await res.text();
    if (res.status === 200) return;
    if (res.status !== 503 || attempt >= 10)
      throw new Error(`the runtime did not reach event ${atLeast}: ${res.status}`);
  }
}

export async function measurePathological(
  f: PathologicalFixtures,
  runtimeUrl: string,
  tokens: { alice: string; bob: string; carol: string },
): Promise<Record<string, unknown>> {
  const as = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const results: Record<string, unknown> = {};
  await caughtUp(f, runtimeUrl, as(tokens.alice));

  // 4 600 patterns on a base, 1 000 resources under it (issue 10.3).
  const underBase = Array.from({ length: 1000 }, (_, i) => `${f.org}/patterns/p${i * 4}/x`);
  const patterns: Stall[] = [];
  for (let run = 0; run < 3; run++) {
    patterns.push(
      await whileHealthPolled(runtimeUrl, () =>
        ask(runtimeUrl, as(tokens.bob), { resource: underBase, user: f.bob, action: `read${run}` }, true),
      ),
    );
  }
  results.patterns4600 = { resources: 1000, runs: patterns };

  // A 600-deep chain, its leaf named 1 000 times, a different action each time (issue 18.11).
  const leaf = `${f.org}/deep/d599`;
  const deep: Stall[] = [];
  for (let run = 0; run < 3; run++) {
    deep.push(
      await whileHealthPolled(runtimeUrl, () =>
        ask(runtimeUrl, as(tokens.alice), {
          resource: Array.from({ length: 1000 }, () => leaf),
          user: f.alice,
          action: `act${run}`,
        }),
      ),
    );
  }
  results.deepChain600 = { resources: 1000, runs: deep };

  // A member of 200 teams of 95 KB: his first question, then after a 1-byte change to one of them (issue 18.10).
  const member = (action: string) =>
    ask(runtimeUrl, as(tokens.carol), { resource: `${f.org}/x`, user: f.carol, action });
  const first = await whileHealthPolled(runtimeUrl, () => member('first'));
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const id = `/az-tm-bench-member-${String(i).padStart(24, '0')}`;
    const stored = await f.store.getTeam(id);
    if (!stored) throw new Error(`no team ${id}`);
    const written = await f.store.write((tx) =>
      tx.updateTeam(id, { ...stored.team, notes: `${stored.team.notes as string}${i}` }, stored.seq),
    );
    // Asked once the runtime has applied the change (read-your-writes), so the reload is what is measured.
    const started = performance.now();
    await ask(runtimeUrl, as(tokens.carol), {
      resource: `${f.org}/x`,
      user: f.carol,
      action: `after${i}`,
      atLeast: String(written.seq),
    });
    samples.push(performance.now() - started);
  }
  const after = summarise(samples);
  results.member200Teams = {
    firstQuestion: first,
    afterOneTeamChangedMs: { p50: round(after.p50), max: round(after.max) },
  };
  return results;
}
