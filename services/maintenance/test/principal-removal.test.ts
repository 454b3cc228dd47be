import { MAX_REMOVAL_TARGETS } from '@permissions/model';
import {
  auth,
  create,
  governedBy,
  lastEventSeq,
  parentOwnedBy,
  storedRow,
  subjectFor,
  useStack,
  type Maintenance,
  type User,
} from './fixtures';

/** `POST /az-principals-removal` (CONTRACT §5): a principal out of everything the caller governs, in one transaction. */
const get = useStack();

function removal(m: Maintenance, who: User, body: unknown) {
  return m.stack.http
    .post('/az-principals-removal')
    .set(auth(m.tokens[who]))
    .send(body as object);
}

async function createTeam(m: Maintenance, who: User, members: string[], permissions: object): Promise<string> {
  const res = await m.stack.http
    .post('/az-teams')
    .set(auth(m.tokens[who]))
    .send({ isA: 'Team', name: 'removal test', members, _permissions: permissions });
  if (res.status !== 201) throw new Error(`team: ${res.status} ${JSON.stringify(res.body)}`);
  return res.headers.location as string;
}

async function teamMembers(m: Maintenance, id: string): Promise<string[]> {
  const { rows } = await m.stack.db.pool.query<{ data: { members: string[] } }>(
    'SELECT data FROM teams WHERE id = $1',
    [id],
  );
  return rows[0].data.members;
}

async function lastSeq(m: Maintenance): Promise<number> {
  const { rows } = await m.stack.db.pool.query<{ seq: string }>(
    'SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS seq FROM events_seq_seq',
  );
  return Number(rows[0].seq);
}

/**
 * alice's world: documents naming dave in every kind of action map, her team with dave in it, carol's document and
 * team alice may read but not change, bob's document alice may not even know of.
 */
async function world(m: Maintenance) {
  const mine = subjectFor('mine');
  await create(m, 'alice', {
    ...parentOwnedBy(mine, m.p.alice),
    _self: { govern: [m.p.alice], read: [m.p.dave, m.p.bob] },
    _permissionsHeirs: { add: [m.p.alice, m.p.dave] },
    keyvaluemaps: { read: [m.p.dave] },
  });
  const heir = `${mine}/heir`;
  await create(m, 'alice', { _subject: heir, _inheritsPermissionsOf: [mine], _self: { update: [m.p.dave] } });
  const carols = subjectFor('carols');
  await create(
    m,
    'carol',
    governedBy(carols, m.p.carol, { _self: { govern: [m.p.carol], admin: [m.p.alice, m.p.carol], read: [m.p.dave] } }),
  );
  const bobs = subjectFor('bobs');
  await create(m, 'bob', governedBy(bobs, m.p.bob, { _self: { govern: [m.p.bob], read: [m.p.dave] } }));
  const aliceTeam = await createTeam(m, 'alice', [m.p.alice, m.p.dave], {
    _self: { govern: [m.p.alice], update: [m.p.alice] },
  });
  const carolTeam = await createTeam(m, 'carol', [m.p.carol, m.p.dave], {
    _self: { govern: [m.p.carol], update: [m.p.carol], read: [m.p.alice] },
  });
  const bobTeam = await createTeam(m, 'bob', [m.p.bob, m.p.dave], { _self: { govern: [m.p.bob], update: [m.p.bob] } });
  return { mine, heir, carols, bobs, aliceTeam, carolTeam, bobTeam };
}

