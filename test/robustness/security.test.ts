/**
 * Security probes of a hostile user: bob tries to read, change or take over what alice owns, and to become a
 * governor of `/`, through every route that writes (merge and JSON patch, team roles, team `_permissions`, the
 * migration). Every attempt is refused and leaves the stored rows as they were.
 */
import { randomBytes } from 'node:crypto';
import { startLegacyStack, type LegacyStack } from '@permissions/test-support/harness';
import { auth, expectClientError, rowCounts, type RowCounts } from './support';

let legacy: LegacyStack;
let tokens: { alice: string; bob: string };
let P: { alice: string; bob: string; carol: string };
/** A URL prefix nobody owns at the start, and alice's document below it. */
const prefix = `http://example.com/sec-${randomBytes(4).toString('hex')}`;
const acme = `${prefix}/acme`;
let aliceTeam: string;

const http = () => legacy.stack.http;
const enc = encodeURIComponent;

async function storedRow(table: 'permissions' | 'teams', key: string): Promise<unknown> {
  const column = table === 'permissions' ? 'subject' : 'id';
  const { rows } = await legacy.stack.db.pool.query(`SELECT seq, data FROM ${table} WHERE ${column} = $1`, [key]);
  return rows[0];
}

beforeAll(async () => {
  legacy = await startLegacyStack();
  const { stack } = legacy;
  tokens = { alice: await stack.token('alice'), bob: await stack.token('bob') };
  P = { alice: stack.principals.alice, bob: stack.principals.bob, carol: stack.principals.carol };
  const created = await http()
    .post('/az-permissions')
    .set(auth(tokens.alice))
    .send({ _subject: acme, _self: { govern: [P.alice], read: [P.alice] }, _permissionsHeirs: { add: [P.alice] } });
  expect(created.status).toBe(201);
  const team = await http()
    .post('/az-teams')
    .set(auth(tokens.alice))
    .send({ isA: 'Team', members: [P.alice], _permissions: { _self: { govern: [''], update: [''], read: [''] } } });
  expect(team.status).toBe(201);
  aliceTeam = team.headers.location;
});
afterAll(async () => legacy?.close());

let before: { counts: RowCounts; acme: unknown; root: unknown; team: unknown };
beforeEach(async () => {
  before = {
    counts: await rowCounts(legacy.stack),
    acme: await storedRow('permissions', acme),
    root: await storedRow('permissions', '/'),
    team: await storedRow('teams', aliceTeam),
  };
});
/** Set by the tests in which bob first writes something of his own, legitimately. */
let bobWrote = false;
afterEach(async () => {
  expect(await storedRow('permissions', acme)).toEqual(before.acme);
  expect(await storedRow('permissions', '/')).toEqual(before.root);
  expect(await storedRow('teams', aliceTeam)).toEqual(before.team);
  if (!bobWrote) expect(await rowCounts(legacy.stack)).toEqual(before.counts);
  bobWrote = false;
});

const asBob = () => auth(tokens.bob);
const mergePatch = (path: string, etag: string, body: unknown) =>
  http()
    .patch(path)
    .set(asBob())
    .set('Content-Type', 'application/merge-patch+json')
    .set('If-Match', etag)
    .send(JSON.stringify(body));
const jsonPatch = (path: string, etag: string, ops: unknown) =>
  http()
    .patch(path)
    .set(asBob())
    .set('Content-Type', 'application/json-patch+json')
    .set('If-Match', etag)
    .send(JSON.stringify(ops));
const etagOf = async (path: string) => (await http().get(path).set(auth(tokens.alice))).headers.etag as string;

