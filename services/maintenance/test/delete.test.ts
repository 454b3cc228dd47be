import { explainChecked } from '@permissions/store/test-support';
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
} from './fixtures';

const get = useStack();

describe('DELETE /az-permissions?{subject}', () => {
  test('200 with the deleted document and its ETag; X-Event-Sequence is its delete event', async () => {
    const m = get();
    const subject = subjectFor('delete');
    const etag = await create(m, 'alice', governedBy(subject, m.p.alice, { 'test-data': true }));
    const res = await m.stack.http.delete(permissionsUrl(subject)).set(auth(m.tokens.alice));
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(etag);
    const seq = Number(res.headers['x-event-sequence']);
    expect(await eventAt(m, seq)).toEqual({ seq, topic: 'permissions', action: 'delete', subject });
    expect(res.body).toEqual({
      _subject: subject,
      _self: { govern: [m.p.alice], admin: [m.p.alice] },
      'test-data': true,
      _metadata: {
        creator: m.p.alice,
        created: expect.any(String),
        sharedWith: [m.p.alice],
        incarnation: Number(etag.slice(1)),
        namespace: true,
      },
    });
    expect(await storedRow(m, subject)).toBeUndefined();
    const again = await m.stack.http.get(permissionsUrl(subject)).set(auth(m.tokens.alice));
    expect(again.status).toBe(404);
  });

  test('govern may be inherited', async () => {
    const m = get();
    const [parent, child] = ['parent', 'child'].map(subjectFor);
    await create(m, 'alice', parentOwnedBy(parent, m.p.alice, { _self: { govern: [m.p.alice, m.p.carol] } }));
    await create(m, 'alice', { _subject: child, _inheritsPermissionsOf: [parent] });
    const res = await m.stack.http.delete(permissionsUrl(child)).set(auth(m.tokens.carol));
    expect(res.status).toBe(200);
    expect(await storedRow(m, child)).toBeUndefined();
  });

  test('403 for a user who does not govern (admin is not enough)', async () => {
    const m = get();
    const subject = subjectFor('kept');
    await create(m, 'alice', governedBy(subject, m.p.alice, { _self: { govern: [m.p.alice], admin: [m.p.bob] } }));
    const res = await expectNothingStored(m, [subject], () =>
      m.stack.http.delete(permissionsUrl(subject)).set(auth(m.tokens.bob)),
    );
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      msg: `Forbidden. component: maintenance resourceURL: ${subject} property: _self action: govern user: ${m.p.bob}`,
    });
  });

  test('404 for a subject without a document; 401 without a token; 405 with Allow elsewhere', async () => {
    const m = get();
    const subject = subjectFor('never');
    const absent = await expectNothingStored(m, [], () =>
      m.stack.http.delete(permissionsUrl(subject)).set(auth(m.tokens.alice)),
    );
    expect(absent.status).toBe(404);
    expect(absent.body).toEqual({ msg: 'permissions not found for subject', subject });
    const existing = subjectFor('anonymous');
    await create(m, 'alice', governedBy(existing, m.p.alice));
    const anonymous = await expectNothingStored(m, [existing], () => m.stack.http.delete(permissionsUrl(existing)));
    expect(anonymous.status).toBe(401);
    const heirs = await m.stack.http.delete(`/az-permissions-heirs?${existing}`).set(auth(m.tokens.alice));
    expect(heirs.status).toBe(405);
    expect(heirs.headers.allow).toBe('GET');
  });

  test('409 while heirs inherit from it, naming the direct heirs (B15); nothing is deleted', async () => {
    const m = get();
    const [parent, a, b, grandchild] = ['parent', 'a', 'b', 'grandchild'].map(subjectFor);
    await create(m, 'alice', parentOwnedBy(parent, m.p.alice));
    await create(m, 'alice', parentOwnedBy(a, m.p.alice, { _inheritsPermissionsOf: [parent] }));
    await create(m, 'alice', { _subject: b, _inheritsPermissionsOf: [parent] });
    await create(m, 'alice', { _subject: grandchild, _inheritsPermissionsOf: [a] });
    const res = await expectNothingStored(m, [parent, a, b, grandchild], () =>
      m.stack.http.delete(permissionsUrl(parent)).set(auth(m.tokens.alice)),
    );
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      msg: `permissions for ${parent} are inherited by other documents; detach them first or delete with cascade`,
      heirs: [a, b].sort(),
    });
  });

  test('?subject=…&cascade=true deletes it and every transitive heir in one transaction, one event each', async () => {
    const m = get();
    const [parent, a, b, grandchild, other] = ['parent', 'a', 'b', 'grandchild', 'other'].map(subjectFor);
    await create(m, 'alice', parentOwnedBy(parent, m.p.alice));
    await create(m, 'alice', parentOwnedBy(other, m.p.alice));
    await create(m, 'alice', parentOwnedBy(a, m.p.alice, { _inheritsPermissionsOf: [parent] }));
    await create(m, 'alice', { _subject: b, _inheritsPermissionsOf: [parent] });
    await create(m, 'alice', { _subject: grandchild, _inheritsPermissionsOf: [a, other] });
    const res = await m.stack.http
      .delete(`/az-permissions?subject=${encodeURIComponent(parent)}&cascade=true`)
      .set(auth(m.tokens.alice));
    expect(res.status).toBe(200);
    expect(res.body._subject).toBe(parent);
    expect(res.body._cascaded).toEqual([a, b, grandchild].sort());
    for (const s of [parent, a, b, grandchild]) expect(await storedRow(m, s)).toBeUndefined();
    expect(await storedRow(m, other)).toBeDefined();
    const last = Number(res.headers['x-event-sequence']);
    const events = await m.stack.db.pool.query<{ subject: string; action: string }>(
      'SELECT subject, action FROM events WHERE seq > $1 - 4 AND seq <= $1 ORDER BY seq',
      [last],
    );
    expect(events.rows.map((e) => e.action)).toEqual(['delete', 'delete', 'delete', 'delete']);
    expect(events.rows.map((e) => e.subject).sort()).toEqual([parent, a, b, grandchild].sort());
  });

  test('cascade detaches the heirs the caller does not govern instead of refusing (issue 18.5)', async () => {
    const m = get();
    const [parent, mine, theirs, below] = ['parent', 'mine', 'theirs', 'below'].map(subjectFor);
    await create(m, 'alice', governedBy(parent, m.p.alice, { _permissionsHeirs: { add: [m.p.alice, m.p.bob] } }));
    await create(m, 'alice', { _subject: mine, _inheritsPermissionsOf: [parent] });
    // bob's document inherits from parent but names its own governor, and parent's governors do not govern it
    await create(m, 'bob', {
      _subject: theirs,
      _inheritsPermissionsOf: [parent],
      _self: { govern: [m.p.bob] },
      _permissionsHeirs: { add: [m.p.bob] },
      _constraints: { wideningForbidden: true },
    });
    await create(m, 'bob', { _subject: below, _inheritsPermissionsOf: [theirs] });
    const before = await storedRow(m, theirs);
    const res = await m.stack.http
      .delete(`/az-permissions?subject=${encodeURIComponent(parent)}&cascade=true`)
      .set(auth(m.tokens.alice));
    expect(res.status).toBe(200);
    expect(res.body._cascaded).toEqual([mine]);
    expect(res.body._detached).toEqual([theirs]);
    for (const s of [parent, mine]) expect(await storedRow(m, s)).toBeUndefined();
    // kept and valid: no parent left, its own governor; what inherits from it is untouched
    const after = await storedRow(m, theirs);
    expect(after?.data).toEqual({
      ...before!.data,
      _inheritsPermissionsOf: [],
      _metadata: { ...(before!.data._metadata as object), modifier: m.p.alice, modified: expect.any(String) },
    });
    expect((await storedRow(m, below))?.data._inheritsPermissionsOf).toEqual([theirs]);
    const seq = Number(res.headers['x-event-sequence']);
    const events = await m.stack.db.pool.query<{ subject: string; action: string }>(
      'SELECT subject, action FROM events WHERE seq > $1 - 3 AND seq <= $1 ORDER BY seq',
      [seq],
    );
    expect(events.rows.map((e) => [e.action, e.subject]).sort()).toEqual(
      [
        ['update', theirs],
        ['delete', parent],
        ['delete', mine],
      ].sort(),
    );
    expect(after?.seq).toBeLessThanOrEqual(seq);
    const read = await m.stack.http.get(permissionsUrl(theirs)).set(auth(m.tokens.bob));
    expect(read.status).toBe(200);
  });
});

test('the cascade finds the heirs at every depth in one statement served by the parent index (CONTRACT §4.3)', async () => {
  const m = get();
  const explain = explainChecked(m.stack.db.pool);
  const plan = await explain.expectIndexUsed('transitive-heirs', ['http://example.com/any']);
  expect(plan.seqScans).toEqual([]);
});
