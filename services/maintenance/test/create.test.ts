import { auth, create, eventAt, expectNothingStored, governedBy, storedRow, subjectFor, useStack } from './fixtures';

const get = useStack();

describe('POST /az-permissions: success', () => {
  test('201 with Location, ETag, X-Event-Sequence equal to its event, metadata and scopes', async () => {
    const m = get();
    const subject = subjectFor('created');
    const res = await m.stack.http
      .post('/az-permissions')
      .set(auth(m.tokens.alice))
      .send({
        _subject: subject,
        _self: { govern: [m.p.alice], read: [m.p.bob, '/az-tm-x', m.p.bob] },
        keyvaluemaps: { read: [m.p.carol] },
        'test-data': true,
      });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/az-permissions?${subject}`);
    const seq = Number(res.headers['x-event-sequence']);
    expect(res.headers.etag).toBe(`e${seq}`);
    expect(await eventAt(m, seq)).toEqual({ seq, topic: 'permissions', action: 'create', subject });
    expect(res.body).toEqual({
      _subject: subject,
      _self: { govern: [m.p.alice], admin: [m.p.alice], read: [m.p.bob, '/az-tm-x'] },
      keyvaluemaps: { read: [m.p.carol] },
      'test-data': true,
      _metadata: {
        creator: m.p.alice,
        created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        sharedWith: ['/az-tm-x', m.p.alice, m.p.bob].sort(),
        // alice governs `/`: a document she creates with no parent is a namespace; its identity is its create's seq
        incarnation: seq,
        namespace: true,
      },
      scopes: [subject],
    });
    const row = await storedRow(m, subject);
    expect(row?.seq).toBe(seq);
    const { scopes: _scopes, ...stored } = res.body as Record<string, unknown>;
    expect(row?.data).toEqual(stored);
  });

  test('a document inheriting from a parent the creator may add to: scopes are itself and its ancestors', async () => {
    const m = get();
    const grand = subjectFor('grand');
    const parent = subjectFor('parent');
    const child = subjectFor('child');
    await create(m, 'alice', governedBy(grand, m.p.alice, { _permissionsHeirs: { add: [m.p.alice, m.p.bob] } }));
    await create(m, 'alice', { ...governedBy(parent, m.p.alice), _inheritsPermissionsOf: grand });
    // bob may add heirs to `parent` only through what it inherits from `grand`
    const res = await m.stack.http
      .post('/az-permissions')
      .set(auth(m.tokens.bob))
      .send({ _subject: child, _inheritsPermissionsOf: parent });
    expect(res.status).toBe(201);
    expect(res.body._inheritsPermissionsOf).toEqual([parent]);
    expect(res.body.scopes).toEqual([child, parent, grand]);
    expect(res.body._metadata).toEqual({
      creator: m.p.bob,
      created: expect.any(String),
      sharedWith: [],
      incarnation: Number(res.headers['x-event-sequence']),
    });
  });

  test('client-supplied _metadata is replaced by the server', async () => {
    const m = get();
    const subject = subjectFor('metadata');
    const res = await m.stack.http
      .post('/az-permissions')
      .set(auth(m.tokens.alice))
      .send({
        ...governedBy(subject, m.p.alice),
        _metadata: { creator: m.p.bob, created: '2000-01-01T00:00:00.000Z', sharedWith: [m.p.dave] },
      });
    expect(res.status).toBe(201);
    expect(res.body._metadata).toEqual({
      creator: m.p.alice,
      created: expect.any(String),
      sharedWith: [m.p.alice],
      incarnation: Number(res.headers['x-event-sequence']),
      namespace: true,
    });
    expect(res.body._metadata.created).not.toBe('2000-01-01T00:00:00.000Z');
  });

  test('e-mail principals become ids through the issuer ids API, in every action map', async () => {
    const m = get();
    const subject = subjectFor('emails');
    const issuer = m.stack.idp.issuer;
    const res = await m.stack.http
      .post('/az-permissions')
      .set(auth(m.tokens.alice))
      .send({
        _subject: subject,
        _self: { govern: [`${issuer}#alice@example.com`, m.p.alice], read: [`${issuer}#BOB@example.com`] },
        _permissionsHeirs: { add: [`${issuer}#carol@example.com`] },
      });
    expect(res.status).toBe(201);
    expect(res.body._self).toEqual({ govern: [m.p.alice], admin: [m.p.alice], read: [m.p.bob] });
    expect(res.body._permissionsHeirs).toEqual({ add: [m.p.carol] });
    expect((await storedRow(m, subject))?.data._self).toEqual(res.body._self);
  });
});

