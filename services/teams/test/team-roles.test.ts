import { auth, startStack, type Stack } from '@permissions/test-support/harness';
import { createDocument, createTeam, snapshot, teamBody, teamRow, type User } from './support';

let stack: Stack;
let p: Stack['principals'];
const ACME = 'http://example.com/o/acme';
const BOBCO = 'http://example.com/o/bobco';

beforeAll(async () => {
  stack = await startStack();
  p = stack.principals;
  await createDocument(stack, 'alice', { _subject: ACME, _self: { govern: [p.alice] } });
  // alice governs `/`: she hands bob a namespace of his own by creating it with him as its governor.
  await createDocument(stack, 'alice', { _subject: BOBCO, _self: { govern: [p.bob] } });
});
afterAll(async () => stack?.close());

const as = async (who: User) => auth(await stack.token(who));
const MERGE = 'application/merge-patch+json';

/** The runtime's answer (same stack) for `who` asking about himself, once it has applied event `atLeast`. */
async function isAllowed(who: User, resource: string, action: string, atLeast?: number): Promise<unknown> {
  const query = new URLSearchParams({ resource, user: stack.principals[who], action });
  if (atLeast !== undefined) query.set('atLeast', String(atLeast));
  const res = await stack.http.get(`/az-is-allowed?${query.toString()}`).set(await as(who));
  expect(res.status).toBe(200);
  return res.body;
}

async function patch(who: User, id: string, body: unknown, ifMatch: string, contentType = MERGE) {
  return stack.http
    .patch(id)
    .set(await as(who))
    .set('Content-Type', contentType)
    .set('If-Match', ifMatch)
    .send(body as object);
}

const refusal = (who: User, base: string, governed = base) => ({
  msg: `${stack.principals[who]} may not grant roles on ${base}: it needs govern on ${governed}`,
});

describe('W1: roles name only bases the caller governs', () => {
  test('bob cannot create a team that grants himself roles on a base alice governs', async () => {
    const before = await snapshot(stack);
    const res = await stack.http
      .post('/az-teams')
      .set(await as('bob'))
      .send(teamBody([p.bob], { roles: { [ACME]: { '/': ['read', 'update'] } } }));
    expect(res.status).toBe(403);
    expect(res.body).toEqual(refusal('bob', ACME));
    expect(await snapshot(stack)).toEqual(before); // no team, no permissions document, no event
    expect(await isAllowed('bob', `${ACME}/environments/test`, 'read')).toBeNull();
  });

  test("a trailing slash does not make the base someone else's document", async () => {
    // `…/acme/` is inside alice's namespace: bob may not create it, nor name it as a base of his roles.
    const squat = await stack.http
      .post('/az-permissions')
      .set(await as('bob'))
      .send({ _subject: `${ACME}/`, _self: { govern: [p.bob] } });
    expect(squat.status).toBe(403);
    const before = await snapshot(stack);
    const res = await stack.http
      .post('/az-teams')
      .set(await as('bob'))
      .send(teamBody([p.bob], { roles: { [`${ACME}/`]: { '/': ['read'] } } }));
    expect(res.status).toBe(403);
    expect(res.body).toEqual(refusal('bob', `${ACME}/`, ACME));
    expect(await snapshot(stack)).toEqual(before);
    expect(await isAllowed('bob', `${ACME}/apps`, 'read')).toBeNull();
  });

  test('bob cannot add such roles by patching a team he updates', async () => {
    const team = await createTeam(stack, 'bob', teamBody([p.bob], { name: 'bob team' }));
    const before = await snapshot(stack);
    const merged = await patch('bob', team.id, { roles: { [ACME]: { '/': ['read', 'update'] } } }, team.etag);
    expect(merged.status).toBe(403);
    expect(merged.body).toEqual(refusal('bob', ACME));
    const jsonPatched = await patch(
      'bob',
      team.id,
      [{ op: 'add', path: '/roles', value: { [ACME]: { '/keyvaluemaps': ['read'] } } }],
      team.etag,
      'application/json-patch+json',
    );
    expect(jsonPatched.status).toBe(403);
    expect(await snapshot(stack)).toEqual(before);
    expect(await teamRow(stack, team.id)).not.toHaveProperty('roles');
    expect(await isAllowed('bob', `${ACME}/environments/test`, 'update')).toBeNull();
  });

  test('bob may set roles on a base he governs, and they grant through the role fallback', async () => {
    const res = await stack.http
      .post('/az-teams')
      .set(await as('bob'))
      .send(teamBody([p.bob], { roles: { [BOBCO]: { '/apps/*': ['read'] } } }));
    expect(res.status).toBe(201);
    expect(res.body.roles).toEqual({ [BOBCO]: { '/apps/*': ['read'] } });
    const seq = Number(res.headers['x-event-sequence']);
    expect(await isAllowed('bob', `${BOBCO}/apps/one`, 'read', seq)).toBe(true);
    expect(await isAllowed('bob', `${BOBCO}/apps/one`, 'delete', seq)).toBeNull();
  });

  test('a maintainer may change members of a team whose unchanged roles name a base he does not govern', async () => {
    const team = await createTeam(
      stack,
      'alice',
      teamBody([p.alice], {
        roles: { [ACME]: { '/': ['read'] } },
        _permissions: { _self: { read: [p.bob], update: [p.bob], govern: [p.alice] } },
      }),
    );
    const members = await patch('bob', team.id, { members: [p.alice, p.carol] }, team.etag);
    expect(members.status).toBe(200);
    expect(members.body.members).toEqual([p.alice, p.carol]);

    // Adding a base he governs leaves acme's roles unchanged: allowed.
    const added = await patch(
      'bob',
      team.id,
      { roles: { [BOBCO]: { '/': ['read'] } } },
      members.headers.etag as string,
    );
    expect(added.status).toBe(200);
    expect(added.body.roles).toEqual({ [ACME]: { '/': ['read'] }, [BOBCO]: { '/': ['read'] } });

    // Changing acme's roles is granting on acme: refused.
    const widened = await patch(
      'bob',
      team.id,
      { roles: { [ACME]: { '/': ['read', 'update'] } } },
      added.headers.etag as string,
    );
    expect(widened.status).toBe(403);
    expect(widened.body).toEqual(refusal('bob', ACME));
  });
});

