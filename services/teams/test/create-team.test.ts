import { createAuthorizer } from '@permissions/authorizer';
import { createLogger } from '@permissions/http-kit';
import { createClientCredentials, createPrincipalNormaliser } from '@permissions/auth';
import { ConflictError } from '@permissions/model';
import { auth, startStack, type Stack } from '@permissions/test-support/harness';
import { createCreateTeam } from '../src/commands/create-team';
import { createDocument, eventsFor, permissionsRow, snapshot, TEAM_URL, teamBody, teamRow, type User } from './support';

let stack: Stack;
let p: Stack['principals'];
beforeAll(async () => {
  stack = await startStack();
  p = stack.principals;
});
afterAll(async () => stack?.close());

const post = async (who: User, body: unknown) =>
  stack.http
    .post('/az-teams')
    .set(auth(await stack.token(who)))
    .send(body as object);

describe('POST /az-teams: success', () => {
  test('201 with Location, ETag, X-Event-Sequence and the team with its links', async () => {
    const res = await post('alice', teamBody([p.alice, p.bob], { name: 'Acme Org admins', 'test-data': true }));
    expect(res.status).toBe(201);
    const id = res.headers.location as string;
    expect(id).toMatch(TEAM_URL);
    const seq = Number(res.headers['x-event-sequence']);
    expect(res.headers.etag).toBe(`e${seq}`);
    expect(res.body).toEqual({
      isA: 'Team',
      name: 'Acme Org admins',
      members: [p.alice, p.bob],
      'test-data': true,
      creator: p.alice,
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      self: id,
      _permissions: `/az-permissions?${id}`,
      _permissionsHeirs: `/az-permissions-heirs?${id}`,
    });

    // The team and its permissions document, each with its event, in one transaction; the team's event is the
    // sequence number the client was given and its row's seq (B2).
    expect(await teamRow(stack, id)).toEqual({
      isA: 'Team',
      name: 'Acme Org admins',
      members: [p.alice, p.bob],
      'test-data': true,
      creator: p.alice,
      created: res.body.created,
    });
    expect(await eventsFor(stack, id)).toEqual([
      { seq: seq - 1, topic: 'permissions', action: 'create', members: [] },
      { seq, topic: 'teams', action: 'create', members: [p.alice, p.bob].sort() },
    ]);
    const { rows } = await stack.db.pool.query('SELECT seq FROM teams WHERE id = $1', [id]);
    expect(Number(rows[0].seq)).toBe(seq);
  });

  test('the team\'s permissions document exists with "" resolved to the team, so its members govern it', async () => {
    const { headers } = await post('alice', teamBody([p.bob]));
    const id = headers.location as string;
    const doc = await permissionsRow(stack, id);
    expect(doc).toMatchObject({
      _subject: id,
      _self: { read: [id], update: [id], delete: [id], govern: [id], admin: [id] },
    });
    // bob is a member: through the team he administers its permissions; carol is not, and may not even know of
    // them (a 404, as for a missing document).
    const asBob = await stack.http.get(`/az-permissions?${id}`).set(auth(await stack.token('bob')));
    expect(asBob.status).toBe(200);
    expect(asBob.body._self.govern).toEqual([id]);
    const asCarol = await stack.http.get(`/az-permissions?${id}`).set(auth(await stack.token('carol')));
    expect(asCarol.status).toBe(404);
  });

  test('"" is resolved in _permissionsHeirs and custom properties, not in _constraints', async () => {
    const body = teamBody([p.carol], {
      _permissions: {
        _subject: '',
        _self: { govern: [''] },
        _permissionsHeirs: { add: [''] },
        widgets: { read: ['', p.dave] },
        _constraints: { validIssuers: [stack.idp.issuer] },
      },
    });
    const res = await post('carol', body);
    expect(res.status).toBe(201);
    const id = res.headers.location as string;
    expect(await permissionsRow(stack, id)).toMatchObject({
      _subject: id,
      _self: { govern: [id], admin: [id] },
      _permissionsHeirs: { add: [id] },
      widgets: { read: [id, p.dave] },
      _constraints: { validIssuers: [stack.idp.issuer] },
    });
  });

  test('a _permissions document may inherit from a parent the caller may add heirs to', async () => {
    await createDocument(stack, 'alice', {
      _subject: 'http://example.com/create/open',
      _self: { govern: [p.alice] },
      _permissionsHeirs: { add: [p.bob] },
    });
    const res = await post(
      'bob',
      teamBody([p.bob], { _permissions: { _inheritsPermissionsOf: ['http://example.com/create/open'] } }),
    );
    expect(res.status).toBe(201);
    const id = res.headers.location as string;
    expect(await permissionsRow(stack, id)).toMatchObject({
      _subject: id,
      _inheritsPermissionsOf: ['http://example.com/create/open'],
    });
  });

  test('S48: e-mail members become ids, duplicates are removed', async () => {
    const issuer = stack.idp.issuer;
    const res = await post('alice', teamBody([`${issuer}#alice@example.com`, `${issuer}#dave@example.com`, p.alice]));
    expect(res.status).toBe(201);
    expect(res.body.members).toEqual([p.alice, p.dave]);
    expect((await teamRow(stack, res.headers.location as string))?.members).toEqual([p.alice, p.dave]);
  });

  test('a request with only the client token creates a team whose creator is the client', async () => {
    const res = await stack.http
      .post('/az-teams')
      .set({ 'X-Client-Authorization': `Bearer ${await stack.token('client')}` })
      .send(teamBody([p.dave]));
    expect(res.status).toBe(201);
    expect(res.body.creator).toBe(p.client);
  });
});

