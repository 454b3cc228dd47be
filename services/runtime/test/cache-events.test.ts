import { deleteOldEvents, serializeBroadcast, signBroadcast } from '@permissions/events';
import { enclosingPrefixes, type PermissionsDocument } from '@permissions/model';
import {
  auth,
  createDocument,
  createTeam,
  documentLookups,
  governed,
  patchDocument,
  query,
  subjectFor,
  useStack,
  type Runtime,
} from './runtime-fixtures';

/**
 * The runtime's caches as events drive them. The periodic poll is pushed far beyond the file's run time, so the
 * runtime learns of a change only through a broadcast, a read-your-writes wait (which polls at once) or not at all:
 * a write made straight through the store, which broadcasts nothing, stays invisible until asked for. Short database
 * timeouts make a hole left by a rolled-back write skippable within a second.
 *
 * SPEEDUP makes the writers re-read the listener list every 100 ms: the launcher starts the broadcaster before the
 * runtime registers, so in the first refresh interval after start writes are not broadcast to it (reported).
 */
const rt = useStack({
  SPEEDUP: '50',
  EVENT_POLL_INTERVAL_MS: String(50 * 600_000),
  NEGATIVE_CACHE_TTL_MS: String(50 * 60_000),
  MIN_SEQUENCE_WAIT_MS: '1500',
  DB_STATEMENT_TIMEOUT_MS: '300',
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '300',
});

beforeAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 300)); // the writers' next listener-list refresh (see above)
});

const as = (who: keyof Runtime['tokens']) => auth(rt().tokens[who]);

async function isAllowed(resource: string, who: 'alice' | 'bob' | 'carol', action: string, extra = '') {
  const res = await rt()
    .stack.http.get(
      `/az-is-allowed?${query([
        ['resource', resource],
        ['user', rt().p[who]],
        ['action', action],
      ])}${extra}`,
    )
    .set(as(who));
  if (res.status !== 200) throw new Error(`is-allowed: ${res.status} ${res.text}`);
  return JSON.parse(res.text) as boolean | null;
}

/** Rewrites a document straight through the store: committed, evented, but never broadcast. */
async function writeUnannounced(subject: string, change: (doc: PermissionsDocument) => PermissionsDocument) {
  const { store } = rt().stack.db;
  const stored = await store.getDocument(subject);
  if (!stored) throw new Error(`no document ${subject}`);
  const written = await store.write((tx) => tx.updateDocument(change(stored.document), stored.seq));
  return written.events[0];
}

async function patchTeam(id: string, patch: Record<string, unknown>) {
  const r = rt();
  const read = await r.stack.http.get(id).set(as('alice'));
  const res = await r.stack.http
    .patch(id)
    .set(as('alice'))
    .set('Content-Type', 'application/merge-patch+json')
    .set('If-Match', read.headers.etag as string)
    .send(JSON.stringify(patch));
  if (res.status !== 200) throw new Error(`patch team: ${res.status} ${res.text}`);
  return res.headers['x-event-sequence'] as string;
}

