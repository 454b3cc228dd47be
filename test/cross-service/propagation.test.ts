import type { ServiceProcess } from '@permissions/test-support/harness';
import {
  UnavailableError,
  type Answer,
  type PermissionsClient,
  type PermissionsDocument,
  type Versioned,
} from '@permissions/client';
import { call, eventually, q, startCluster, uniqueSubject, type Cluster, type User } from './support';

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

/** alice, through @permissions/client, writing to the writers' own processes. */
const alice = (): PermissionsClient =>
  cluster.client('alice', { maintenance: maintenance.url, teams: teams.url, runtime: runtimes[0].url, migration: '' });

/** A document alice governs, readable by `readers`. */
function doc(subject: string, readers: string[]): PermissionsDocument {
  return { _subject: subject, _self: { govern: [P('alice')], admin: [P('alice')], read: readers } };
}

/** `who` asks a runtime whether he may `action` the resource (the question is about himself). */
async function ask(
  runtime: ServiceProcess,
  who: User,
  resource: string,
  options: { action?: string; atLeast?: number; header?: number } = {},
): Promise<Answer> {
  if (options.header !== undefined) {
    // The header form of read-your-writes, which the client does not use: asked by hand.
    const path = `/az-is-allowed?${q({ resource, user: P(who), action: options.action ?? 'read' })}`;
    const headers = { 'x-min-event-sequence': String(options.header) };
    const res = await call(runtime.url, 'GET', path, { token: await cluster.token(who), headers });
    if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Answer;
  }
  return cluster
    .client(who, runtime.url)
    .isAllowed({ resource, user: P(who), action: options.action ?? 'read', atLeast: options.atLeast });
}

/** Both runtimes' answers. */
async function askBoth(who: User, resource: string, options: { atLeast?: number; header?: number } = {}) {
  return Promise.all(runtimes.map((r) => ask(r, who, resource, options)));
}

const BOTH_TRUE = [true, true];
const BOTH_NULL = [null, null];
const same = (expected: unknown) => (answer: unknown) => JSON.stringify(answer) === JSON.stringify(expected);

describe('a document written through maintenance', () => {
  test('both runtimes answer a new document at atLeast={X-Event-Sequence}', async () => {
    const subject = uniqueSubject('created');
    // Asked first, so that a stale "no document" is cached wherever a runtime caches misses.
    expect(await askBoth('bob', subject)).toEqual(BOTH_NULL);
    const created = await alice().createDocument(doc(subject, [P('bob')]));
    expect(created.etag).toBe(`e${created.sequence}`);
    expect(await askBoth('bob', subject, { atLeast: created.sequence })).toEqual(BOTH_TRUE);
  });

  test('both runtimes converge on a new document without atLeast', async () => {
    const subject = uniqueSubject('eventual');
    expect(await askBoth('bob', subject)).toEqual(BOTH_NULL);
    await alice().createDocument(doc(subject, [P('bob')]));
    expect(await eventually(() => askBoth('bob', subject), same(BOTH_TRUE))).toEqual(BOTH_TRUE);
  });

  test('a PATCH that revokes changes both answers (atLeast, then without)', async () => {
    const subject = uniqueSubject('revoked');
    const created = await alice().createDocument(doc(subject, [P('bob'), P('carol')]));
    expect(await askBoth('bob', subject, { atLeast: created.sequence })).toEqual(BOTH_TRUE);
    expect(await askBoth('carol', subject, { atLeast: created.sequence })).toEqual(BOTH_TRUE);

    const revokeBob = await alice().patchDocument(subject, { _self: { read: [P('carol')] } }, { etag: created.etag });
    expect(await askBoth('bob', subject, { atLeast: revokeBob.sequence })).toEqual(BOTH_NULL);
    expect(await askBoth('carol', subject)).toEqual(BOTH_TRUE);

    await alice().patchDocument(subject, { _self: { read: [P('bob')] } }, { etag: revokeBob.etag });
    expect(await eventually(() => askBoth('carol', subject), same(BOTH_NULL))).toEqual(BOTH_NULL);
    expect(await askBoth('bob', subject)).toEqual(BOTH_TRUE);
  });

  test('a DELETE removes the document from both runtimes', async () => {
    const subject = uniqueSubject('deleted');
    const created = await alice().createDocument(doc(subject, [P('bob')]));
    expect(await askBoth('bob', subject, { atLeast: created.sequence })).toEqual(BOTH_TRUE);
    const deleted = await alice().deleteDocument(subject);
    expect(await askBoth('bob', subject, { atLeast: deleted.sequence })).toEqual(BOTH_NULL);
  });
});