describe("bob and alice's document", () => {
  test('bob cannot read, patch (merge or JSON) or delete it, nor learn that it exists (404)', async () => {
    const path = `/az-permissions?${acme}`;
    const etag = await etagOf(path);
    const notFound = /^permissions not found for subject$/;
    expectClientError(await http().get(path).set(asBob()), 404, notFound);
    expectClientError(await mergePatch(path, etag, { _self: { govern: [P.bob] } }), 404, notFound);
    const ops = [{ op: 'add', path: '/_self/govern/-', value: P.bob }];
    expectClientError(await jsonPatch(path, etag, ops), 404, notFound);
    expectClientError(await http().delete(path).set(asBob()), 404, notFound);
    expectClientError(await http().get(`/az-users-who-can-access?${acme}`).set(asBob()), 404, notFound);
    expectClientError(await http().get(`/az-permissions-heirs?${acme}`).set(asBob()), 404, notFound);
  });

  test('bob cannot create a document inheriting from it', async () => {
    const res = await http()
      .post('/az-permissions')
      .set(asBob())
      .send({ _subject: `${acme}/mine`, _inheritsPermissionsOf: [acme], _self: { govern: [P.bob] } });
    expectClientError(res, 403, new RegExp(`not allowed to inherit permissions from ${acme}`));
  });

  test('bob cannot make a document of his own inherit from it', async () => {
    bobWrote = true;
    const own = `${prefix}-bob-${randomBytes(3).toString('hex')}`;
    const created = await http()
      .post('/az-permissions')
      .set(asBob())
      .send({ _subject: own, _self: { govern: [P.bob] } });
    expect(created.status).toBe(201);
    const res = await mergePatch(`/az-permissions?${own}`, created.headers.etag, { _inheritsPermissionsOf: [acme] });
    expectClientError(res, 400, /may not inherit from specified resources/);
    expect((await storedRow('permissions', own)) as { seq: string }).toMatchObject({
      seq: created.headers.etag.slice(1),
    });
  });

  test('bob cannot create it again (409), nor name it as his own team document', async () => {
    const again = await http()
      .post('/az-permissions')
      .set(asBob())
      .send({ _subject: acme, _self: { govern: [P.bob] } });
    expect(again.status).toBe(409);
    const team = await http()
      .post('/az-teams')
      .set(asBob())
      .send({ isA: 'Team', members: [P.bob], _permissions: { _subject: acme, _self: { govern: [P.bob] } } });
    expectClientError(team, 400, /_permissions._subject must be the new team's URL/);
    const heir = await http()
      .post('/az-teams')
      .set(asBob())
      .send({ isA: 'Team', members: [P.bob], _permissions: { _inheritsPermissionsOf: [acme] } });
    expectClientError(heir, 403, new RegExp(`not allowed to inherit permissions from ${acme}`));
  });
});

describe('bob and the root document /', () => {
  test('bob cannot govern / through a merge patch, a JSON patch, a delete or a re-create', async () => {
    const etag = await etagOf('/az-permissions?/');
    // bob may not read / (only add heirs to it): it answers him as a missing document
    const notFound = /^permissions not found for subject$/;
    expectClientError(await http().get('/az-permissions?/').set(asBob()), 404, notFound);
    expectClientError(await mergePatch('/az-permissions?/', etag, { _self: { govern: [P.bob] } }), 404, notFound);
    const ops = [{ op: 'add', path: '/_self/govern/-', value: P.bob }];
    expectClientError(await jsonPatch('/az-permissions?/', etag, ops), 404, notFound);
    expectClientError(await http().delete('/az-permissions?/').set(asBob()), 404, notFound);
    const again = await http()
      .post('/az-permissions')
      .set(asBob())
      .send({ _subject: '/', _self: { govern: [P.bob] } });
    expect(again.status).toBe(409);
  });

  test.each([
    ['/', '/'],
    ['//', '/'],
    ['an empty-looking base with spaces', ' /'],
  ])('bob cannot create a team with roles on %s', async (_name, base) => {
    const res = await http()
      .post('/az-teams')
      .set(asBob())
      .send({
        isA: 'Team',
        members: [P.bob],
        roles: { [base]: { '/': ['govern', 'admin'] } },
        _permissions: { _self: { govern: [''] } },
      });
    expect(res.status).toBe(403);
    expect(res.body.msg).toMatch(/may not grant roles/);
  });

  test('bob cannot start a migration (only the services client and governors of / may)', async () => {
    for (const kind of ['migration-request', 're-migration-request']) {
      const res = await http()
        .post(`/az-permissions-migration/${kind}`)
        .set(asBob())
        .send({ resource: legacy.orgUrl('acme') });
      expectClientError(res, 403, /action: govern/);
    }
  });
});

describe("bob and alice's team", () => {
  test('bob cannot read, patch, join or delete it', async () => {
    const etag = await etagOf(aliceTeam);
    expectClientError(await http().get(aliceTeam).set(asBob()), 403, /action: read/);
    expectClientError(await mergePatch(aliceTeam, etag, { members: [P.alice, P.bob] }), 403, /action: update/);
    const ops = [{ op: 'add', path: '/members/-', value: P.bob }];
    expectClientError(await jsonPatch(aliceTeam, etag, ops), 403, /action: update/);
    expectClientError(await http().delete(aliceTeam).set(asBob()), 403, /action: delete/);
    const perms = `/az-permissions?${aliceTeam}`;
    const patched = await mergePatch(perms, await etagOf(perms), { _self: { govern: [P.bob] } });
    expectClientError(patched, 404, /^permissions not found for subject$/);
  });

  test("bob cannot list alice's teams nor the resources shared with her", async () => {
    expectClientError(
      await http()
        .get(`/az-teams?${enc(P.alice)}`)
        .set(asBob()),
      403,
      /must match user in token/,
    );
    const shared = await http()
      .get(`/az-resources-shared-with?${enc(P.alice)}`)
      .set(asBob());
    expectClientError(shared, 403, /must match user in token/);
    // a team bob may not know of is answered as no team at all
    const members = await http().get(`/az-resources-accessible-by-team-members?${aliceTeam}`).set(asBob());
    expectClientError(members, 400, /^team must name a team/);
    const principal = await http()
      .get(`/az-resources-accessible-by-team-members?${enc(P.alice)}`)
      .set(asBob());
    expectClientError(principal, 400, /^team must name a team/);
  });
});

describe('roles on a URL prefix bob governs do not reach documents alice owns below it', () => {
  let bobTeam: string;
  beforeAll(async () => {
    // Anyone may create a document for an unclaimed URL: bob governs the prefix of alice's document.
    const prefixDoc = await http()
      .post('/az-permissions')
      .set(asBob())
      .send({ _subject: prefix, _self: { govern: [P.bob] } });
    expect(prefixDoc.status).toBe(201);
    const team = await http()
      .post('/az-teams')
      .set(asBob())
      .send({
        isA: 'Team',
        members: [P.bob],
        roles: { [prefix]: { '/*': ['read', 'admin', 'govern', 'delete'], '/*/*': ['read'] } },
        _permissions: { _self: { govern: [''] } },
      });
    expect(team.status).toBe(201);
    bobTeam = team.headers.location;
  });

  test("bob cannot read, patch or delete alice's permissions document through his team's roles", async () => {
    const path = `/az-permissions?${acme}`;
    const notFound = /^permissions not found for subject$/;
    expectClientError(await http().get(path).set(asBob()), 404, notFound);
    expectClientError(await mergePatch(path, await etagOf(path), { _self: { govern: [P.bob] } }), 404, notFound);
    expectClientError(await http().delete(path).set(asBob()), 404, notFound);
  });

  test('the runtime answers the same: no role grant on a document that does not inherit from the base', async () => {
    for (const action of ['read', 'govern']) {
      const res = await http()
        .get(`/az-is-allowed?resource=${enc(acme)}&user=${enc(P.bob)}&action=${action}`)
        .set(asBob());
      expect({ action, status: res.status, body: res.body }).toEqual({ action, status: 200, body: null });
    }
    const actions = await http()
      .get(`/az-allowed-actions?resource=${enc(acme)}&user=${enc(P.bob)}`)
      .set(asBob());
    expect({ status: actions.status, body: actions.body }).toEqual({ status: 200, body: [] });
  });

  test('the roles decide for documents inheriting from the base, never for undocumented URLs (no namespace)', async () => {
    bobWrote = true;
    // bob's prefix document was not handed out by a governor of /: it decides nothing for resources without one.
    const free = await http()
      .get(`/az-is-allowed?resource=${enc(`${prefix}/free/x`)}&user=${enc(P.bob)}&action=read`)
      .set(asBob());
    expect({ status: free.status, body: free.body }).toEqual({ status: 200, body: null });
    // carol's document inherits from the prefix (bob let her attach): she consented to the prefix's roles.
    const heir = `${prefix}/heir-${randomBytes(3).toString('hex')}`;
    const etag = (await http().get(`/az-permissions?${prefix}`).set(asBob())).headers.etag as string;
    const allow = await mergePatch(`/az-permissions?${prefix}`, etag, { _permissionsHeirs: { add: [P.carol] } });
    expect(allow.status).toBe(200);
    const carol = await legacy.stack.token('carol');
    const created = await http()
      .post('/az-permissions')
      .set(auth(carol))
      .send({ _subject: heir, _inheritsPermissionsOf: [prefix], _self: { govern: [P.carol] } });
    expect(created.status).toBe(201);
    const read = await http()
      .get(`/az-is-allowed?resource=${enc(heir)}&user=${enc(P.bob)}&action=read`)
      .set(asBob());
    expect({ status: read.status, body: read.body }).toEqual({ status: 200, body: true });
    expect(bobTeam).toMatch(/^\/az-tm-/);
  });
});

describe('principals of issuers that are not trusted', () => {
  test.each([
    ['a user of another issuer', 'https://evil.example.com#1b4e28ba-2fa1-11d2-883f-0016d3cca427'],
    ['an e-mail at another issuer', 'https://evil.example.com#alice@example.com'],
    ['an http issuer that is not loopback', 'http://evil.example.com#x'],
  ])('%s cannot be written into a document or a team', async (_name, principal) => {
    const doc = await http()
      .post('/az-permissions')
      .set(asBob())
      .send({
        _subject: `${prefix}/p-${randomBytes(3).toString('hex')}`,
        _self: { govern: [P.bob], read: [principal] },
      });
    expect(doc.status).toBe(400);
    expect(doc.body.msg).toEqual(expect.any(String));
    const team = await http()
      .post('/az-teams')
      .set(asBob())
      .send({ isA: 'Team', members: [principal], _permissions: { _self: { govern: [''] } } });
    expect(team.status).toBe(400);
    expect(team.body.msg).toEqual(expect.any(String));
  });
});