describe('permissions events', () => {
  test('after a PATCH through maintenance the answer changes at once (the writer broadcasts before answering)', async () => {
    const r = rt();
    const subject = subjectFor('patched');
    await createDocument(r, governed(r, subject, { _self: { govern: [r.p.alice], read: [r.p.alice] } }));
    expect(await isAllowed(subject, 'bob', 'read')).toBeNull();
    await patchDocument(r, subject, { _self: { read: [r.p.alice, r.p.bob] } });
    expect(await isAllowed(subject, 'bob', 'read')).toBe(true);
  });

  test('read-your-writes: atLeast=N and X-Min-Event-Sequence answer from state that includes event N', async () => {
    const r = rt();
    const subject = subjectFor('ryw');
    await createDocument(r, governed(r, subject, { _self: { govern: [r.p.alice] } }));
    expect(await isAllowed(subject, 'bob', 'read')).toBeNull();

    const first = await writeUnannounced(subject, (doc) => ({ ...doc, _self: { ...doc._self, read: [r.p.bob] } }));
    expect(await isAllowed(subject, 'bob', 'read')).toBeNull(); // not broadcast: the cached version still answers
    expect(await isAllowed(subject, 'bob', 'read', `&atLeast=${first.seq}`)).toBe(true);

    const second = await writeUnannounced(subject, (doc) => ({ ...doc, _self: { ...doc._self, read: [] } }));
    const res = await r.stack.http
      .get(
        `/az-is-allowed?${query([
          ['resource', subject],
          ['user', r.p.bob],
          ['action', 'read'],
        ])}`,
      )
      .set(as('bob'))
      .set('X-Min-Event-Sequence', String(second.seq));
    expect(res.status).toBe(200);
    expect(res.text).toBe('null');
  });

  test('atLeast of an event that never comes: 503 {msg} once the configured wait is over; then serving as before', async () => {
    const r = rt();
    const subject = subjectFor('future');
    await createDocument(r, governed(r, subject, { _self: { govern: [r.p.alice], read: [r.p.alice] } }));
    const far = 10 ** 12;
    const res = await r.stack.http
      .get(
        `/az-is-allowed?${query([
          ['resource', subject],
          ['user', r.p.alice],
          ['action', 'read'],
          ['atLeast', String(far)],
        ])}`,
      )
      .set(as('alice'));
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      msg: `this runtime has not yet applied event ${far}; retry shortly`,
      atLeast: far,
      requestId: res.headers['x-request-id'],
    });
    expect(await isAllowed(subject, 'alice', 'read')).toBe(true);
  });

  test('an unknown resource is cached as absent: asking twice costs no second load (B18)', async () => {
    const unknown = subjectFor('unknown');
    // The resource and where its namespace may be (`http:`, `http://example.com`): absent, each loaded once.
    const looked = 1 + enclosingPrefixes(unknown).length;
    const before = await documentLookups(rt());
    expect(await isAllowed(unknown, 'alice', 'read')).toBeNull();
    const first = await documentLookups(rt());
    expect(first.miss - before.miss).toBe(looked);
    // Another action: not an answer remembered by the decision memo, so the document cache is asked again.
    expect(await isAllowed(unknown, 'alice', 'update')).toBeNull();
    const after = await documentLookups(rt());
    expect({ miss: after.miss - first.miss, negative: after.negative - first.negative }).toEqual({
      miss: 0,
      negative: looked,
    });
  });
});

describe('forged broadcasts (W3)', () => {
  test('POST /az-events unsigned or badly signed is 401 and leaves the caches alone; a signed one is applied', async () => {
    const r = rt();
    const subject = subjectFor('forged');
    await createDocument(r, governed(r, subject, { _self: { govern: [r.p.alice] } }));
    expect(await isAllowed(subject, 'bob', 'read')).toBeNull();
    const event = await writeUnannounced(subject, (doc) => ({ ...doc, _self: { ...doc._self, read: [r.p.bob] } }));
    const body = serializeBroadcast([event]);
    const send = (headers: Record<string, string>) =>
      r.stack.http.post('/az-events').set('Content-Type', 'application/json').set(headers).send(body);

    const unsigned = await send({});
    expect(unsigned.status).toBe(401);
    expect(unsigned.body).toEqual({ msg: 'event broadcast is not signed' });
    const withUserToken = await send(as('alice'));
    expect(withUserToken.status).toBe(401);
    const badlySigned = await send(signBroadcast(body, 'not-the-events-secret', Date.now()));
    expect(badlySigned.status).toBe(401);
    expect(badlySigned.body).toEqual({ msg: 'event broadcast signature is wrong' });
    expect(await isAllowed(subject, 'bob', 'read')).toBeNull();

    const signed = await send(signBroadcast(body, r.stack.config.eventsSecret as string, Date.now()));
    expect(signed.status).toBe(200);
    expect(await isAllowed(subject, 'bob', 'read')).toBe(true);
  });
});