describe('teams written through the teams service', () => {
  let team: string;
  let teamEtag: string;
  let subject: string;

  beforeAll(async () => {
    const self = { read: [P('alice')], update: [P('alice')], delete: [P('alice')], govern: [P('alice')] };
    const created = await alice().createTeam({
      isA: 'Team',
      name: 'propagation',
      members: [P('carol')],
      _permissions: { _self: self },
    });
    team = created.value.self;
    teamEtag = created.etag;
    subject = uniqueSubject('team-shared');
    await alice().createDocument(doc(subject, [team]));
  });

  test('a member reads through the team on both runtimes', async () => {
    expect(team).toMatch(/^\/az-tm-[a-z]+-[a-z]+-[0-9a-f]{24}$/);
    expect(await eventually(() => askBoth('carol', subject), same(BOTH_TRUE))).toEqual(BOTH_TRUE);
    expect(await askBoth('dave', subject)).toEqual(BOTH_NULL);
  });

  test('a member added to the team gets access on both runtimes (atLeast)', async () => {
    // dave's actors (his teams: none) are now cached on both runtimes.
    expect(await askBoth('dave', subject)).toEqual(BOTH_NULL);
    const patched = await alice().patchTeam(team, { members: [P('carol'), P('dave')] }, { etag: teamEtag });
    teamEtag = patched.etag;
    expect(patched.value.members).toEqual([P('carol'), P('dave')]);
    expect(await askBoth('dave', subject, { atLeast: patched.sequence })).toEqual(BOTH_TRUE);
  });

  test('a member removed from the team loses access on both runtimes (eventually, without atLeast)', async () => {
    expect(await askBoth('carol', subject)).toEqual(BOTH_TRUE);
    const patched = await alice().patchTeam(team, { members: [P('dave')] }, { etag: teamEtag });
    teamEtag = patched.etag;
    expect(await eventually(() => askBoth('carol', subject), same(BOTH_NULL))).toEqual(BOTH_NULL);
    expect(await askBoth('dave', subject)).toEqual(BOTH_TRUE);
  });

  test('deleting the team: both runtimes keep running and its members lose access', async () => {
    expect(await askBoth('dave', subject)).toEqual(BOTH_TRUE);
    const deleted = await alice().deleteTeam(team);
    expect(await askBoth('dave', subject, { atLeast: deleted.sequence })).toEqual(BOTH_NULL);
    for (const runtime of runtimes) {
      expect(runtime.process.exitCode).toBeNull();
      expect((await call(runtime.url, 'GET', '/health')).status).toBe(200);
    }
    // Still answering other questions correctly.
    const other = uniqueSubject('after-team-delete');
    const created = await alice().createDocument(doc(other, [P('dave')]));
    expect(await askBoth('dave', other, { atLeast: created.sequence })).toEqual(BOTH_TRUE);
  });
});

describe('read-your-writes across processes', () => {
  test('every answer at atLeast=N reflects write N, never the state before it', async () => {
    const subject = uniqueSubject('ryw');
    let res: Versioned<unknown> = await alice().createDocument(doc(subject, []));
    let readers: string[] = [];
    const wrong: string[] = [];
    for (let round = 0; round < 8; round++) {
      // Both runtimes hold the current state in their caches before the next write.
      expect(await askBoth('bob', subject, { atLeast: res.sequence })).toEqual(
        readers.length > 0 ? BOTH_TRUE : BOTH_NULL,
      );
      readers = readers.length > 0 ? [] : [P('bob')];
      res = await alice().patchDocument(subject, { _self: { read: readers } }, { etag: res.etag });
      const expected = readers.length > 0 ? BOTH_TRUE : BOTH_NULL;
      const byQuery = await askBoth('bob', subject, { atLeast: res.sequence });
      const byHeader = await askBoth('bob', subject, { header: res.sequence });
      if (JSON.stringify(byQuery) !== JSON.stringify(expected)) wrong.push(`round ${round} atLeast: ${byQuery}`);
      if (JSON.stringify(byHeader) !== JSON.stringify(expected)) wrong.push(`round ${round} header: ${byHeader}`);
    }
    expect(wrong).toEqual([]);
  });

  test('X-Min-Event-Sequence alone is enough right after a team write', async () => {
    const self = { read: [P('alice')], update: [P('alice')], delete: [P('alice')], govern: [P('alice')] };
    const subject = uniqueSubject('ryw-team');
    const created = await alice().createTeam({
      isA: 'Team',
      name: 'ryw',
      members: [P('bob')],
      _permissions: { _self: self },
    });
    const team = created.value.self;
    const shared = await alice().createDocument(doc(subject, [team]));
    expect(await askBoth('bob', subject, { header: shared.sequence })).toEqual(BOTH_TRUE);
    const emptied = await alice().patchTeam(team, { members: [] }, { etag: created.etag });
    expect(await askBoth('bob', subject, { header: emptied.sequence })).toEqual(BOTH_NULL);
  });

  test('a sequence number no write has produced yet: 503 after a bounded wait, not a stale answer', async () => {
    const subject = uniqueSubject('future');
    const created = await alice().createDocument(doc(subject, [P('bob')]));
    const future = (created.sequence ?? 0) + 1_000_000;
    const bob = cluster.client('bob', runtimes[0].url, { retry: { retries: 0 } });
    const question = bob.isAllowed({ resource: subject, user: P('bob'), action: 'read', atLeast: future });
    await expect(question).rejects.toBeInstanceOf(UnavailableError);
    await expect(question).rejects.toMatchObject({
      status: 503,
      msg: `this runtime has not yet applied event ${future}; retry shortly`,
      body: { atLeast: future, requestId: expect.any(String) },
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
