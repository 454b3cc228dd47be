import { auth, startStack, type Stack } from '@permissions/test-support/harness';
import {
  createDocument,
  createTeam,
  eventsFor,
  permissionsRow,
  snapshot,
  teamBody,
  teamRow,
  type User,
} from './support';

let stack: Stack;
let p: Stack['principals'];
beforeAll(async () => {
  stack = await startStack();
  p = stack.principals;
});
afterAll(async () => stack?.close());

const as = async (who: User) => auth(await stack.token(who));
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

async function patch(who: User, id: string, contentType: string, body: unknown, ifMatch?: string) {
  const req = stack.http
    .patch(id)
    .set(await as(who))
    .set('Content-Type', contentType);
  if (ifMatch !== undefined) req.set('If-Match', ifMatch);
  return req.send(body as object);
}

describe('GET /az-teams?{user}', () => {
  test("the caller's own teams as relative URLs, in the raw and the user= forms", async () => {
    const first = await createTeam(stack, 'alice', teamBody([p.carol, p.alice]));
    const second = await createTeam(stack, 'bob', teamBody([p.carol]));
    await createTeam(stack, 'bob', teamBody([p.bob]));
    const expected = [first.id, second.id].sort();

    const raw = `/az-teams?${encodeURIComponent(p.carol)}`;
    const res = await stack.http.get(raw).set(await as('carol'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ self: raw, contents: expected });
    expect(res.headers['content-location']).toBe(raw);

    const named = `/az-teams?user=${encodeURIComponent(p.carol)}`;
    const byName = await stack.http.get(named).set(await as('carol'));
    expect(byName.status).toBe(200);
    expect(byName.body).toEqual({ self: named, contents: expected });
  });

  test('403 for another user', async () => {
    const res = await stack.http.get(`/az-teams?${encodeURIComponent(p.carol)}`).set(await as('bob'));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      msg: 'user in query string must match user in token',
      querystringUser: p.carol,
      tokenUser: p.bob,
    });
  });

  test('400 without a user', async () => {
    const res = await stack.http.get('/az-teams').set(await as('bob'));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ msg: 'the query string must name the resource: /az-teams?{url}' });
  });
});

describe('GET /az-tm-{id}', () => {
  test('200 with ETag and Content-Location', async () => {
    const team = await createTeam(stack, 'alice', teamBody([p.alice, p.bob], { name: 'readers' }));
    const res = await stack.http.get(team.id).set(await as('bob'));
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(team.etag);
    expect(res.headers['content-location']).toBe(team.id);
    expect(res.body).toEqual(team.body);
  });

  test('404 for an unknown team', async () => {
    const id = '/az-tm-oak-pine-0123456789abcdef01234567';
    const res = await stack.http.get(id).set(await as('bob'));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ msg: 'unable to find team', id });
  });

  test('403 for a principal that may not read it', async () => {
    const team = await createTeam(stack, 'alice', teamBody([p.alice]));
    const res = await stack.http.get(team.id).set(await as('carol'));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      msg: `Forbidden. component: teams resourceURL: ${team.id} property: _self action: read user: ${p.carol}`,
    });
  });

  test('401 without a token', async () => {
    const team = await createTeam(stack, 'alice', teamBody([p.alice]));
    const res = await stack.http.get(team.id);
    expect(res.status).toBe(401);
  });
});