describe('POST /az-teams: refused, and nothing stored', () => {
  const issuerOf = () => stack.idp.issuer;
  // Bodies and answers are functions: principals are known only once the stack runs.
  const cases: Array<[string, number, () => unknown, () => Record<string, unknown>]> = [
    [
      'isA missing',
      400,
      () => ({ ...teamBody([p.alice]), isA: undefined }),
      () => ({ msg: 'invalid JSON: "isA" property not set to "Team"' }),
    ],
    [
      'isA not "Team"',
      400,
      () => teamBody([p.alice], { isA: 'Group' }),
      () => ({ msg: 'invalid JSON: "isA" property not set to "Team"' }),
    ],
    [
      'a body that is not an object',
      400,
      () => [teamBody([p.alice])],
      () => ({ msg: 'invalid JSON: a team must be a JSON object' }),
    ],
    [
      'members not an array',
      400,
      () => teamBody([p.alice], { members: p.alice }),
      () => ({ msg: 'invalid JSON: "members" must be an array of strings' }),
    ],
    [
      'members missing',
      400,
      () => ({ ...teamBody([]), members: undefined }),
      () => ({ msg: 'invalid JSON: "members" property not set (an array of principals)' }),
    ],
    [
      'a member that is a team',
      400,
      () => teamBody([p.alice, '/az-tm-oak-pine-0123456789abcdef01234567']),
      () => ({ msg: 'a team cannot contain a team', member: '/az-tm-oak-pine-0123456789abcdef01234567' }),
    ],
    [
      '_permissions missing',
      400,
      () => ({ ...teamBody([p.alice]), _permissions: undefined }),
      () => ({
        msg:
          '_permissions is required when creating a team: the permissions document of the new team, e.g. ' +
          '{"_self": {"govern": [""]}} ("" stands for the new team itself) or {"_inheritsPermissionsOf": ["/"]}',
      }),
    ],
    [
      '_permissions null',
      400,
      () => teamBody([p.alice], { _permissions: null }),
      () => ({
        msg:
          '_permissions is required when creating a team: the permissions document of the new team, e.g. ' +
          '{"_self": {"govern": [""]}} ("" stands for the new team itself) or {"_inheritsPermissionsOf": ["/"]}',
      }),
    ],
    [
      '_permissions not an object',
      400,
      () => teamBody([p.alice], { _permissions: 'x' }),
      () => ({ msg: '_permissions must be a permissions document (a JSON object)' }),
    ],
    [
      'client-set creator',
      400,
      () => teamBody([p.alice], { creator: p.alice }),
      () => ({ msg: 'invalid JSON: "creator" is set by the server and may not be sent' }),
    ],
    [
      'client-set created',
      400,
      () => teamBody([p.alice], { created: '2020-01-01T00:00:00.000Z' }),
      () => ({ msg: 'invalid JSON: "created" is set by the server and may not be sent' }),
    ],
    [
      'client-set modifier',
      400,
      () => teamBody([p.alice], { modifier: p.alice }),
      () => ({ msg: 'invalid JSON: "modifier" is set by the server and may not be sent' }),
    ],
    [
      'roles not an object',
      400,
      () => teamBody([p.alice], { roles: ['read'] }),
      () => ({ msg: 'invalid JSON: "roles" must be an object mapping base URLs to path patterns' }),
    ],
    [
      'roles base mapping to a list',
      400,
      () => teamBody([p.alice], { roles: { 'http://example.com/o/a': ['read'] } }),
      () => ({
        msg: 'invalid JSON: "roles" of base http://example.com/o/a must be an object mapping path patterns to actions',
      }),
    ],
    [
      'roles pattern without a leading /',
      400,
      () => teamBody([p.alice], { roles: { 'http://example.com/o/a': { x: ['read'] } } }),
      () => ({ msg: 'invalid JSON: role path pattern "x" of base http://example.com/o/a must start with "/"' }),
    ],
    [
      'roles actions not a list',
      400,
      () => teamBody([p.alice], { roles: { 'http://example.com/o/a': { '/': 'read' } } }),
      () => ({
        msg: 'invalid JSON: actions of role path pattern "/" of base http://example.com/o/a must be an array of strings',
      }),
    ],
    [
      'roles with an empty base',
      400,
      () => teamBody([p.alice], { roles: { '': { '/': ['read'] } } }),
      () => ({ msg: 'invalid JSON: a "roles" base URL may not be empty' }),
    ],
    [
      'an unknown e-mail member',
      400,
      () => teamBody([`${issuerOf()}#nobody@example.com`]),
      () => ({ msg: 'invalid email IDs', ids: [`${issuerOf()}#nobody@example.com`] }),
    ],
    [
      'a malformed member',
      400,
      () => teamBody(['not-a-principal']),
      () => ({
        msg: 'users and clients must be of the form {issuer}#{id} where issuer is a trusted issuer: not-a-principal',
        principal: 'not-a-principal',
      }),
    ],
    [
      'a _subject other than the team',
      400,
      () => teamBody([p.alice], { _permissions: { _subject: 'http://example.com/other', _self: { govern: [''] } } }),
      () => ({
        msg: expect.stringMatching(
          /^_permissions\._subject must be the new team's URL \/az-tm-[a-z]+-[a-z]+-[0-9a-f]{24} or be left out$/,
        ),
      }),
    ],
    [
      '_permissions with neither governor nor parent',
      400,
      () => teamBody([p.alice], { _permissions: { _self: { read: [''] } } }),
      () => ({
        msg: expect.stringMatching(
          /^permissions for \/az-tm-[a-z]+-[a-z]+-[0-9a-f]{24} must specify inheritance or at least one governor$/,
        ),
      }),
    ],
    [
      '_permissions with an unknown e-mail',
      400,
      () => teamBody([p.alice], { _permissions: { _self: { govern: [`${issuerOf()}#ghost@example.com`] } } }),
      () => ({ msg: 'invalid email IDs', ids: [`${issuerOf()}#ghost@example.com`] }),
    ],
  ];

  test.each(cases)('%s → %i', async (_name, status, body, expected) => {
    const before = await snapshot(stack);
    const res = await post('bob', body());
    expect(res.status).toBe(status);
    expect(res.body).toEqual(expected());
    expect(await snapshot(stack)).toEqual(before);
  });

  test('invalid JSON → 400', async () => {
    const before = await snapshot(stack);
    const res = await stack.http
      .post('/az-teams')
      .set(auth(await stack.token('bob')))
      .set('Content-Type', 'application/json')
      .send('{"isA": "Team",');
    expect(res.status).toBe(400);
    expect(res.body.msg).toMatch(/^invalid JSON: /);
    expect(await snapshot(stack)).toEqual(before);
  });

  test('401 without a token', async () => {
    const before = await snapshot(stack);
    const res = await stack.http.post('/az-teams').send(teamBody([p.alice]));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ msg: 'must provide valid Bearer token', reason: 'missing' });
    expect(await snapshot(stack)).toEqual(before);
  });

  test('403 when the caller may not add heirs to a parent of _permissions', async () => {
    await createDocument(stack, 'alice', {
      _subject: 'http://example.com/create/private',
      _self: { govern: [p.alice] },
    });
    const before = await snapshot(stack);
    const res = await post(
      'bob',
      teamBody([p.bob], { _permissions: { _inheritsPermissionsOf: ['http://example.com/create/private'] } }),
    );
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      msg:
        `user ${p.bob} is not allowed to inherit permissions from http://example.com/create/private: ` +
        'there is no permissions document there that you may see',
    });
    expect(await snapshot(stack)).toEqual(before);
  });
});

