import { ANYONE } from '@permissions/model';
import {
  auth,
  create,
  expectNothingStored,
  governedBy,
  parentOwnedBy,
  storedRow,
  subjectFor,
  useStack,
} from './fixtures';

// This file changes `/` (reference §13.2 S0.2), so its tests run in order on their own stack.
const get = useStack();
const ROOT = '/az-permissions?/';
const MERGE = 'application/merge-patch+json';
const clientAuth = (token: string) => ({ 'X-Client-Authorization': `Bearer ${token}` });

describe('the seeded root document / (W6)', () => {
  test('S0.1: its governors read it; it lets everyone create and inherit, but only them govern', async () => {
    const m = get();
    const res = await m.stack.http.get(ROOT).set(auth(m.tokens.alice));
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(`e${(await storedRow(m, '/'))?.seq}`);
    const governors = [m.p.alice];
    expect(res.body).toEqual({
      _subject: '/',
      _self: { read: governors, update: governors, admin: governors, govern: governors },
      _permissionsHeirs: { add: [ANYONE], read: governors, remove: governors },
      'az-permissions': { create: [ANYONE], read: governors },
      'az-teams': { create: [ANYONE], read: governors },
      _metadata: { incarnation: expect.any(Number) },
    });
  });

  test('bob may neither read, patch nor delete /, which he may not even know of (404, CONTRACT §4.10)', async () => {
    const m = get();
    const etag = (await m.stack.http.get(ROOT).set(auth(m.tokens.alice))).headers.etag;
    const notFound = { msg: 'permissions not found for subject', subject: '/' };
    const read = await m.stack.http.get(ROOT).set(auth(m.tokens.bob));
    expect([read.status, read.body]).toEqual([404, notFound]);
    const patched = await expectNothingStored(m, ['/'], () =>
      m.stack.http
        .patch(ROOT)
        .set(auth(m.tokens.bob))
        .set({ 'Content-Type': MERGE, 'If-Match': etag })
        .send({ _self: { govern: [m.p.bob] } }),
    );
    expect([patched.status, patched.body]).toEqual([404, notFound]);
    const deleted = await expectNothingStored(m, ['/'], () => m.stack.http.delete(ROOT).set(auth(m.tokens.bob)));
    expect([deleted.status, deleted.body]).toEqual([404, notFound]);
  });

  test('bob may inherit from /, and then / governs his document, not he', async () => {
    const m = get();
    const subject = subjectFor('under-root');
    const etag = await create(m, 'bob', { _subject: subject, _inheritsPermissionsOf: '/', _self: { read: [m.p.bob] } });
    const bobPatch = await m.stack.http
      .patch(`/az-permissions?${subject}`)
      .set(auth(m.tokens.bob))
      .set({ 'Content-Type': MERGE, 'If-Match': etag })
      .send({ _self: { govern: [m.p.bob] } });
    expect(bobPatch.status).toBe(403);
    const alicePatch = await m.stack.http
      .patch(`/az-permissions?${subject}`)
      .set(auth(m.tokens.alice))
      .set({ 'Content-Type': MERGE, 'If-Match': etag })
      .send({ _self: { update: [m.p.bob] } });
    expect(alicePatch.status).toBe(200);
  });
});

describe('X-Client-Authorization for creation (reference §7.1 step 1, §13.2 S0.2 and S1)', () => {
  test('S0.2: the governor of / lets only the trusted client create documents', async () => {
    const m = get();
    const etag = (await m.stack.http.get(ROOT).set(auth(m.tokens.alice))).headers.etag;
    const res = await m.stack.http
      .patch(ROOT)
      .set(auth(m.tokens.alice))
      .set({ 'Content-Type': MERGE, 'If-Match': etag })
      .send({ 'az-permissions': { read: [m.p.client], create: [m.p.client] } });
    expect(res.status).toBe(200);
    expect(res.body['az-permissions']).toEqual({ read: [m.p.client], create: [m.p.client] });
  });

  test('401 for a user alone, now that / no longer lets every principal create; nothing stored', async () => {
    const m = get();
    const subject = subjectFor('user-only');
    const res = await expectNothingStored(m, [subject], () =>
      m.stack.http.post('/az-permissions').set(auth(m.tokens.alice)).send(governedBy(subject, m.p.alice)),
    );
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      msg: 'must provide x-client-authorization header to create permissions',
      user: m.p.alice,
    });
  });

  test('S1: 201 for the user with the client; the user is the creator', async () => {
    const m = get();
    const subject = subjectFor('acme');
    const res = await m.stack.http
      .post('/az-permissions')
      .set(auth(m.tokens.alice))
      .set(clientAuth(m.tokens.client))
      .send({
        _subject: subject,
        _self: { update: [m.p.alice], read: [m.p.alice], delete: [m.p.alice], admin: [m.p.alice], govern: [m.p.alice] },
        _permissionsHeirs: { add: [m.p.alice], read: [m.p.alice], remove: [m.p.alice] },
        'test-data': true,
      });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/az-permissions?${subject}`);
    expect(res.headers.etag).toBe(`e${res.headers['x-event-sequence']}`);
    expect(res.body._metadata.creator).toBe(m.p.alice);
  });

  test('with the client, the user still needs _permissionsHeirs.add on each parent', async () => {
    const m = get();
    const [parent, child] = ['parent', 'child'].map(subjectFor);
    const created = await m.stack.http
      .post('/az-permissions')
      .set(auth(m.tokens.alice))
      .set(clientAuth(m.tokens.client))
      .send(governedBy(parent, m.p.alice));
    expect(created.status).toBe(201);
    const res = await expectNothingStored(m, [child], () =>
      m.stack.http
        .post('/az-permissions')
        .set(auth(m.tokens.bob))
        .set(clientAuth(m.tokens.client))
        .send({ _subject: child, _inheritsPermissionsOf: [parent] }),
    );
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      msg: `user ${m.p.bob} is not allowed to inherit permissions from ${parent}: there is no permissions document there that you may see`,
    });
  });

  test('403 for a client that may not create (a user token sent as the client)', async () => {
    const m = get();
    const subject = subjectFor('bad-client');
    const res = await expectNothingStored(m, [subject], () =>
      m.stack.http
        .post('/az-permissions')
        .set(auth(m.tokens.alice))
        .set(clientAuth(m.tokens.bob))
        .send(governedBy(subject, m.p.alice)),
    );
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ msg: `client ${m.p.bob} may not create permissions documents` });
  });

  test('401 for an invalid client token, even with a valid user', async () => {
    const m = get();
    const subject = subjectFor('invalid-client');
    const res = await expectNothingStored(m, [subject], () =>
      m.stack.http
        .post('/az-permissions')
        .set(auth(m.tokens.alice))
        .set(clientAuth(`${m.tokens.client.slice(0, -4)}AAAA`))
        .send(governedBy(subject, m.p.alice)),
    );
    expect(res.status).toBe(401);
    expect(res.body.header).toBe('x-client-authorization');
  });

  test('the client alone may create; it is then the creator', async () => {
    const m = get();
    const subject = subjectFor('client-only');
    const res = await m.stack.http
      .post('/az-permissions')
      .set(clientAuth(m.tokens.client))
      .send(parentOwnedBy(subject, m.p.alice));
    expect(res.status).toBe(201);
    expect(res.body._metadata.creator).toBe(m.p.client);
  });
});