describe('PATCH /az-tm-{id}', () => {
  test('merge patch: 200 with the new ETag and X-Event-Sequence, stamps and an update event', async () => {
    const team = await createTeam(stack, 'alice', teamBody([p.alice, p.bob], { name: 'before' }));
    const res = await patch('bob', team.id, MERGE, { name: 'after' }, team.etag);
    expect(res.status).toBe(200);
    const seq = Number(res.headers['x-event-sequence']);
    expect(res.headers.etag).toBe(`e${seq}`);
    expect(res.headers.etag).not.toBe(team.etag);
    expect(res.body).toEqual({
      ...team.body,
      name: 'after',
      modifier: p.bob,
      modified: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(await teamRow(stack, team.id)).toMatchObject({ name: 'after', creator: p.alice, modifier: p.bob });
    expect((await eventsFor(stack, team.id)).at(-1)).toEqual({
      seq,
      topic: 'teams',
      action: 'update',
      members: [p.alice, p.bob].sort(),
    });
    const read = await stack.http.get(team.id).set(await as('alice'));
    expect(read.headers.etag).toBe(`e${seq}`);
    expect(read.body.name).toBe('after');
  });

  test('json patch: 200', async () => {
    const team = await createTeam(stack, 'alice', teamBody([p.alice], { name: 'before' }));
    const res = await patch('alice', team.id, JSON_PATCH, [{ op: 'replace', path: '/name', value: 'json' }], team.etag);
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('json');
  });

  test('echoing the representation back (links and unchanged stamps) is accepted', async () => {
    const team = await createTeam(stack, 'alice', teamBody([p.alice], { name: 'echo' }));
    const res = await patch('alice', team.id, MERGE, { ...team.body, name: 'echoed' }, team.etag);
    expect(res.status).toBe(200);
    expect(await teamRow(stack, team.id)).toEqual({
      isA: 'Team',
      name: 'echoed',
      members: [p.alice],
      creator: p.alice,
      created: team.body.created,
      modifier: p.alice,
      modified: res.body.modified,
    });
  });

  test('members are normalised from e-mails and de-duplicated', async () => {
    const team = await createTeam(stack, 'alice', teamBody([p.alice]));
    const issuer = stack.idp.issuer;
    const res = await patch(
      'alice',
      team.id,
      MERGE,
      { members: [p.alice, `${issuer}#alice@example.com`, `${issuer}#dave@example.com`, p.dave] },
      team.etag,
    );
    expect(res.status).toBe(200);
    expect(res.body.members).toEqual([p.alice, p.dave]);
    expect((await teamRow(stack, team.id))?.members).toEqual([p.alice, p.dave]);
  });

  test('S49: json patch adding an e-mail to /members/- keeps the members there', async () => {
    const issuer = stack.idp.issuer;
    const created = await stack.http
      .post('/az-teams')
      .set(await as('alice'))
      .send(teamBody([`${issuer}#alice@example.com`, `${issuer}#dave@example.com`], { name: 'email team' }));
    expect(created.status).toBe(201);
    expect(created.body.members).toEqual([p.alice, p.dave]);
    const res = await patch(
      'alice',
      created.headers.location as string,
      JSON_PATCH,
      [{ op: 'add', path: '/members/-', value: `${issuer}#carol@example.com` }],
      created.headers.etag as string,
    );
    expect(res.status).toBe(200);
    expect(res.body.members).toEqual([p.alice, p.dave, p.carol]);
  });

  describe('refused, and nothing stored', () => {
    let team: { id: string; etag: string; body: Record<string, unknown> };
    beforeAll(async () => {
      team = await createTeam(stack, 'alice', teamBody([p.alice, p.bob], { name: 'refusals' }));
    });

    const cases: Array<[string, number, () => [User, string, unknown, string | undefined], () => object]> = [
      [
        'If-Match missing',
        412,
        () => ['alice', MERGE, { name: 'x' }, undefined],
        () => ({ msg: 'missing If-Match header' }),
      ],
      [
        'If-Match wrong',
        412,
        () => ['alice', MERGE, { name: 'x' }, 'e1'],
        () => ({ msg: `If-Match header does not match etag ${team.etag}` }),
      ],
      [
        'If-Match unparsable',
        412,
        () => ['alice', MERGE, { name: 'x' }, 'nonsense'],
        () => ({ msg: `If-Match header does not match etag ${team.etag}` }),
      ],
      [
        'a bad patch with a wrong If-Match (checked before the patch is applied)',
        412,
        () => ['alice', JSON_PATCH, [{ op: 'replace', path: '/nothing/here', value: 1 }], 'e1'],
        () => ({ msg: `If-Match header does not match etag ${team.etag}` }),
      ],
      [
        'an invalid team with a wrong If-Match',
        412,
        () => ['alice', MERGE, { members: 'nope' }, 'e1'],
        () => ({ msg: `If-Match header does not match etag ${team.etag}` }),
      ],
      [
        'Content-Type application/json',
        400,
        () => ['alice', 'application/json', { name: 'x' }, team.etag],
        () => ({
          msg: 'unknown PATCH content-type: application/json (use application/merge-patch+json or application/json-patch+json)',
        }),
      ],
      [
        'a json patch that cannot be applied',
        400,
        () => ['alice', JSON_PATCH, [{ op: 'replace', path: '/nothing/here', value: 1 }], team.etag],
        () => ({ msg: expect.stringMatching(/^invalid JSON patch: /) }),
      ],
      [
        'members made a string',
        400,
        () => ['alice', MERGE, { members: p.alice }, team.etag],
        () => ({ msg: 'invalid JSON: "members" must be an array of strings' }),
      ],
      [
        'members removed',
        400,
        () => ['alice', MERGE, { members: null }, team.etag],
        () => ({ msg: 'invalid JSON: "members" property not set (an array of principals)' }),
      ],
      [
        'a team as a member',
        400,
        () => ['alice', JSON_PATCH, [{ op: 'add', path: '/members/-', value: team.id }], team.etag],
        () => ({ msg: 'a team cannot contain a team', member: team.id }),
      ],
      [
        'isA changed',
        400,
        () => ['alice', MERGE, { isA: 'Group' }, team.etag],
        () => ({ msg: 'invalid JSON: "isA" property not set to "Team"' }),
      ],
      [
        'creator changed',
        400,
        () => ['alice', MERGE, { creator: p.bob }, team.etag],
        () => ({ msg: 'creator is set by the server and may not be changed' }),
      ],
      [
        '_permissions given a new value',
        400,
        () => ['alice', MERGE, { _permissions: { _self: { govern: [p.bob] } } }, team.etag],
        () => ({
          msg: `_permissions is a link set by the server (/az-permissions?${team.id}) and may not be changed; change the team's permissions through /az-permissions?${team.id}`,
        }),
      ],
      [
        'roles of a bad shape',
        400,
        () => ['alice', MERGE, { roles: { 'http://example.com/o/x': { '/': 'read' } } }, team.etag],
        () => ({
          msg: 'invalid JSON: actions of role path pattern "/" of base http://example.com/o/x must be an array of strings',
        }),
      ],
      [
        'an unknown e-mail member',
        400,
        () => ['alice', MERGE, { members: [`${stack.idp.issuer}#nobody@example.com`] }, team.etag],
        () => ({ msg: 'invalid email IDs', ids: [`${stack.idp.issuer}#nobody@example.com`] }),
      ],
      [
        'a caller without _self.update',
        403,
        () => ['carol', MERGE, { name: 'x' }, team.etag],
        () => ({
          msg: `Forbidden. component: teams resourceURL: ${team.id} property: _self action: update user: ${p.carol}`,
        }),
      ],
    ];

    test.each(cases)('%s → %i', async (_name, status, request, expected) => {
      const before = await snapshot(stack);
      const [who, contentType, body, ifMatch] = request();
      const res = await patch(who, team.id, contentType, body, ifMatch);
      expect(res.status).toBe(status);
      expect(res.body).toEqual(expected());
      expect(await snapshot(stack)).toEqual(before);
      expect(await teamRow(stack, team.id)).toEqual({
        isA: 'Team',
        name: 'refusals',
        members: [p.alice, p.bob],
        creator: p.alice,
        created: team.body.created,
      });
    });
  });

  test('404 for an unknown team', async () => {
    const id = '/az-tm-oak-pine-0123456789abcdef0123abcd';
    const res = await patch('alice', id, MERGE, { name: 'x' }, 'e1');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ msg: 'unable to find team', id });
  });
});