test('removes the principal from every document and team the caller governs; lists only what he may know of', async () => {
  const m = get();
  const w = await world(m);
  const before = await lastEventSeq(m);
  const res = await removal(m, 'alice', { principal: m.p.dave, dryRun: false });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    principal: m.p.dave,
    dryRun: false,
    documents: [
      { subject: w.heir, removed: { _self: ['update'] } },
      { subject: w.mine, removed: { _self: ['read'], _permissionsHeirs: ['add'], keyvaluemaps: ['read'] } },
    ].sort((a, b) => (a.subject < b.subject ? -1 : 1)),
    teams: [{ team: w.aliceTeam, removed: ['members'] }],
    // carol's document and team: alice may read them, so she is told why they stay; bob's: nothing at all
    // (sorted by subject or team URL: http://… before /az-tm-…)
    skipped: [
      { team: w.carolTeam, reason: 'you may not update it' },
      { subject: w.carols, reason: 'you may not govern it' },
    ].sort((a, b) => (Object.values(a)[0] < Object.values(b)[0] ? -1 : 1)),
    sequence: Number(res.headers['x-event-sequence']),
  });
  expect(JSON.stringify(res.body)).not.toContain(w.bobs);
  expect(JSON.stringify(res.body)).not.toContain(w.bobTeam);

  const mine = await storedRow(m, w.mine);
  expect(mine?.data._self).toEqual({ govern: [m.p.alice], admin: [m.p.alice], read: [m.p.bob] });
  expect(mine?.data._permissionsHeirs).toEqual({ add: [m.p.alice] });
  expect(mine?.data.keyvaluemaps).toEqual({ read: [] });
  expect(mine?.data._metadata).toMatchObject({ modifier: m.p.alice, sharedWith: [m.p.alice, m.p.bob].sort() });
  expect(await teamMembers(m, w.aliceTeam)).toEqual([m.p.alice]);
  expect(await teamMembers(m, w.carolTeam)).toEqual([m.p.carol, m.p.dave]);
  expect((await storedRow(m, w.bobs))?.data._self).toEqual({ govern: [m.p.bob], admin: [m.p.bob], read: [m.p.dave] });

  // one event per change, in one transaction
  const { rows } = await m.stack.db.pool.query<{ topic: string; subject: string }>(
    'SELECT topic, subject FROM events WHERE seq > $1 ORDER BY seq',
    [before],
  );
  expect(rows.map((r) => r.subject).sort()).toEqual([w.aliceTeam, w.heir, w.mine].sort());
  expect(
    Math.max(
      ...(await m.stack.db.pool.query<{ seq: string }>('SELECT seq FROM events WHERE seq > $1', [before])).rows.map(
        (r) => Number(r.seq),
      ),
    ),
  ).toBe(res.body.sequence);

  // and the runtime sees it: dave may no longer read alice's document
  const asked = await m.stack.http
    .get(
      `/az-is-allowed?resource=${encodeURIComponent(w.mine)}&user=${encodeURIComponent(m.p.dave)}&action=read&atLeast=${res.body.sequence}`,
    )
    .set(auth(m.tokens.dave));
  expect([asked.status, asked.body]).toEqual([200, null]);
});

test('dryRun answers exactly what the removal then does, and writes nothing (no event, no sequence number)', async () => {
  const m = get();
  const w = await world(m);
  const rows = await Promise.all([w.mine, w.heir].map((s) => storedRow(m, s)));
  const seq = await lastSeq(m);
  const dry = await removal(m, 'alice', { principal: m.p.dave, dryRun: true });
  expect(dry.status).toBe(200);
  expect(dry.headers['x-event-sequence']).toBeUndefined();
  expect(dry.body.sequence).toBeNull();
  expect(await lastSeq(m)).toBe(seq);
  expect(await Promise.all([w.mine, w.heir].map((s) => storedRow(m, s)))).toEqual(rows);
  expect(await teamMembers(m, w.aliceTeam)).toContain(m.p.dave);
  const real = await removal(m, 'alice', { principal: m.p.dave, dryRun: false });
  const { dryRun: _d, sequence: _s, ...previewed } = dry.body;
  const { dryRun: _r, sequence: _t, ...done } = real.body;
  expect(previewed).toEqual(done);
  expect(dry.body.documents.map((d: { subject: string }) => d.subject)).toEqual(
    expect.arrayContaining([w.mine, w.heir]),
  );
});

