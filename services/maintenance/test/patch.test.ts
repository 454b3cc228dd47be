import {
  auth,
  create,
  eventAt,
  expectNothingStored,
  governedBy,
  parentOwnedBy,
  permissionsUrl,
  storedRow,
  subjectFor,
  useStack,
  type Maintenance,
  type User,
} from './fixtures';

const get = useStack();
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

function patch(m: Maintenance, who: User, subject: string, body: unknown, headers: Record<string, string>) {
  return m.stack.http
    .patch(permissionsUrl(subject))
    .set(auth(m.tokens[who]))
    .set(headers)
    .send(body as object);
}

describe('PATCH /az-permissions?{subject}: success', () => {
  test('merge patch: 200, new ETag and X-Event-Sequence equal to its update event, metadata kept and stamped', async () => {
    const m = get();
    const subject = subjectFor('merge');
    const etag = await create(m, 'alice', governedBy(subject, m.p.alice, { keep: 1, drop: 2 }));
    const before = await storedRow(m, subject);
    const res = await patch(
      m,
      'alice',
      subject,
      { _self: { read: [m.p.bob] }, drop: null, added: { read: [m.p.carol] } },
      { 'Content-Type': MERGE, 'If-Match': etag },
    );
    expect(res.status).toBe(200);
    const seq = Number(res.headers['x-event-sequence']);
    expect(res.headers.etag).toBe(`e${seq}`);
    expect(res.headers.etag).not.toBe(etag);
    expect(res.headers['content-location']).toBe(permissionsUrl(subject));
    expect(await eventAt(m, seq)).toEqual({ seq, topic: 'permissions', action: 'update', subject });
    expect(res.body).toEqual({
      _subject: subject,
      _self: { govern: [m.p.alice], admin: [m.p.alice], read: [m.p.bob] },
      keep: 1,
      added: { read: [m.p.carol] },
      _metadata: {
        creator: m.p.alice,
        created: before?.data._metadata && (before.data._metadata as { created: string }).created,
        modifier: m.p.alice,
        modified: expect.any(String),
        sharedWith: [m.p.alice, m.p.bob].sort(),
        incarnation: (before?.data._metadata as { incarnation: number }).incarnation,
        namespace: true,
      },
    });
    expect(await storedRow(m, subject)).toEqual({ seq, data: res.body });
  });

  test('JSON patch with the original leniencies: add to a missing array, remove of a missing path', async () => {
    const m = get();
    const subject = subjectFor('json-patch');
    const etag = await create(m, 'alice', governedBy(subject, m.p.alice, { keyvaluemaps: {} }));
    const res = await patch(
      m,
      'alice',
      subject,
      [
        { op: 'add', path: '/_self/read/-', value: m.p.bob },
        { op: 'add', path: '/keyvaluemaps/update/-', value: m.p.carol },
        { op: 'remove', path: '/nothing/here' },
      ],
      { 'Content-Type': JSON_PATCH, 'If-Match': etag },
    );
    expect(res.status).toBe(200);
    expect(res.body._self).toEqual({ govern: [m.p.alice], admin: [m.p.alice], read: [m.p.bob] });
    expect(res.body.keyvaluemaps).toEqual({ update: [m.p.carol] });
  });

  test('If-Match accepts the quoted and weak forms of the ETag', async () => {
    const m = get();
    const subject = subjectFor('quoted');
    const etag = await create(m, 'alice', governedBy(subject, m.p.alice));
    const quoted = await patch(m, 'alice', subject, { a: 1 }, { 'Content-Type': MERGE, 'If-Match': `"${etag}"` });
    expect(quoted.status).toBe(200);
    const weak = await patch(
      m,
      'alice',
      subject,
      { a: 2 },
      { 'Content-Type': MERGE, 'If-Match': `W/"${quoted.headers.etag}"` },
    );
    expect(weak.status).toBe(200);
    expect(weak.body.a).toBe(2);
  });

  test('e-mail principals in a patch are normalised; an unknown e-mail is 400 and nothing is stored', async () => {
    const m = get();
    const subject = subjectFor('patch-email');
    const etag = await create(m, 'alice', governedBy(subject, m.p.alice));
    const issuer = m.stack.idp.issuer;
    const unknown = `${issuer}#nobody@example.com`;
    const refused = await expectNothingStored(m, [subject], () =>
      patch(m, 'alice', subject, { _self: { read: [unknown] } }, { 'Content-Type': MERGE, 'If-Match': etag }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ msg: 'invalid email IDs', ids: [unknown] });
    const res = await patch(
      m,
      'alice',
      subject,
      { _self: { read: [`${issuer}#dave@example.com`] } },
      { 'Content-Type': MERGE, 'If-Match': etag },
    );
    expect(res.status).toBe(200);
    expect(res.body._self.read).toEqual([m.p.dave]);
    expect(res.body._metadata.sharedWith).toEqual([m.p.alice, m.p.dave].sort());
  });

  test('changing parents with admin, remove on the old parent and add on the new one', async () => {
    const m = get();
    const [oldParent, newParent, child] = ['old', 'new', 'child'].map(subjectFor);
    await create(m, 'alice', parentOwnedBy(oldParent, m.p.alice));
    await create(m, 'alice', parentOwnedBy(newParent, m.p.alice));
    const etag = await create(m, 'alice', governedBy(child, m.p.alice, { _inheritsPermissionsOf: [oldParent] }));
    const res = await patch(
      m,
      'alice',
      child,
      { _inheritsPermissionsOf: [newParent] },
      { 'Content-Type': MERGE, 'If-Match': etag },
    );
    expect(res.status).toBe(200);
    expect(res.body._inheritsPermissionsOf).toEqual([newParent]);
    expect(await m.stack.db.store.getHeirs(newParent)).toEqual([child]);
    expect(await m.stack.db.store.getHeirs(oldParent)).toEqual([]);
  });
});

