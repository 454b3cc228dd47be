import { auth, startStack, type Stack } from '@permissions/test-support/harness';
import { createDocument, createTeam, eventsFor, teamBody, teamRow, type User } from './support';

/** `GET /az-roles?{base}` and `DELETE /az-roles?base=…&team=…`: who holds roles on a base, and ending them. */
let stack: Stack;
let p: Stack['principals'];
const BASE = 'http://example.com/o/grants';

beforeAll(async () => {
  stack = await startStack();
  p = stack.principals;
  // alice governs `/` and hands the namespace to carol.
  await createDocument(stack, 'alice', { _subject: BASE, _self: { govern: [p.carol] } });
});
afterAll(async () => stack?.close());

const as = async (who: User) => auth(await stack.token(who));

test('the governor of the base sees each team, its members and whether its roles are live', async () => {
  const team = await createTeam(stack, 'carol', teamBody([p.dave], { roles: { [`${BASE}/`]: { '/*': ['read'] } } }));
  const res = await stack.http.get(`/az-roles?${BASE}/`).set(await as('carol'));
  expect(res.status).toBe(200);
  expect(res.headers['content-location']).toBe(`/az-roles?${BASE}/`);
  expect(res.body.base).toBe(BASE);
  expect(res.body.document).toEqual({ incarnation: expect.any(Number), namespace: true, governors: [p.carol] });
  expect(res.body.teams).toEqual([
    {
      team: team.id,
      name: 'a team',
      members: [p.dave],
      roles: { [`${BASE}/`]: { '/*': ['read'] } },
      grantedOn: res.body.document.incarnation,
      live: true,
    },
  ]);
  expect(await teamRow(stack, team.id)).toMatchObject({ rolesGrantedOn: { [BASE]: res.body.document.incarnation } });
});

test('refusals: no base (400), a caller governing neither the base nor / (403), nobody else sees it', async () => {
  expect((await stack.http.get('/az-roles').set(await as('carol'))).status).toBe(400);
  const bob = await stack.http.get(`/az-roles?${BASE}`).set(await as('bob'));
  expect(bob.status).toBe(403);
  expect(bob.body.msg).toMatch(/action: govern/);
  // A base without a document: only a governor of / may look (its roles are all dead).
  expect((await stack.http.get('/az-roles?http://example.com/none').set(await as('carol'))).status).toBe(403);
  const alice = await stack.http.get('/az-roles?http://example.com/none').set(await as('alice'));
  expect([alice.status, alice.body]).toEqual([200, { base: 'http://example.com/none', document: null, teams: [] }]);
});

test('DELETE ends one team’s roles on the base (every spelling), keeps the rest, with one event', async () => {
  const other = 'http://example.com/o/kept';
  await createDocument(stack, 'alice', { _subject: other, _self: { govern: [p.carol] } });
  const team = await createTeam(
    stack,
    'carol',
    teamBody([p.dave], {
      roles: { [BASE]: { '/': ['read'] }, [`${BASE}//`]: { '/x': ['read'] }, [other]: { '/': ['read'] } },
    }),
  );
  const path = `/az-roles?base=${encodeURIComponent(BASE)}&team=${encodeURIComponent(team.id)}`;
  const res = await stack.http.delete(path).set(await as('carol'));
  expect(res.status).toBe(200);
  expect(res.body.roles).toEqual({ [other]: { '/': ['read'] } });
  expect(res.body.modifier).toBe(p.carol);
  const seq = Number(res.headers['x-event-sequence']);
  expect(res.headers.etag).toBe(`e${seq}`);
  expect((await eventsFor(stack, team.id)).at(-1)).toEqual({
    seq,
    topic: 'teams',
    action: 'update',
    members: [p.dave],
  });
  expect(await teamRow(stack, team.id)).toMatchObject({ rolesGrantedOn: { [other]: expect.any(Number) } });
  expect((await teamRow(stack, team.id))?.rolesGrantedOn).not.toHaveProperty(BASE);

  expect((await stack.http.delete(path).set(await as('carol'))).status).toBe(404);
  const missing = await stack.http.delete(`/az-roles?base=${encodeURIComponent(BASE)}`).set(await as('carol'));
  expect([missing.status, missing.body.msg]).toEqual([
    400,
    'query parameter team is required, once (DELETE /az-roles?base={URL}&team={team})',
  ]);
  const unknownTeam = `/az-roles?base=${encodeURIComponent(BASE)}&team=/az-tm-no-such-000000000000000000000000`;
  expect((await stack.http.delete(unknownTeam).set(await as('carol'))).status).toBe(404);
  expect((await stack.http.delete(path).set(await as('bob'))).status).toBe(403);
});

test('a role whose base was deleted and created again is listed as dead', async () => {
  const base = 'http://example.com/o/reborn';
  await createDocument(stack, 'alice', { _subject: base, _self: { govern: [p.carol] } });
  const team = await createTeam(stack, 'carol', teamBody([p.dave], { roles: { [base]: { '/': ['read'] } } }));
  expect((await stack.http.delete(`/az-permissions?${base}`).set(await as('carol'))).status).toBe(200);
  await createDocument(stack, 'alice', { _subject: base, _self: { govern: [p.carol] } });
  const res = await stack.http.get(`/az-roles?${base}`).set(await as('alice'));
  expect(res.status).toBe(200);
  expect(res.body.teams).toEqual([expect.objectContaining({ team: team.id, live: false })]);
  expect(res.body.teams[0].grantedOn).toBeLessThan(res.body.document.incarnation);
});

test('roles may name only a base that has a document, even where the caller governs through a role', async () => {
  // carol's team lets her govern every undocumented URL one segment below her namespace.
  const governing = await createTeam(stack, 'carol', teamBody([p.carol], { roles: { [BASE]: { '/*': ['govern'] } } }));
  const sub = `${BASE}/nothing-here`;
  const query = new URLSearchParams({
    resource: sub,
    user: p.carol,
    action: 'govern',
    atLeast: governing.etag.slice(1),
  });
  expect((await stack.http.get(`/az-is-allowed?${query.toString()}`).set(await as('carol'))).body).toBe(true);
  const res = await stack.http
    .post('/az-teams')
    .set(await as('carol'))
    .send(teamBody([p.carol], { roles: { [sub]: { '/': ['read'] } } }));
  expect([res.status, res.body.msg]).toEqual([
    400,
    `roles may name only a base that has a permissions document: ${sub} has none (create ${sub} first)`,
  ]);
});
