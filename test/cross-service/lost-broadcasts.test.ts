import { randomBytes } from 'node:crypto';
import type { ServiceProcess } from '@permissions/test-support/harness';
import {
  call,
  eventually,
  q,
  seqOf,
  startCluster,
  uniqueSubject,
  type Cluster,
  type Reply,
  type User,
} from './support';

/**
 * Broadcasts that do not arrive or are refused. Every process runs with SPEEDUP=10 (as the acceptance suite does),
 * so EVENT_POLL_INTERVAL_MS below is ten times the real interval:
 * - `broadcastOnly` never polls (one poll an hour): it can follow writes only through the writers' broadcasts;
 * - `foreignQuiet` and `foreignPolling` have another EVENTS_SECRET than the writers: they must refuse every
 *   broadcast, so the first stays stale until asked with atLeast, the second converges by its 300 ms poll;
 * - `unreachable` registers LISTENER_URL=http://127.0.0.1:9, where nobody listens: it converges by its 200 ms poll.
 */
let cluster: Cluster;
let maintenance: ServiceProcess;
let teams: ServiceProcess;
let broadcastOnly: ServiceProcess;
let foreignQuiet: ServiceProcess;
let foreignPolling: ServiceProcess;
let unreachable: ServiceProcess;

const NEVER_POLLS = { EVENT_POLL_INTERVAL_MS: String(3_600_000 * 10) };
const P = (who: User) => cluster.principal(who);

beforeAll(async () => {
  cluster = await startCluster();
  maintenance = await cluster.start('maintenance');
  teams = await cluster.start('teams', { MAINTENANCE_URL: maintenance.url });
  const otherSecret = randomBytes(24).toString('hex');
  [foreignQuiet, foreignPolling, unreachable] = await Promise.all([
    cluster.start('runtime', { ...NEVER_POLLS, EVENTS_SECRET: otherSecret }),
    cluster.start('runtime', { EVENT_POLL_INTERVAL_MS: '3000', EVENTS_SECRET: otherSecret }),
    cluster.start('runtime', { EVENT_POLL_INTERVAL_MS: '2000', LISTENER_URL: 'http://127.0.0.1:9' }),
  ]);
  // Started last: once the writer broadcasts to it, its list of listeners holds the three above as well.
  broadcastOnly = await cluster.start('runtime', NEVER_POLLS);
  await untilMaintenanceBroadcastsTo(broadcastOnly);
}, 90_000);
afterAll(async () => cluster?.close());