describe('team events', () => {
  let base: string;
  let team: string;
  let teamSeq: number;

  beforeAll(async () => {
    const r = rt();
    base = subjectFor('team-base');
    await createDocument(r, governed(r, base));
    const created = await createTeam(r, { members: [r.p.bob], roles: { [base]: { '/': ['read'] } } });
    team = created.id;
    teamSeq = created.seq;
  });

  test('a new member is recognised and a removed one is not (B3)', async () => {
    const r = rt();
    const resource = `${base}/members`;
    expect(await isAllowed(resource, 'carol', 'read')).toBeNull();
    expect(await isAllowed(resource, 'bob', 'read', `&atLeast=${teamSeq}`)).toBe(true);
    const seq = await patchTeam(team, { members: [r.p.carol] });
    expect(await isAllowed(resource, 'carol', 'read', `&atLeast=${seq}`)).toBe(true);
    expect(await isAllowed(resource, 'bob', 'read', `&atLeast=${seq}`)).toBeNull();
  });

  test('a change of roles is seen by the members (B2)', async () => {
    const resource = `${base}/roles`;
    expect(await isAllowed(resource, 'carol', 'delete')).toBeNull();
    const seq = await patchTeam(team, { roles: { [base]: { '/': ['read', 'delete'] } } });
    expect(await isAllowed(resource, 'carol', 'delete', `&atLeast=${seq}`)).toBe(true);
  });

  test('deleting a team does not stop the runtime (B1) and its members lose its roles (B4)', async () => {
    const r = rt();
    const resource = `${base}/deleted`;
    expect(await isAllowed(resource, 'carol', 'read')).toBe(true);
    const deleted = await r.stack.http.delete(team).set(as('alice'));
    expect(deleted.status).toBe(200);
    const seq = deleted.headers['x-event-sequence'] as string;
    expect(await isAllowed(resource, 'carol', 'read', `&atLeast=${seq}`)).toBeNull();
    expect((await r.stack.http.get('/health')).status).toBe(200);
  });
});

/**
 * What authority added to an answer (CONTRACT §4.8): the base document's incarnation, the team's binding to it, and
 * namespace marks. Each answer is asked twice first, so that it is remembered; the event of the change must make
 * every cache that held it forget it (remembered decisions, documents and "no document" entries, teams).
 */
describe('authority events', () => {
  const bobAsks = (resource: string, seq: number | string) => isAllowed(resource, 'bob', 'read', `&atLeast=${seq}`);
  async function rememberedAs(resource: string, seq: number, expected: boolean | null) {
    expect(await bobAsks(resource, seq)).toBe(expected);
    expect(await bobAsks(resource, seq)).toBe(expected);
  }

  test('deleting a base ends its roles in remembered answers; creating it again does not revive them', async () => {
    const r = rt();
    const base = subjectFor('bound-base');
    await createDocument(r, governed(r, base)); // alice governs /: a namespace
    const team = await createTeam(r, { members: [r.p.bob], roles: { [base]: { '/': ['read'] } } });
    await rememberedAs(`${base}/free`, team.seq, true);

    const deleted = await r.stack.http.delete(`/az-permissions?${base}`).set(as('alice'));
    expect(deleted.status).toBe(200);
    expect(await bobAsks(`${base}/free`, deleted.headers['x-event-sequence'] as string)).toBeNull();
    const again = await createDocument(r, governed(r, base));
    expect(await bobAsks(`${base}/free`, again.seq)).toBeNull();
  });

  test("ending a team's roles on a base (DELETE /az-roles) is seen at once", async () => {
    const r = rt();
    const base = subjectFor('revoked-base');
    await createDocument(r, governed(r, base));
    const team = await createTeam(r, { members: [r.p.bob], roles: { [base]: { '/': ['read'] } } });
    await rememberedAs(`${base}/x`, team.seq, true);

    const revoked = await r.stack.http
      .delete(
        `/az-roles?${query([
          ['base', base],
          ['team', team.id],
        ])}`,
      )
      .set(as('alice'));
    expect(revoked.status).toBe(200);
    expect(await bobAsks(`${base}/x`, revoked.headers['x-event-sequence'] as string)).toBeNull();
  });

  test("a namespace created inside another hides the outer one's roles from the undocumented URLs under it", async () => {
    const r = rt();
    const outer = subjectFor('outer');
    const inner = `${outer}/inner`;
    await createDocument(r, governed(r, outer));
    const team = await createTeam(r, { members: [r.p.bob], roles: { [outer]: { '/': ['read'] } } });
    // The answer rests on `inner` having no document ("no document", cached as a namespace candidate).
    await rememberedAs(`${inner}/x`, team.seq, true);

    const created = await createDocument(r, governed(r, inner));
    expect(await bobAsks(`${inner}/x`, created.seq)).toBeNull();
    expect(await bobAsks(`${outer}/elsewhere`, created.seq)).toBe(true);
    // The inner namespace's own roles decide there now.
    const innerTeam = await createTeam(r, { members: [r.p.bob], roles: { [inner]: { '/': ['read'] } } });
    expect(await bobAsks(`${inner}/x`, innerTeam.seq)).toBe(true);
  });
});

