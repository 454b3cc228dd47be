import { ANYONE } from '@permissions/model';
import {
  auth,
  create,
  governedBy,
  parentOwnedBy,
  storedRow,
  subjectFor,
  useStack,
  type Maintenance,
  type User,
} from './fixtures';

/** `PATCH /az-permissions?…&dryRun=true` (CONTRACT §5): validated as the PATCH, answers gains and losses, stores nothing. */
const get = useStack();
const MERGE = 'application/merge-patch+json';

function patch(
  m: Maintenance,
  who: User,
  subject: string,
  body: unknown,
  options: { etag?: string; dryRun?: string; type?: string } = {},
) {
  const query = `subject=${encodeURIComponent(subject)}${options.dryRun === undefined ? '' : `&dryRun=${options.dryRun}`}`;
  const request = m.stack.http
    .patch(`/az-permissions?${query}`)
    .set(auth(m.tokens[who]))
    .set('Content-Type', options.type ?? MERGE);
  if (options.etag !== undefined) request.set('If-Match', options.etag);
  return request.send(typeof body === 'string' ? body : (body as object));
}

/** The sequence itself: a dry run must not even take a number (a hole listeners would wait for). */
async function lastSeq(m: Maintenance): Promise<number> {
  const { rows } = await m.stack.db.pool.query<{ seq: string }>(
    'SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS seq FROM events_seq_seq',
  );
  return Number(rows[0].seq);
}

async function etagOf(m: Maintenance, subject: string): Promise<string> {
  return `e${(await storedRow(m, subject))?.seq}`;
}

test('answers the document after the change and who gains or loses what on it and its heirs; stores nothing', async () => {
  const m = get();
  const parent = subjectFor('preview');
  await create(m, 'alice', parentOwnedBy(parent, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.bob] } }));
  const heir = `${parent}/heir`;
  await create(m, 'alice', { _subject: heir, _inheritsPermissionsOf: [parent], notes: { read: [m.p.dave] } });
  const etag = await etagOf(m, parent);
  const rows = await Promise.all([parent, heir].map((s) => storedRow(m, s)));
  const seq = await lastSeq(m);

  const res = await patch(
    m,
    'alice',
    parent,
    { _self: { read: [m.p.carol], delete: [ANYONE] } },
    { etag, dryRun: 'true' },
  );
  expect(res.status).toBe(200);
  expect(res.headers['x-event-sequence']).toBeUndefined();
  // the version previewed: a PATCH with it as If-Match makes exactly this change
  expect(res.headers.etag).toBe(etag);
  expect(res.body.document).toEqual({
    ...rows[0]?.data,
    _self: { govern: [m.p.alice], admin: [m.p.alice], read: [m.p.carol], delete: [ANYONE] },
    _metadata: {
      ...(rows[0]?.data._metadata as object),
      modifier: m.p.alice,
      modified: expect.any(String),
      sharedWith: [ANYONE, m.p.alice, m.p.carol].sort(),
    },
  });
  const onEach = {
    [ANYONE]: { _self: ['delete'] },
    [m.p.alice]: { _self: ['delete'] },
    [m.p.bob]: { _self: ['delete'] },
    [m.p.carol]: { _self: ['delete', 'read'] },
  };
  expect(res.body.gains).toEqual({
    [parent]: onEach,
    // on the heir, dave (named in its notes) is asked too: the wildcard lets him delete it
    [heir]: { ...onEach, [m.p.dave]: { _self: ['delete'] } },
  });
  expect(res.body.losses).toEqual({
    [parent]: { [m.p.bob]: { _self: ['read'] } },
    [heir]: { [m.p.bob]: { _self: ['read'] } },
  });

  expect(await Promise.all([parent, heir].map((s) => storedRow(m, s)))).toEqual(rows);
  expect(await lastSeq(m)).toBe(seq);
  // the same patch for real then applies with the same ETag
  const real = await patch(m, 'alice', parent, { _self: { read: [m.p.carol], delete: [ANYONE] } }, { etag });
  expect(real.status).toBe(200);
  expect(real.body._self).toEqual(res.body.document._self);
});

