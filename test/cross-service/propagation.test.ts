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
 * Two runtime processes, maintenance and teams, each its own process over one database: a write through a writer
 * reaches both runtimes (by broadcast, or by polling when a broadcast is lost), and a question carrying the write's
 * X-Event-Sequence (`atLeast=N` or `X-Min-Event-Sequence: N`) is answered from state that includes it.
 */
let cluster: Cluster;
let maintenance: ServiceProcess;
let teams: ServiceProcess;
let runtimes: ServiceProcess[];

beforeAll(async () => {
  cluster = await startCluster();
  maintenance = await cluster.start('maintenance');
  teams = await cluster.start('teams', { MAINTENANCE_URL: maintenance.url });
  const peers = { MAINTENANCE_URL: maintenance.url, TEAMS_URL: teams.url };
  runtimes = await Promise.all([cluster.start('runtime', peers), cluster.start('runtime', peers)]);
}, 90_000);
afterAll(async () => cluster?.close());

const P = (who: User) => cluster.principal(who);
const MERGE = 'application/merge-patch+json';

async function write(base: string, method: string, path: string, body: unknown, etag?: string): Promise<Reply> {
  const res = await call(base, method, path, {
    token: await cluster.token('alice'),
    body,
    type: method === 'PATCH' ? MERGE : undefined,
    headers: etag === undefined ? {} : { 'if-match': etag },
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

/** A document alice governs, readable by `readers`. */
function doc(subject: string, readers: string[]): Record<string, unknown> {
  return { _subject: subject, _self: { govern: [P('alice')], admin: [P('alice')], read: readers } };
}

/** `who` asks a runtime whether he may `action` the resource (the question is about himself). */
async function ask(
  runtime: ServiceProcess,
  who: User,
  resource: string,
  options: { action?: string; atLeast?: number; header?: number } = {},
): Promise<Reply> {
  const path = `/az-is-allowed?${q({ resource, user: P(who), action: options.action ?? 'read', atLeast: options.atLeast })}`;
  const headers: Record<string, string> =
    options.header === undefined ? {} : { 'x-min-event-sequence': String(options.header) };
  return call(runtime.url, 'GET', path, { token: await cluster.token(who), headers });
}

/** Both runtimes' answers, `[status, body]` each. */
async function askBoth(who: User, resource: string, options: { atLeast?: number; header?: number } = {}) {
  return Promise.all(runtimes.map((r) => ask(r, who, resource, options).then((res) => [res.status, res.body])));
}

const BOTH_TRUE = [
  [200, true],
  [200, true],
];
const BOTH_NULL = [
  [200, null],
  [200, null],
];
const same = (expected: unknown) => (answer: unknown) => JSON.stringify(answer) === JSON.stringify(expected);

describe('a document written through maintenance', () => {
  test('both runtimes answer a new document at atLeast={X-Event-Sequence}', async () => {
    const subject = uniqueSubject('created');
    // Asked first, so that a stale "no document" is cached wherever a runtime caches misses.
    expect(await askBoth('bob', subject)).toEqual(BOTH_NULL);
    const created = await write(maintenance.url, 'POST', '/az-permissions', doc(subject, [P('bob')]));
    expect(created.status).toBe(201);
    expect(await askBoth('bob', subject, { atLeast: seqOf(created) })).toEqual(BOTH_TRUE);
  });

  test('both runtimes converge on a new document without atLeast', async () => {
    const subject = uniqueSubject('eventual');
    expect(await askBoth('bob', subject)).toEqual(BOTH_NULL);
    await write(maintenance.url, 'POST', '/az-permissions', doc(subject, [P('bob')]));
    expect(await eventually(() => askBoth('bob', subject), same(BOTH_TRUE))).toEqual(BOTH_TRUE);
  });

  test('a PATCH that revokes changes both answers (atLeast, then without)', async () => {
    const subject = uniqueSubject('revoked');
    const created = await write(maintenance.url, 'POST', '/az-permissions', doc(subject, [P('bob'), P('carol')]));
    expect(await askBoth('bob', subject, { atLeast: seqOf(created) })).toEqual(BOTH_TRUE);
    expect(await askBoth('carol', subject, { atLeast: seqOf(created) })).toEqual(BOTH_TRUE);

    const revokeBob = await write(
      maintenance.url,
      'PATCH',
      `/az-permissions?${subject}`,
      { _self: { read: [P('carol')] } },
      created.headers.get('etag') ?? '',
    );
    expect(await askBoth('bob', subject, { atLeast: seqOf(revokeBob) })).toEqual(BOTH_NULL);
    expect(await askBoth('carol', subject)).toEqual(BOTH_TRUE);

    await write(
      maintenance.url,
      'PATCH',
      `/az-permissions?${subject}`,
      { _self: { read: [P('bob')] } },
      revokeBob.headers.get('etag') ?? '',
    );
    expect(await eventually(() => askBoth('carol', subject), same(BOTH_NULL))).toEqual(BOTH_NULL);
    expect(await askBoth('bob', subject)).toEqual(BOTH_TRUE);
  });

  test('a DELETE removes the document from both runtimes', async () => {
    const subject = uniqueSubject('deleted');
    const created = await write(maintenance.url, 'POST', '/az-permissions', doc(subject, [P('bob')]));
    expect(await askBoth('bob', subject, { atLeast: seqOf(created) })).toEqual(BOTH_TRUE);
    const deleted = await write(maintenance.url, 'DELETE', `/az-permissions?${subject}`, undefined);
    expect(await askBoth('bob', subject, { atLeast: seqOf(deleted) })).toEqual(BOTH_NULL);
  });
});

describe('teams written through the teams service', () => {
  let team: string;
  let teamEtag: string;
  let subject: string;

  beforeAll(async () => {
    const self = { read: [P('alice')], update: [P('alice')], delete: [P('alice')], govern: [P('alice')] };
    const created = await write(teams.url, 'POST', '/az-teams', {
      isA: 'Team',
      name: 'propagation',
      members: [P('carol')],
      _permissions: { _self: self },
    });
    team = created.headers.get('location') ?? '';
    teamEtag = created.headers.get('etag') ?? '';
    subject = uniqueSubject('team-shared');
    await write(maintenance.url, 'POST', '/az-permissions', doc(subject, [team]));
  });

  test('a member reads through the team on both runtimes', async () => {
    expect(team).toMatch(/^\/az-tm-[a-z]+-[a-z]+-[0-9a-f]{24}$/);
    expect(await eventually(() => askBoth('carol', subject), same(BOTH_TRUE))).toEqual(BOTH_TRUE);
    expect(await askBoth('dave', subject)).toEqual(BOTH_NULL);
  });

  test('a member added to the team gets access on both runtimes (atLeast)', async () => {
    // dave's actors (his teams: none) are now cached on both runtimes.
    expect(await askBoth('dave', subject)).toEqual(BOTH_NULL);
    const patched = await write(teams.url, 'PATCH', team, { members: [P('carol'), P('dave')] }, teamEtag);
    teamEtag = patched.headers.get('etag') ?? '';
    expect(patched.body.members).toEqual([P('carol'), P('dave')]);
    expect(await askBoth('dave', subject, { atLeast: seqOf(patched) })).toEqual(BOTH_TRUE);
  });

  test('a member removed from the team loses access on both runtimes (eventually, without atLeast)', async () => {
    expect(await askBoth('carol', subject)).toEqual(BOTH_TRUE);
    const patched = await write(teams.url, 'PATCH', team, { members: [P('dave')] }, teamEtag);
    teamEtag = patched.headers.get('etag') ?? '';
    expect(await eventually(() => askBoth('carol', subject), same(BOTH_NULL))).toEqual(BOTH_NULL);
    expect(await askBoth('dave', subject)).toEqual(BOTH_TRUE);
  });

  test('deleting the team: both runtimes keep running and its members lose access', async () => {
    expect(await askBoth('dave', subject)).toEqual(BOTH_TRUE);
    const deleted = await call(teams.url, 'DELETE', team, { token: await cluster.token('alice') });
    expect(deleted.status).toBe(200);
    expect(await askBoth('dave', subject, { atLeast: seqOf(deleted) })).toEqual(BOTH_NULL);
    for (const runtime of runtimes) {
      expect(runtime.process.exitCode).toBeNull();
      expect((await call(runtime.url, 'GET', '/health')).status).toBe(200);
    }
    // Still answering other questions correctly.
    const other = uniqueSubject('after-team-delete');
    const created = await write(maintenance.url, 'POST', '/az-permissions', doc(other, [P('dave')]));
    expect(await askBoth('dave', other, { atLeast: seqOf(created) })).toEqual(BOTH_TRUE);
  });
});

describe('read-your-writes across processes', () => {
  test('every answer at atLeast=N reflects write N, never the state before it', async () => {
    const subject = uniqueSubject('ryw');
    let res = await write(maintenance.url, 'POST', '/az-permissions', doc(subject, []));
    let readers: string[] = [];
    const wrong: string[] = [];
    for (let round = 0; round < 8; round++) {
      // Both runtimes hold the current state in their caches before the next write.
      expect(await askBoth('bob', subject, { atLeast: seqOf(res) })).toEqual(
        readers.length > 0 ? BOTH_TRUE : BOTH_NULL,
      );
      readers = readers.length > 0 ? [] : [P('bob')];
      res = await write(
        maintenance.url,
        'PATCH',
        `/az-permissions?${subject}`,
        { _self: { read: readers } },
        res.headers.get('etag') ?? '',
      );
      const expected = readers.length > 0 ? BOTH_TRUE : BOTH_NULL;
      const byQuery = await askBoth('bob', subject, { atLeast: seqOf(res) });
      const byHeader = await askBoth('bob', subject, { header: seqOf(res) });
      if (JSON.stringify(byQuery) !== JSON.stringify(expected)) wrong.push(`round ${round} atLeast: ${byQuery}`);
      if (JSON.stringify(byHeader) !== JSON.stringify(expected)) wrong.push(`round ${round} header: ${byHeader}`);
    }
    expect(wrong).toEqual([]);
  });

  test('X-Min-Event-Sequence alone is enough right after a team write', async () => {
    const self = { read: [P('alice')], update: [P('alice')], delete: [P('alice')], govern: [P('alice')] };
    const subject = uniqueSubject('ryw-team');
    const created = await write(teams.url, 'POST', '/az-teams', {
      isA: 'Team',
      name: 'ryw',
      members: [P('bob')],
      _permissions: { _self: self },
    });
    const team = created.headers.get('location') ?? '';
    const shared = await write(maintenance.url, 'POST', '/az-permissions', doc(subject, [team]));
    expect(await askBoth('bob', subject, { header: seqOf(shared) })).toEqual(BOTH_TRUE);
    const emptied = await write(teams.url, 'PATCH', team, { members: [] }, created.headers.get('etag') ?? '');
    expect(await askBoth('bob', subject, { header: seqOf(emptied) })).toEqual(BOTH_NULL);
  });

  test('a sequence number no write has produced yet: 503 after a bounded wait, not a stale answer', async () => {
    const subject = uniqueSubject('future');
    const created = await write(maintenance.url, 'POST', '/az-permissions', doc(subject, [P('bob')]));
    const future = seqOf(created) + 1_000_000;
    const res = await ask(runtimes[0], 'bob', subject, { atLeast: future });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      msg: `this runtime has not yet applied event ${future}; retry shortly`,
      atLeast: future,
      requestId: res.headers.get('x-request-id'),
    });
  });

  test.each([['abc'], ['-1'], ['1.5'], ['1e3'], ['']])('atLeast=%p is a 400', async (value) => {
    const path = `/az-is-allowed?${q({ resource: '/', user: P('bob'), action: 'read' })}&atLeast=${value}`;
    const res = await call(runtimes[1].url, 'GET', path, { token: await cluster.token('bob') });
    expect([res.status, res.body]).toEqual([400, { msg: 'atLeast must be a non-negative integer' }]);
  });

  test('X-Min-Event-Sequence: abc is a 400', async () => {
    const path = `/az-is-allowed?${q({ resource: '/', user: P('bob'), action: 'read' })}`;
    const res = await call(runtimes[1].url, 'GET', path, {
      token: await cluster.token('bob'),
      headers: { 'x-min-event-sequence': 'abc' },
    });
    expect([res.status, res.body]).toEqual([400, { msg: 'atLeast must be a non-negative integer' }]);
  });
});