describe('POST /az-permissions: refused, and nothing stored', () => {
  const post = (token: string, body: unknown) =>
    get()
      .stack.http.post('/az-permissions')
      .set(auth(token))
      .send(body as object);

  test.each([
    ['a JSON array', () => [1, 2], 'invalid JSON: a permissions document must be a JSON object'],
    ['no _subject', () => ({ _self: { govern: ['x'] } }), 'invalid JSON: "_subject" property not set'],
    [
      'a non-string _subject',
      () => ({ _subject: 7, _self: { govern: ['x'] } }),
      'invalid JSON: "_subject" property must be a non-empty string',
    ],
    [
      'an _inheritsPermissionsOf number',
      (s: string) => ({ _subject: s, _inheritsPermissionsOf: 3 }),
      'invalid JSON: "_inheritsPermissionsOf" must be a non-empty string or an array of non-empty strings',
    ],
    [
      'an _inheritsPermissionsOf with a non-string',
      (s: string) => ({ _subject: s, _inheritsPermissionsOf: ['/a', 2] }),
      'invalid JSON: "_inheritsPermissionsOf" must be a non-empty string or an array of non-empty strings',
    ],
    [
      'inheritance from itself',
      (s: string) => ({ _subject: s, _inheritsPermissionsOf: [s] }),
      'may not inherit permissions from self',
    ],
    [
      'no inheritance and no governor',
      (s: string) => ({ _subject: s, _self: { read: ['x'] } }),
      (s: string) => `permissions for ${s} must specify inheritance or at least one governor`,
    ],
    [
      'an empty governor list',
      (s: string) => ({ _subject: s, _self: { govern: [] } }),
      (s: string) => `permissions for ${s} must specify inheritance or at least one governor`,
    ],
    [
      'an action list that is not an array',
      (s: string) => ({ _subject: s, _self: { govern: 'alice' } }),
      'invalid JSON: "_self.govern" must be an array of strings (principals)',
    ],
    [
      'a principal that is not a string',
      (s: string) => ({ _subject: s, _self: { govern: [{ id: 1 }] } }),
      'invalid JSON: "_self.govern" must be an array of strings (principals)',
    ],
    [
      '_self that is not an object',
      (s: string) => ({ _subject: s, _self: ['alice'] }),
      'invalid JSON: "_self" must be an object mapping actions to arrays of principals',
    ],
    [
      'a custom action list of numbers',
      (s: string, owner: string) => ({ _subject: s, _self: { govern: [owner] }, keyvaluemaps: { read: [1] } }),
      'invalid JSON: "keyvaluemaps.read" must be an array of strings (principals)',
    ],
    [
      'an unknown constraint',
      (s: string, owner: string) => ({
        _subject: s,
        _self: { govern: [owner] },
        _constraints: { wideningForbiden: true },
      }),
      'invalid JSON: unknown constraint "_constraints.wideningForbiden" (allowed: validIssuers, wideningForbidden)',
    ],
    [
      'a non-boolean wideningForbidden',
      (s: string, owner: string) => ({
        _subject: s,
        _self: { govern: [owner] },
        _constraints: { wideningForbidden: 'yes' },
      }),
      'invalid JSON: "_constraints.wideningForbidden" must be a boolean',
    ],
    [
      'validIssuers that is not an array of strings',
      (s: string, owner: string) => ({ _subject: s, _self: { govern: [owner] }, _constraints: { validIssuers: 'x' } }),
      'invalid JSON: "_constraints.validIssuers" must be an array of strings',
    ],
  ] as Array<[string, (s: string, owner: string) => unknown, string | ((s: string) => string)]>)(
    '400 for %s',
    async (_name, body, msg) => {
      const m = get();
      const subject = subjectFor('invalid');
      const res = await expectNothingStored(m, [subject], () => post(m.tokens.alice, body(subject, m.p.alice)));
      expect(res.status).toBe(400);
      expect(res.body.msg).toBe(typeof msg === 'function' ? msg(subject) : msg);
    },
  );

  test('400 for a principal that is not {trusted issuer}#{id}', async () => {
    const m = get();
    const subject = subjectFor('malformed');
    const res = await expectNothingStored(m, [subject], () =>
      post(m.tokens.alice, governedBy(subject, 'https://untrusted.example#someone')),
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      msg: 'users and clients must be of the form {issuer}#{id} where issuer is a trusted issuer: https://untrusted.example#someone',
      principal: 'https://untrusted.example#someone',
    });
  });

  test('400 for an e-mail the issuer does not know', async () => {
    const m = get();
    const subject = subjectFor('unknown-email');
    const unknown = `${m.stack.idp.issuer}#nobody@example.com`;
    const res = await expectNothingStored(m, [subject], () =>
      post(m.tokens.alice, { _subject: subject, _self: { govern: [m.p.alice], read: [unknown] } }),
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ msg: 'invalid email IDs', ids: [unknown] });
  });

  test('400 for a document over 100 kB of JSON', async () => {
    const m = get();
    const subject = subjectFor('big');
    const res = await expectNothingStored(m, [subject], () =>
      post(m.tokens.alice, { ...governedBy(subject, m.p.alice), blob: 'x'.repeat(100_001) }),
    );
    expect(res.status).toBe(400);
    expect(res.body.msg).toMatch(/^permissions document for .* bytes of JSON, more than the limit of 100000$/);
  });

  test('413 for a body over the 1 MB limit', async () => {
    const m = get();
    const subject = subjectFor('huge');
    const res = await expectNothingStored(m, [subject], () =>
      post(m.tokens.alice, { ...governedBy(subject, m.p.alice), blob: 'x'.repeat(1_100_000) }),
    );
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ msg: 'request body too large' });
  });

  test('400 for invalid JSON', async () => {
    const m = get();
    const res = await expectNothingStored(m, [], () =>
      m.stack.http
        .post('/az-permissions')
        .set(auth(m.tokens.alice))
        .set('Content-Type', 'application/json')
        .send('{"_subject": "http://example.com/broken",'),
    );
    expect(res.status).toBe(400);
    expect(res.body.msg).toMatch(/^invalid JSON: /);
  });

  test('409 for a subject that exists; the first document stays', async () => {
    const m = get();
    const subject = subjectFor('duplicate');
    await create(m, 'alice', governedBy(subject, m.p.alice));
    const res = await expectNothingStored(m, [subject], () => post(m.tokens.bob, governedBy(subject, m.p.bob)));
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ msg: `a permissions document for ${subject} already exists` });
  });

  test('403 when the creator may not add heirs to a parent', async () => {
    const m = get();
    const parent = subjectFor('closed-parent');
    const child = subjectFor('child');
    await create(m, 'alice', governedBy(parent, m.p.alice));
    const res = await expectNothingStored(m, [child], () =>
      post(m.tokens.bob, { _subject: child, _inheritsPermissionsOf: [parent] }),
    );
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      // bob may not even know of the parent: answered as for a missing one
      msg: `user ${m.p.bob} is not allowed to inherit permissions from ${parent}: there is no permissions document there that you may see`,
    });
  });

  test('403 when a parent has no document', async () => {
    const m = get();
    const ghost = subjectFor('ghost');
    const child = subjectFor('orphan');
    const res = await expectNothingStored(m, [child], () =>
      post(m.tokens.alice, { _subject: child, _inheritsPermissionsOf: [ghost] }),
    );
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      msg: `user ${m.p.alice} is not allowed to inherit permissions from ${ghost}: there is no permissions document there that you may see`,
    });
  });

  test('401 without a token and with an invalid one', async () => {
    const m = get();
    const subject = subjectFor('anonymous');
    const none = await expectNothingStored(m, [subject], () =>
      m.stack.http.post('/az-permissions').send(governedBy(subject, m.p.alice)),
    );
    expect(none.status).toBe(401);
    expect(typeof none.body.msg).toBe('string');
    const bad = await expectNothingStored(m, [subject], () =>
      post(`${m.tokens.alice.slice(0, -4)}AAAA`, governedBy(subject, m.p.alice)),
    );
    expect(bad.status).toBe(401);
    expect(typeof bad.body.msg).toBe('string');
  });

  test('405 with Allow for another method', async () => {
    const m = get();
    const res = await m.stack.http.put('/az-permissions').set(auth(m.tokens.alice)).send({});
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST, GET, PATCH, DELETE');
    expect(res.body.msg).toBe('method PUT not allowed for /az-permissions');
  });
});