describe('holes and retention', () => {
  test('a rolled-back write (409 duplicate create) leaves a hole that is skipped without flushing the cache (B16)', async () => {
    const r = rt();
    const subject = subjectFor('kept');
    await createDocument(r, governed(r, subject, { _self: { govern: [r.p.alice], read: [r.p.alice] } }));
    expect(await isAllowed(subject, 'alice', 'read')).toBe(true);

    const duplicate = await r.stack.http.post('/az-permissions').set(as('alice')).send(governed(r, subject));
    expect(duplicate.status).toBe(409);
    const next = subjectFor('after-hole');
    const { seq } = await createDocument(r, governed(r, next));
    const hole = seq - 1;
    const { rows } = await r.stack.db.pool.query('SELECT count(*)::int AS n FROM events WHERE seq = $1', [hole]);
    expect(rows[0].n).toBe(0);

    // The hole is known once an event above it is applied; past the longest a write transaction may stay open
    // (900 ms here), it is skipped and atLeast=hole is answered.
    expect(await isAllowed(next, 'alice', 'govern', `&atLeast=${seq}`)).toBe(true);
    const before = await documentLookups(r);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await isAllowed(subject, 'alice', 'read', `&atLeast=${hole}`)).toBe(true);
    const after = await documentLookups(r);
    expect({ hit: after.hit - before.hit, miss: after.miss - before.miss }).toEqual({ hit: 1, miss: 0 });
  });

  test('a runtime that fell behind the retention window drops its caches and reloads', async () => {
    const r = rt();
    const subject = subjectFor('behind');
    const other = subjectFor('behind-other');
    await createDocument(r, governed(r, subject, { _self: { govern: [r.p.alice] } }));
    await createDocument(r, governed(r, other, { _self: { govern: [r.p.alice], read: [r.p.alice] } }));
    expect(await isAllowed(subject, 'bob', 'read')).toBeNull();
    expect(await isAllowed(other, 'alice', 'read')).toBe(true);

    const event = await writeUnannounced(subject, (doc) => ({ ...doc, _self: { ...doc._self, read: [r.p.bob] } }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const collected = await deleteOldEvents(r.stack.db.pool, 5);
    expect(collected.maxDeletedSeq).toBe(event.seq);

    // The event is gone, so only a full drop can make the runtime see the change.
    const before = await documentLookups(r);
    expect(await isAllowed(subject, 'bob', 'read', `&atLeast=${event.seq}`)).toBe(true);
    expect(await isAllowed(other, 'alice', 'read')).toBe(true);
    const after = await documentLookups(r);
    expect(after.miss - before.miss).toBe(2);
  });
});