describe('B14: a failed team insert leaves no orphan permissions document', () => {
  test('the document written before the conflicting team row is rolled back with it', async () => {
    const id = '/az-tm-oak-pine-00000000000000000000b14a';
    // A team row without a document: the create below writes the document first, then fails on the team.
    await stack.db.pool.query(
      `INSERT INTO teams (id, seq, data) VALUES ($1, nextval('events_seq_seq'), '{"isA":"Team","members":[]}')`,
      [id],
    );
    const credentials = createClientCredentials({
      issuers: stack.config.authIssuers,
      clientId: stack.config.clientId ?? '',
      clientSecret: stack.config.clientSecret ?? '',
    });
    const create = createCreateTeam({
      store: stack.db.store,
      authorizer: createAuthorizer(stack.db.store, 'teams'),
      authority: { servicesClients: [], legacyRbacUrl: undefined },
      normaliser: createPrincipalNormaliser({ issuers: stack.config.authIssuers, credentials }),
      log: createLogger('test', 'silent'),
      now: () => '2025-01-01T00:00:00.000Z',
      newTeamUrl: () => id,
    });
    const before = await snapshot(stack);
    await expect(
      create.execute({ body: teamBody([p.bob]), requester: { user: p.bob, client: null } }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await permissionsRow(stack, id)).toBeNull();
    expect(await eventsFor(stack, id)).toEqual([]);
    expect(await snapshot(stack)).toEqual(before);
  });
});

describe('az-teams.create on /', () => {
  test('403 for a caller / does not allow to create teams', async () => {
    const alice = auth(await stack.token('alice'));
    const root = await stack.http.get('/az-permissions?/').set(alice);
    const restricted = await stack.http
      .patch('/az-permissions?/')
      .set(alice)
      .set('Content-Type', 'application/merge-patch+json')
      .set('If-Match', root.headers.etag as string)
      .send({ 'az-teams': { create: [p.alice] } });
    expect(restricted.status).toBe(200);

    const before = await snapshot(stack);
    const res = await post('bob', teamBody([p.bob]));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      msg: `Forbidden. component: teams resourceURL: / property: az-teams action: create user: ${p.bob}`,
    });
    expect(await snapshot(stack)).toEqual(before);
    expect((await post('alice', teamBody([p.alice]))).status).toBe(201);
  });
});