test('every mistake answers as the real PATCH does, and neither stores anything', async () => {
  const m = get();
  const subject = subjectFor('mistakes');
  await create(m, 'alice', governedBy(subject, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.bob] } }));
  const hidden = subjectFor('hidden');
  await create(m, 'alice', governedBy(hidden, m.p.alice));
  const etag = await etagOf(m, subject);
  const cases: Array<[string, User, string, unknown, { etag?: string; type?: string }]> = [
    ['missing document', 'alice', subjectFor('missing'), { x: 1 }, { etag: '*' }],
    ['hidden from bob', 'bob', hidden, { x: 1 }, { etag: '*' }],
    ['bob may read, not govern', 'bob', subject, { x: 1 }, { etag }],
    ['bad content type', 'alice', subject, '{"x": 1}', { etag, type: 'text/plain' }],
    ['missing If-Match', 'alice', subject, { x: 1 }, {}],
    ['stale If-Match', 'alice', subject, { x: 1 }, { etag: 'e1' }],
    ['_subject changed', 'alice', subject, { _subject: 'other' }, { etag }],
    ['no governor left', 'alice', subject, { _self: { govern: [] } }, { etag }],
    ['unknown e-mail', 'alice', subject, { _self: { read: [`${m.stack.idp.issuer}#nobody@example.com`] } }, { etag }],
    ['missing parent', 'alice', subject, { _inheritsPermissionsOf: [subjectFor('ghost')] }, { etag }],
    ['locked out', 'alice', subject, { _constraints: { validIssuers: ['https://nobody.example'] } }, { etag }],
  ];
  for (const [what, who, s, body, options] of cases) {
    const seq = await lastSeq(m);
    const row = await storedRow(m, subject);
    const dry = await patch(m, who, s, body, { ...options, dryRun: 'true' });
    const real = await patch(m, who, s, body, options);
    expect([what, dry.status, dry.body]).toEqual([what, real.status, real.body]);
    expect(dry.status).toBeGreaterThanOrEqual(400);
    expect(await storedRow(m, subject)).toEqual(row);
    // a refused write never takes a number either
    expect([what, await lastSeq(m)]).toEqual([what, seq]);
  }
});

test('heirs the caller may not read are not previewed; a dryRun that is neither true nor false is a 400', async () => {
  const m = get();
  const parent = subjectFor('shared');
  await create(
    m,
    'alice',
    parentOwnedBy(parent, m.p.alice, {
      _self: { govern: [m.p.alice, m.p.bob] },
      _permissionsHeirs: { add: [m.p.alice, m.p.carol] },
    }),
  );
  // carol attaches her own heir, which bob (governor of the parent) may not read: a veto keeps him out
  const carols = `${parent}/carols`;
  await create(m, 'carol', {
    _subject: carols,
    _inheritsPermissionsOf: [parent],
    _self: { govern: [m.p.carol] },
    _constraints: { wideningForbidden: true },
  });
  const readable = `${parent}/readable`;
  await create(m, 'alice', { _subject: readable, _inheritsPermissionsOf: [parent] });
  const etag = await etagOf(m, parent);
  const res = await patch(
    m,
    'bob',
    parent,
    { _self: { govern: [m.p.alice, m.p.bob], read: [m.p.dave] } },
    {
      etag,
      dryRun: '1',
    },
  );
  expect(res.status).toBe(200);
  expect(Object.keys(res.body.gains).sort()).toEqual([parent, readable].sort());
  expect(JSON.stringify(res.body)).not.toContain(carols);

  for (const value of ['yes', 'maybe', 'true&dryRun=true']) {
    const bad = await patch(m, 'alice', parent, { x: 1 }, { etag, dryRun: value });
    expect([bad.status, bad.body]).toEqual([400, { msg: 'dryRun must be true or false' }]);
  }
  expect(await etagOf(m, parent)).toBe(etag);
});

test('past 1000 heirs, the first 1000 are previewed and heirsOmitted says so', async () => {
  const m = get();
  const parent = subjectFor('many');
  await create(m, 'alice', parentOwnedBy(parent, m.p.alice));
  const heirs = Array.from({ length: 1001 }, (_, i) => ({
    _subject: `${parent}/${String(i).padStart(4, '0')}`,
    _inheritsPermissionsOf: [parent],
  }));
  const imported = await m.stack.http.post('/az-permissions-bulk').set(auth(m.tokens.alice)).send({ documents: heirs });
  expect(imported.status).toBe(200);
  const res = await patch(
    m,
    'alice',
    parent,
    { _self: { govern: [m.p.alice], read: [m.p.bob] } },
    {
      etag: await etagOf(m, parent),
      dryRun: 'true',
    },
  );
  expect(res.status).toBe(200);
  expect(res.body.heirsOmitted).toBe(true);
  expect(Object.keys(res.body.gains)).toHaveLength(1 + 1000);
  expect(res.body.gains[`${parent}/1000`]).toBeUndefined();
});