describe('B2: the runtime sees role and membership changes of a team', () => {
  test('roles patched in, a member removed, a member added', async () => {
    const base = 'http://example.com/o/b2corp';
    await createDocument(stack, 'alice', { _subject: base, _self: { govern: [p.alice] } });
    const resource = `${base}/environments/test`;
    const team = await createTeam(
      stack,
      'alice',
      teamBody([p.carol], { _permissions: { _self: { read: [p.alice], update: [p.alice], govern: [p.alice] } } }),
    );
    // The runtime caches carol's and dave's teams and the team itself before the changes.
    expect(await isAllowed('carol', resource, 'read')).toBeNull();
    expect(await isAllowed('dave', resource, 'read')).toBeNull();

    const withRoles = await patch('alice', team.id, { roles: { [base]: { '/environments/*': ['read'] } } }, team.etag);
    expect(withRoles.status).toBe(200);
    const rolesSeq = Number(withRoles.headers['x-event-sequence']);
    expect(await isAllowed('carol', resource, 'read', rolesSeq)).toBe(true);
    expect(await isAllowed('carol', `${resource}/deeper`, 'read', rolesSeq)).toBeNull();

    const swapped = await patch('alice', team.id, { members: [p.dave] }, withRoles.headers.etag as string);
    expect(swapped.status).toBe(200);
    const swapSeq = Number(swapped.headers['x-event-sequence']);
    expect(swapSeq).toBeGreaterThan(rolesSeq);
    expect(await isAllowed('carol', resource, 'read', swapSeq)).toBeNull();
    expect(await isAllowed('dave', resource, 'read', swapSeq)).toBe(true);

    const deleted = await stack.http.delete(team.id).set(await as('alice'));
    expect(deleted.status).toBe(403); // alice may update but was not given delete
  });

  test('a deleted team no longer lends its roles', async () => {
    const resource = `${BOBCO}/environments/prod`;
    const team = await createTeam(stack, 'bob', teamBody([p.bob, p.dave], { roles: { [BOBCO]: { '/': ['read'] } } }));
    expect(await isAllowed('dave', resource, 'read', Number(team.etag.slice(1)))).toBe(true);
    const deleted = await stack.http.delete(team.id).set(await as('bob'));
    expect(deleted.status).toBe(200);
    expect(await isAllowed('dave', resource, 'read', Number(deleted.headers['x-event-sequence']))).toBeNull();
  });
});