describe('PATCH /az-permissions?{subject}: refused, and nothing stored', () => {
  async function refused(m: Maintenance, who: User, subject: string, body: unknown, headers: Record<string, string>) {
    return expectNothingStored(m, [subject], () => patch(m, who, subject, body, headers));
  }

  test('412 without If-Match, and with one that does not match', async () => {
    const m = get();
    const subject = subjectFor('if-match');
    const etag = await create(m, 'alice', governedBy(subject, m.p.alice));
    const missing = await refused(m, 'alice', subject, { a: 1 }, { 'Content-Type': MERGE });
    expect(missing.status).toBe(412);
    expect(missing.body).toEqual({ msg: 'missing If-Match header' });
    for (const wrong of ['e1', 'e999999', 'garbage', `${etag}0`]) {
      const res = await refused(m, 'alice', subject, { a: 1 }, { 'Content-Type': MERGE, 'If-Match': wrong });
      expect(res.status).toBe(412);
      expect(res.body).toEqual({ msg: `If-Match header does not match etag ${etag}` });
    }
  });

  test('400 for a wrong content type, checked before If-Match (reference S13)', async () => {
    const m = get();
    const subject = subjectFor('content-type');
    const etag = await create(m, 'alice', governedBy(subject, m.p.alice));
    const noIfMatch = await refused(m, 'alice', subject, { a: 1 }, { 'Content-Type': 'application/json' });
    expect(noIfMatch.status).toBe(400);
    expect(noIfMatch.body).toEqual({
      msg: 'unknown PATCH content-type: application/json (use application/merge-patch+json or application/json-patch+json)',
    });
    const withIfMatch = await refused(
      m,
      'alice',
      subject,
      { a: 1 },
      { 'Content-Type': 'application/json', 'If-Match': etag },
    );
    expect(withIfMatch.status).toBe(400);
  });

  test('400 without a content type', async () => {
    const m = get();
    const subject = subjectFor('no-content-type');
    await create(m, 'alice', governedBy(subject, m.p.alice));
    const res = await expectNothingStored(m, [subject], () =>
      m.stack.http.patch(permissionsUrl(subject)).set(auth(m.tokens.alice)),
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ msg: 'PATCH headers missing content-type for patch' });
  });

  test.each([
    ['a merge patch that is an array', MERGE, () => [1], 'a merge patch must be a JSON object'],
    [
      'a JSON patch that is an object',
      JSON_PATCH,
      () => ({ op: 'add' }),
      'a JSON patch must be an array of operations',
    ],
    [
      'a JSON patch operation without a path',
      JSON_PATCH,
      () => [{ op: 'add', value: 1 }],
      'each JSON patch operation must be an object with a string path',
    ],
    [
      'a failing JSON patch test',
      JSON_PATCH,
      () => [{ op: 'test', path: '/_subject', value: 'other' }],
      expect.stringMatching(/^invalid JSON patch: /),
    ],
    [
      'a JSON patch replacing the document by null',
      JSON_PATCH,
      () => [{ op: 'replace', path: '', value: null }],
      'the patched permissions document must be a JSON object',
    ],
    [
      'a JSON patch replacing the document by a number',
      JSON_PATCH,
      () => [{ op: 'replace', path: '', value: 5 }],
      'the patched permissions document must be a JSON object',
    ],
    [
      'removing the last governor of a document without parents',
      MERGE,
      () => ({ _self: { govern: null } }),
      (s: string) => `permissions for ${s} must specify inheritance or at least one governor`,
    ],
    [
      'a non-array action list',
      MERGE,
      () => ({ _self: { read: 'bob' } }),
      'invalid JSON: "_self.read" must be an array of strings (principals)',
    ],
    [
      'inheritance from itself',
      MERGE,
      (s: string) => ({ _inheritsPermissionsOf: [s] }),
      'may not inherit permissions from self',
    ],
    [
      'a document over 100 kB',
      MERGE,
      () => ({ blob: 'x'.repeat(100_001) }),
      expect.stringMatching(/more than the limit of 100000$/),
    ],
  ] as Array<[string, string, (s: string) => unknown, unknown]>)('400 for %s', async (_name, type, body, msg) => {
    const m = get();
    const subject = subjectFor('bad-patch');
    const etag = await create(m, 'alice', governedBy(subject, m.p.alice));
    const res = await refused(m, 'alice', subject, body(subject), { 'Content-Type': type, 'If-Match': etag });
    expect(res.status).toBe(400);
    expect(res.body.msg).toEqual(typeof msg === 'function' ? msg(subject) : msg);
  });

  test('400 for invalid JSON, 413 for a body over the limit', async () => {
    const m = get();
    const subject = subjectFor('bad-body');
    const etag = await create(m, 'alice', governedBy(subject, m.p.alice));
    const invalid = await refused(m, 'alice', subject, '{"a":', { 'Content-Type': MERGE, 'If-Match': etag });
    expect(invalid.status).toBe(400);
    expect(invalid.body.msg).toMatch(/^invalid JSON: /);
    const huge = await refused(
      m,
      'alice',
      subject,
      { blob: 'x'.repeat(1_100_000) },
      { 'Content-Type': MERGE, 'If-Match': etag },
    );
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({ msg: 'request body too large' });
  });

  test('400 for an inheritance cycle', async () => {
    const m = get();
    const [top, middle, bottom] = ['top', 'middle', 'bottom'].map(subjectFor);
    const topEtag = await create(m, 'alice', parentOwnedBy(top, m.p.alice));
    await create(m, 'alice', parentOwnedBy(middle, m.p.alice, { _inheritsPermissionsOf: [top] }));
    await create(m, 'alice', parentOwnedBy(bottom, m.p.alice, { _inheritsPermissionsOf: [middle] }));
    const res = await refused(
      m,
      'alice',
      top,
      { _inheritsPermissionsOf: [bottom] },
      { 'Content-Type': MERGE, 'If-Match': topEtag },
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      msg: 'may not inherit from specified resources',
      reason: 'may not add cycle to permissions inheritance',
    });
  });

  test('400 when the caller may not add heirs to the new parent, or remove them from the old one', async () => {
    const m = get();
    const [closed, open, child] = ['closed', 'open', 'child'].map(subjectFor);
    await create(m, 'alice', governedBy(closed, m.p.alice));
    await create(m, 'alice', parentOwnedBy(open, m.p.alice, { _permissionsHeirs: { add: [m.p.bob] } }));
    const etag = await create(m, 'bob', governedBy(child, m.p.bob));
    const add = await refused(
      m,
      'bob',
      child,
      { _inheritsPermissionsOf: [closed] },
      { 'Content-Type': MERGE, 'If-Match': etag },
    );
    expect(add.status).toBe(400);
    expect(add.body).toEqual({
      msg: 'may not inherit from specified resources',
      reason: `user ${m.p.bob} may not add permissions inheritance from ${closed}`,
    });
    const attached = await patch(
      m,
      'bob',
      child,
      { _inheritsPermissionsOf: [open] },
      { 'Content-Type': MERGE, 'If-Match': etag },
    );
    expect(attached.status).toBe(200);
    const remove = await refused(
      m,
      'bob',
      child,
      { _inheritsPermissionsOf: null },
      {
        'Content-Type': MERGE,
        'If-Match': attached.headers.etag,
      },
    );
    expect(remove.status).toBe(400);
    expect(remove.body).toEqual({
      msg: 'may not inherit from specified resources',
      reason: `user ${m.p.bob} may not remove permissions inheritance from ${open}`,
    });
  });

  test('400 when a new parent has no document, told as for a parent the caller may not add to', async () => {
    const m = get();
    const [ghost, child] = ['ghost', 'child'].map(subjectFor);
    const etag = await create(m, 'alice', governedBy(child, m.p.alice));
    const res = await refused(
      m,
      'alice',
      child,
      { _inheritsPermissionsOf: [ghost] },
      { 'Content-Type': MERGE, 'If-Match': etag },
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      msg: 'may not inherit from specified resources',
      // the same words as for an existing parent he may not add to: he learns nothing of what exists
      reason: `user ${m.p.alice} may not add permissions inheritance from ${ghost}`,
    });
  });

  test('400 when a governor without admin changes parents', async () => {
    const m = get();
    const [parent, child] = ['parent', 'child'].map(subjectFor);
    await create(m, 'alice', parentOwnedBy(parent, m.p.alice, { _permissionsHeirs: { add: [m.p.alice, m.p.bob] } }));
    const etag = await create(m, 'alice', {
      _subject: child,
      _self: { govern: [m.p.alice, m.p.bob], admin: [m.p.alice] },
    });
    const res = await refused(
      m,
      'bob',
      child,
      { _inheritsPermissionsOf: [parent] },
      { 'Content-Type': MERGE, 'If-Match': etag },
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      msg: 'may not inherit from specified resources',
      reason: `user ${m.p.bob} may not administer the permissions of ${child}`,
    });
  });

  test('403 for a user who does not govern, before the content type or If-Match are looked at', async () => {
    const m = get();
    const subject = subjectFor('not-governor');
    await create(m, 'alice', governedBy(subject, m.p.alice, { _self: { govern: [m.p.alice], admin: [m.p.bob] } }));
    const res = await refused(m, 'bob', subject, 'a=1', { 'Content-Type': 'text/plain' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      msg: `Forbidden. component: maintenance resourceURL: ${subject} property: _self action: govern user: ${m.p.bob}`,
    });
  });

  test('404 for a subject without a document; 401 without a token', async () => {
    const m = get();
    const subject = subjectFor('patch-absent');
    const absent = await refused(m, 'alice', subject, { a: 1 }, { 'Content-Type': MERGE, 'If-Match': 'e1' });
    expect(absent.status).toBe(404);
    expect(absent.body).toEqual({ msg: 'permissions not found for subject', subject });
    await create(m, 'alice', governedBy(subject, m.p.alice));
    const anonymous = await expectNothingStored(m, [subject], () =>
      m.stack.http.patch(permissionsUrl(subject)).set({ 'Content-Type': MERGE, 'If-Match': 'e1' }).send({ a: 1 }),
    );
    expect(anonymous.status).toBe(401);
  });
});