test('a document that nobody could read or repair after the removal is skipped and said; the others go on', async () => {
  const m = get();
  const alone = subjectFor('dave-alone');
  // dave and alice govern it (and administer it, as govern implies when admin is not given)
  await create(m, 'alice', { _subject: alone, _self: { govern: [m.p.dave, m.p.alice] } });
  const locked = subjectFor('only-dave-reads');
  // alice governs it, but only dave may read it (a veto keeps the governors of / out): without him nobody could
  await create(m, 'alice', {
    _subject: locked,
    _self: { govern: [m.p.alice], admin: [m.p.dave] },
    _constraints: { wideningForbidden: true },
  });
  const fine = subjectFor('fine');
  await create(m, 'alice', governedBy(fine, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.dave] } }));
  const res = await removal(m, 'alice', { principal: m.p.dave, dryRun: false });
  expect(res.status).toBe(200);
  const about = (s: string) => res.body.skipped.find((entry: { subject?: string }) => entry.subject === s);
  expect(about(locked)).toEqual({
    subject: locked,
    reason: expect.stringContaining('would leave nobody allowed to admin'),
  });
  expect((await storedRow(m, locked))?.data._self).toEqual({ govern: [m.p.alice], admin: [m.p.dave] });
  expect(res.body.documents).toContainEqual({ subject: fine, removed: { _self: ['read'] } });
  expect(res.body.documents).toContainEqual({ subject: alone, removed: { _self: ['admin', 'govern'] } });
  // alice still governs `alone`: only dave went
  expect((await storedRow(m, alone))?.data._self).toEqual({ govern: [m.p.alice], admin: [m.p.alice] });
});

test('the only governor is never removed from a document without parents', async () => {
  const m = get();
  const solo = subjectFor('solo');
  await create(m, 'dave', governedBy(solo, m.p.dave));
  const res = await removal(m, 'dave', { principal: m.p.dave, dryRun: false });
  expect(res.status).toBe(200);
  expect(res.body.skipped).toContainEqual({
    subject: solo,
    reason: `permissions for ${solo} must specify inheritance or at least one governor`,
  });
  expect((await storedRow(m, solo))?.data._self).toEqual({ govern: [m.p.dave], admin: [m.p.dave] });
});

test('bob, who governs none of them, changes nothing and learns nothing of alice\u2019s documents', async () => {
  const m = get();
  const w = await world(m);
  const before = await lastEventSeq(m);
  const res = await removal(m, 'bob', { principal: m.p.dave, dryRun: false });
  expect(res.status).toBe(200);
  const told = JSON.stringify(res.body);
  for (const hidden of [w.mine, w.heir, w.carols, w.aliceTeam, w.carolTeam]) expect(told).not.toContain(hidden);
  // what bob governs goes (his own document and team), nothing else
  expect(res.body.documents.map((d: { subject: string }) => d.subject)).toContain(w.bobs);
  expect((await storedRow(m, w.mine))?.data.keyvaluemaps).toEqual({ read: [m.p.dave] });
  expect(await lastEventSeq(m)).toBeGreaterThan(before);
});

test('an e-mail names the user it stands for; a team URL is removed from documents as any principal', async () => {
  const m = get();
  const subject = subjectFor('by-email');
  await create(
    m,
    'alice',
    governedBy(subject, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.carol, '/az-tm-gone'] } }),
  );
  const byEmail = await removal(m, 'alice', { principal: `${m.stack.idp.issuer}#carol@example.com`, dryRun: false });
  expect(byEmail.status).toBe(200);
  expect(byEmail.body.principal).toBe(m.p.carol);
  expect(byEmail.body.documents).toContainEqual({ subject, removed: { _self: ['read'] } });
  const team = await removal(m, 'alice', { principal: '/az-tm-gone', dryRun: false });
  expect(team.body.documents).toContainEqual({ subject, removed: { _self: ['read'] } });
  expect((await storedRow(m, subject))?.data._self).toEqual({ govern: [m.p.alice], admin: [m.p.alice], read: [] });
});