describe('DELETE /az-tm-{id}', () => {
  test('200 with the deleted team; the team, its members and its permissions document go in one transaction', async () => {
    const team = await createTeam(stack, 'alice', teamBody([p.alice, p.dave], { name: 'doomed' }));
    const res = await stack.http.delete(team.id).set(await as('dave'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(team.body);
    expect(res.headers.etag).toBe(team.etag);
    const seq = Number(res.headers['x-event-sequence']);

    expect(await teamRow(stack, team.id)).toBeNull();
    expect(await permissionsRow(stack, team.id)).toBeNull();
    const { rows: members } = await stack.db.pool.query('SELECT 1 FROM team_members WHERE team_id = $1', [team.id]);
    expect(members).toEqual([]);
    const { rows: events } = await stack.db.pool.query<{ seq: string; topic: string; action: string; tx: string }>(
      "SELECT seq, topic, action, xmin::text AS tx FROM events WHERE subject = $1 AND action = 'delete' ORDER BY seq",
      [team.id],
    );
    expect(events.map((e) => [e.topic, Number(e.seq)])).toEqual([
      ['teams', seq - 1],
      ['permissions', seq],
    ]);
    expect(events[0].tx).toBe(events[1].tx); // written by the same transaction

    const gone = await stack.http.get(team.id).set(await as('dave'));
    expect(gone.status).toBe(404);
  });

  test('403 without _self.delete, nothing deleted', async () => {
    const team = await createTeam(
      stack,
      'alice',
      teamBody([p.alice, p.bob], { _permissions: { _self: { read: [''], update: [''], govern: [p.alice] } } }),
    );
    const before = await snapshot(stack);
    const res = await stack.http.delete(team.id).set(await as('bob'));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      msg: `Forbidden. component: teams resourceURL: ${team.id} property: _self action: delete user: ${p.bob}`,
    });
    expect(await snapshot(stack)).toEqual(before);
  });

  test("409 while documents inherit from the team's permissions document, then 200 once they are gone", async () => {
    const team = await createTeam(
      stack,
      'bob',
      teamBody([p.bob], {
        _permissions: { _self: { read: [''], delete: [''], govern: [''] }, _permissionsHeirs: { add: [''] } },
      }),
    );
    const heir = 'http://example.com/routes/heir-of-team';
    await createDocument(stack, 'bob', { _subject: heir, _inheritsPermissionsOf: [team.id] });

    const before = await snapshot(stack);
    const refused = await stack.http.delete(team.id).set(await as('bob'));
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      msg: `documents still inherit from the permissions of team ${team.id}; detach them first or delete with cascade`,
      heirs: [heir],
    });
    expect(await snapshot(stack)).toEqual(before);

    const detached = await stack.http.delete(`/az-permissions?${heir}`).set(await as('bob'));
    expect(detached.status).toBe(200);
    const res = await stack.http.delete(team.id).set(await as('bob'));
    expect(res.status).toBe(200);
    expect(await permissionsRow(stack, team.id)).toBeNull();
  });

  test('?cascade=true deletes it anyway: the documents inheriting from it are detached and kept valid', async () => {
    const team = await createTeam(
      stack,
      'bob',
      teamBody([p.bob], {
        _permissions: {
          _self: { read: [''], update: [''], delete: [''], govern: [''] },
          _permissionsHeirs: { add: [''] },
        },
      }),
    );
    // carol, a member, attaches heirs: one with a governor of its own, one without
    const [governed, orphan] = ['governed', 'orphan'].map((x) => `http://example.com/routes/${x}-${team.id.slice(7)}`);
    const patched = await stack.http
      .patch(team.id)
      .set(await as('bob'))
      .set({ 'content-type': 'application/merge-patch+json', 'if-match': '*' })
      .send({ members: [p.bob, p.carol] });
    expect(patched.status).toBe(200);
    await createDocument(stack, 'carol', {
      _subject: governed,
      _inheritsPermissionsOf: [team.id],
      _self: { govern: [p.carol] },
    });
    await createDocument(stack, 'carol', { _subject: orphan, _inheritsPermissionsOf: [team.id] });
    const res = await stack.http.delete(`${team.id}?cascade=true`).set(await as('bob'));
    expect(res.status).toBe(200);
    expect(await permissionsRow(stack, team.id)).toBeNull();
    expect(await permissionsRow(stack, governed)).toMatchObject({
      _inheritsPermissionsOf: [],
      _self: { govern: [p.carol] },
    });
    // left with neither parent nor governor, it inherits from / (whose governors can repair it)
    expect(await permissionsRow(stack, orphan)).toMatchObject({ _inheritsPermissionsOf: ['/'] });
  });

  test('404 for an unknown team', async () => {
    const id = '/az-tm-oak-pine-0123456789abcdef0123dcba';
    const res = await stack.http.delete(id).set(await as('alice'));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ msg: 'unable to find team', id });
  });
});

describe('other methods', () => {
  test('405 with Allow on /az-tm-{id}', async () => {
    const res = await stack.http
      .put('/az-tm-oak-pine-0123456789abcdef01234567')
      .set(await as('alice'))
      .send({});
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, PATCH, DELETE');
    expect(res.body.msg).toBe('method PUT not allowed for /az-tm-oak-pine-0123456789abcdef01234567');
  });

  test('405 with Allow on /az-teams', async () => {
    const res = await stack.http.delete('/az-teams').set(await as('alice'));
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST, GET');
  });
});
