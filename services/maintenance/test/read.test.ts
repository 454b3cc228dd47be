import { auth, create, governedBy, parentOwnedBy, permissionsUrl, storedRow, subjectFor, useStack } from './fixtures';

const get = useStack();

describe('GET /az-permissions?{subject}', () => {
  test('200 with the stored document, ETag of its last write and Content-Location', async () => {
    const m = get();
    const subject = subjectFor('read');
    const etag = await create(
      m,
      'alice',
      governedBy(subject, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.bob] } }),
    );
    const res = await m.stack.http.get(permissionsUrl(subject)).set(auth(m.tokens.alice));
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(etag);
    expect(res.headers.etag).toBe(`e${(await storedRow(m, subject))?.seq}`);
    expect(res.headers['content-location']).toBe(permissionsUrl(subject));
    expect(res.headers['x-event-sequence']).toBeUndefined();
    expect(res.body).toEqual({
      _subject: subject,
      _self: { govern: [m.p.alice], read: [m.p.bob], admin: [m.p.alice] },
      _metadata: {
        creator: m.p.alice,
        created: expect.any(String),
        sharedWith: [m.p.alice, m.p.bob].sort(),
        incarnation: Number(etag.slice(1)),
        namespace: true,
      },
    });
  });

  test('admin is enough, and it may be inherited', async () => {
    const m = get();
    const parent = subjectFor('admin-parent');
    const child = subjectFor('admin-child');
    await create(
      m,
      'alice',
      parentOwnedBy(parent, m.p.alice, { _self: { govern: [m.p.alice], admin: [m.p.alice, m.p.carol] } }),
    );
    await create(m, 'alice', { _subject: child, _inheritsPermissionsOf: [parent] });
    const res = await m.stack.http.get(permissionsUrl(child)).set(auth(m.tokens.carol));
    expect(res.status).toBe(200);
    expect(res.body._subject).toBe(child);
  });

  test('403 for a user without admin, naming what was refused', async () => {
    const m = get();
    const subject = subjectFor('private');
    await create(m, 'alice', governedBy(subject, m.p.alice, { _self: { govern: [m.p.alice], read: [m.p.bob] } }));
    const res = await m.stack.http.get(permissionsUrl(subject)).set(auth(m.tokens.bob));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      msg: `Forbidden. component: maintenance resourceURL: ${subject} property: _self action: admin user: ${m.p.bob}`,
    });
  });

  test('404 for a subject without a document', async () => {
    const m = get();
    const subject = subjectFor('absent');
    const res = await m.stack.http.get(permissionsUrl(subject)).set(auth(m.tokens.alice));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ msg: 'permissions not found for subject', subject });
  });

  test('400 without a subject in the query string', async () => {
    const m = get();
    const res = await m.stack.http.get('/az-permissions').set(auth(m.tokens.alice));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ msg: 'the query string must name the resource: /az-permissions?{url}' });
  });

  test('400 for a malformed percent-encoding', async () => {
    const m = get();
    const res = await m.stack.http.get('/az-permissions?http%3A%2F%2Fexample.com%2F%E0%A4%A').set(auth(m.tokens.alice));
    expect(res.status).toBe(400);
    expect(res.body.msg).toMatch(/^malformed percent-encoding in query string: /);
  });

  test('401 without a token, and with an expired one', async () => {
    const m = get();
    const subject = subjectFor('no-token');
    await create(m, 'alice', governedBy(subject, m.p.alice));
    expect((await m.stack.http.get(permissionsUrl(subject))).status).toBe(401);
    const expired = await m.stack.idp.tokenFor('alice', { claims: { exp: Math.floor(Date.now() / 1000) - 3600 } });
    const res = await m.stack.http.get(permissionsUrl(subject)).set(auth(expired));
    expect(res.status).toBe(401);
    expect(typeof res.body.msg).toBe('string');
  });

  test('a URL of the service itself is read as the relative subject (reference §2.5)', async () => {
    const m = get();
    const subject = `/own-${subjectFor('x').slice(-8)}`;
    await create(m, 'alice', governedBy(subject, m.p.alice));
    const host = new URL(m.stack.url).host;
    const res = await m.stack.http.get(`/az-permissions?http://${host}${subject}`).set(auth(m.tokens.alice));
    expect(res.status).toBe(200);
    expect(res.body._subject).toBe(subject);
  });
});