test('all or nothing: a failure while writing leaves every document and team as it was', async () => {
  const m = get();
  const w = await world(m);
  // a fault on the last statement of the removal's transaction (the documents), after the teams were written
  await m.stack.db.pool.query(`
    CREATE FUNCTION fail_removal() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
  await m.stack.db.pool.query(
    `CREATE TRIGGER fail_removal BEFORE UPDATE ON permissions FOR EACH ROW
     WHEN (NEW.subject = '${w.heir}') EXECUTE FUNCTION fail_removal()`,
  );
  try {
    const rows = await Promise.all([w.mine, w.heir].map((s) => storedRow(m, s)));
    const before = await lastEventSeq(m);
    const res = await removal(m, 'alice', { principal: m.p.dave, dryRun: false });
    expect(res.status).toBe(500);
    expect(await teamMembers(m, w.aliceTeam)).toContain(m.p.dave);
    expect(await Promise.all([w.mine, w.heir].map((s) => storedRow(m, s)))).toEqual(rows);
    expect(await lastEventSeq(m)).toBe(before);
  } finally {
    await m.stack.db.pool.query('DROP TRIGGER fail_removal ON permissions; DROP FUNCTION fail_removal()');
  }
});

test('refusals: the body (400), an unknown e-mail (400), no token (401), another method (405)', async () => {
  const m = get();
  const shapes: Array<[unknown, string]> = [
    [{}, 'invalid JSON: the body must be {"principal": "…", "dryRun": true|false}'],
    [{ principal: '', dryRun: true }, 'invalid JSON: the body must be {"principal": "…", "dryRun": true|false}'],
    [{ principal: 42, dryRun: true }, 'invalid JSON: the body must be {"principal": "…", "dryRun": true|false}'],
    [{ principal: m.p.dave }, 'invalid JSON: "dryRun" must be true (say what would change) or false (change it)'],
    [
      { principal: m.p.dave, dryRun: 'false' },
      'invalid JSON: "dryRun" must be true (say what would change) or false (change it)',
    ],
  ];
  for (const [body, msg] of shapes) {
    const res = await removal(m, 'alice', body);
    expect([res.status, res.body.msg]).toEqual([400, msg]);
  }
  const malformed = await removal(m, 'alice', { principal: 'not-a-principal', dryRun: true });
  expect([malformed.status, malformed.body.msg]).toEqual([
    400,
    'users and clients must be of the form {issuer}#{id} where issuer is a trusted issuer: not-a-principal',
  ]);
  const long = await removal(m, 'alice', { principal: `${m.stack.idp.issuer}#${'x'.repeat(1300)}`, dryRun: true });
  expect([long.status, long.body.limit]).toEqual([400, 1280]);
  const unknown = await removal(m, 'alice', { principal: `${m.stack.idp.issuer}#nobody@example.com`, dryRun: true });
  expect([unknown.status, unknown.body.msg]).toEqual([400, 'invalid email IDs']);
  expect((await m.stack.http.post('/az-principals-removal').send({ principal: m.p.dave, dryRun: true })).status).toBe(
    401,
  );
  const get405 = await m.stack.http.get('/az-principals-removal').set(auth(m.tokens.alice));
  expect([get405.status, get405.headers.allow]).toEqual([405, 'POST']);
});

test(`409 naming the bound when the principal is named in more than ${MAX_REMOVAL_TARGETS} documents and teams`, async () => {
  const m = get();
  const issuer = m.stack.idp.issuer;
  const crowded = `${issuer}#crowded-client`;
  const root = subjectFor('crowded');
  const documents = Array.from({ length: MAX_REMOVAL_TARGETS }, (_, i) => ({
    _subject: `${root}/${i}`,
    _self: { govern: [m.p.alice], read: [crowded] },
  }));
  const imported = await m.stack.http.post('/az-permissions-bulk').set(auth(m.tokens.alice)).send({ documents });
  expect(imported.status).toBe(200);
  await createTeam(m, 'alice', [crowded], { _self: { govern: [m.p.alice], update: [m.p.alice] } });
  const before = await lastEventSeq(m);
  const res = await removal(m, 'alice', { principal: crowded, dryRun: false });
  expect(res.status).toBe(409);
  expect(res.body).toEqual({
    msg: `${crowded} is named in more than ${MAX_REMOVAL_TARGETS} documents and teams, more than one removal may change; remove it from some of them first`,
    limit: MAX_REMOVAL_TARGETS,
  });
  expect(await lastEventSeq(m)).toBe(before);
});