async function write(base: string, method: string, path: string, body: unknown, etag?: string): Promise<Reply> {
  const res = await call(base, method, path, {
    token: await cluster.token('alice'),
    body,
    type: method === 'PATCH' ? 'application/merge-patch+json' : undefined,
    headers: etag === undefined ? {} : { 'if-match': etag },
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

function doc(subject: string, readers: string[]): Record<string, unknown> {
  return { _subject: subject, _self: { govern: [P('alice')], admin: [P('alice')], read: readers } };
}

async function ask(runtime: ServiceProcess, who: User, resource: string, atLeast?: number): Promise<unknown> {
  const path = `/az-is-allowed?${q({ resource, user: P(who), action: 'read', atLeast })}`;
  const res = await call(runtime.url, 'GET', path, { token: await cluster.token(who) });
  return [res.status, res.body];
}

/**
 * A writer learns the registered listeners periodically: toggles a document until a broadcast reaches `runtime`
 * (which never polls, so nothing else can change its answer).
 */
async function untilMaintenanceBroadcastsTo(runtime: ServiceProcess): Promise<void> {
  const subject = uniqueSubject('sentinel');
  let res = await write(maintenance.url, 'POST', '/az-permissions', doc(subject, []));
  for (let attempt = 0; attempt < 20; attempt++) {
    const readers = attempt % 2 === 0 ? [P('bob')] : [];
    expect(await ask(runtime, 'bob', subject, seqOf(res))).toEqual([200, readers.length > 0 ? null : true]);
    res = await write(maintenance.url, 'PATCH', `/az-permissions?${subject}`, { _self: { read: readers } }, etag(res));
    const expected = [200, readers.length > 0 ? true : null];
    const seen = await eventually(() => ask(runtime, 'bob', subject), same(expected), 1000);
    if (JSON.stringify(seen) === JSON.stringify(expected)) return;
  }
  throw new Error(`maintenance never broadcast to ${runtime.url}:\n${maintenance.output()}`);
}

const etag = (res: Reply) => res.headers.get('etag') ?? '';
const same = (expected: unknown) => (answer: unknown) => JSON.stringify(answer) === JSON.stringify(expected);

test('a runtime that never polls follows writes through the broadcasts alone', async () => {
  const subject = uniqueSubject('broadcast');
  const created = await write(maintenance.url, 'POST', '/az-permissions', doc(subject, [P('bob')]));
  expect(await ask(broadcastOnly, 'bob', subject, seqOf(created))).toEqual([200, true]);
  await write(maintenance.url, 'PATCH', `/az-permissions?${subject}`, { _self: { read: [] } }, etag(created));
  expect(await eventually(() => ask(broadcastOnly, 'bob', subject), same([200, null]))).toEqual([200, null]);
});

describe('runtimes whose EVENTS_SECRET differs from the writers', () => {
  test('refuse the broadcasts: stale without polling, converge by polling; the write succeeds', async () => {
    const subject = uniqueSubject('foreign');
    const created = await write(maintenance.url, 'POST', '/az-permissions', doc(subject, [P('bob')]));
    for (const runtime of [broadcastOnly, foreignQuiet, foreignPolling]) {
      expect(await ask(runtime, 'bob', subject, seqOf(created))).toEqual([200, true]);
    }

    const revoked = await call(maintenance.url, 'PATCH', `/az-permissions?${subject}`, {
      token: await cluster.token('alice'),
      type: 'application/merge-patch+json',
      headers: { 'if-match': etag(created) },
      body: { _self: { read: [] } },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body._self.read).toEqual([]);
    const seq = seqOf(revoked);
    expect(seq).toBeGreaterThan(seqOf(created));

    // The same broadcast reaches a runtime sharing the secret…
    expect(await eventually(() => ask(broadcastOnly, 'bob', subject), same([200, null]))).toEqual([200, null]);
    // …while the one with another secret, which never polls, refused it and still answers from its cache.
    expect(await ask(foreignQuiet, 'bob', subject)).toEqual([200, true]);
    // Its poll is the only way in: the other one converges by itself within its poll interval…
    expect(await eventually(() => ask(foreignPolling, 'bob', subject), same([200, null]), 10_000)).toEqual([200, null]);
    // …and atLeast makes the quiet one poll at once.
    expect(await ask(foreignQuiet, 'bob', subject, seq)).toEqual([200, null]);
    expect(await ask(foreignQuiet, 'bob', subject)).toEqual([200, null]);
  });

  test('keep running and answering after refusing broadcasts', async () => {
    for (const runtime of [foreignQuiet, foreignPolling]) {
      expect(runtime.process.exitCode).toBeNull();
      expect((await call(runtime.url, 'GET', '/ready')).status).toBe(200);
      expect(await ask(runtime, 'alice', '/')).toEqual([200, true]);
    }
  });
});

describe('a runtime whose LISTENER_URL nobody listens on', () => {
  test('converges on a revoked grant by polling', async () => {
    const subject = uniqueSubject('unreachable');
    const created = await write(maintenance.url, 'POST', '/az-permissions', doc(subject, [P('bob')]));
    expect(await ask(unreachable, 'bob', subject)).toEqual([200, true]);
    const revoked = await write(
      maintenance.url,
      'PATCH',
      `/az-permissions?${subject}`,
      { _self: { read: [P('carol')] } },
      etag(created),
    );
    expect(revoked.status).toBe(200);
    expect(await eventually(() => ask(unreachable, 'bob', subject), same([200, null]), 10_000)).toEqual([200, null]);
    expect(await ask(unreachable, 'carol', subject)).toEqual([200, true]);
  });

  test('converges on a team membership change by polling', async () => {
    const self = { read: [P('alice')], update: [P('alice')], delete: [P('alice')], govern: [P('alice')] };
    const team = await write(teams.url, 'POST', '/az-teams', {
      isA: 'Team',
      name: 'unreachable',
      members: [P('carol')],
      _permissions: { _self: self },
    });
    const url = team.headers.get('location') ?? '';
    const subject = uniqueSubject('unreachable-team');
    await write(maintenance.url, 'POST', '/az-permissions', doc(subject, [url]));
    expect(await eventually(() => ask(unreachable, 'carol', subject), same([200, true]), 10_000)).toEqual([200, true]);
    expect(await ask(unreachable, 'dave', subject)).toEqual([200, null]);
    await write(teams.url, 'PATCH', url, { members: [P('dave')] }, etag(team));
    expect(await eventually(() => ask(unreachable, 'dave', subject), same([200, true]), 10_000)).toEqual([200, true]);
    expect(await ask(unreachable, 'carol', subject)).toEqual([200, null]);
  });

  test('a write is not held up by the dead listener address', async () => {
    const subject = uniqueSubject('unreachable-write');
    const created = await call(maintenance.url, 'POST', '/az-permissions', {
      token: await cluster.token('alice'),
      body: doc(subject, [P('bob')]),
    });
    expect(created.status).toBe(201);
    expect(await ask(unreachable, 'bob', subject, seqOf(created))).toEqual([200, true]);
  });
});
