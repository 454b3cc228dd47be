import { randomBytes } from 'node:crypto';
import type { LegacyFixture, LegacyPermission } from '@permissions/dev-stand-ins/legacy-rbac';
import { startDeployment, type AsOptions, type Deployment, type Mode, type Sender } from './deployment';
import { q, type Reply, type User } from './support';

/**
 * CONTRACT §4.8, issue 9 items 1–3: authority comes only from who controls a resource. Each case is an attack by
 * bob, an ordinary user, over real HTTP, against the four services as separate processes and against the
 * all-in-one. `alice` governs `/`; `carol` and `dave` are ordinary users she hands namespaces to; in the legacy
 * system dave administers the orgs and carol is an ordinary user of them, bob nothing. docs/security.md names the
 * rule each case proves.
 */
const everything: LegacyPermission[] = [{ path: '/', permissions: ['get', 'put', 'delete'] }];
const developer: LegacyPermission[] = [{ path: '/apis', permissions: ['get', 'put', 'delete'] }];
const org = () => ({
  orgadmin: { users: ['dave@example.com'], permissions: everything },
  user: { users: ['carol@example.com'], permissions: developer },
});
const FIXTURE: LegacyFixture = { globex: org(), initech: org(), hooli: org(), vandelay: org() };

const ALL = ['read', 'update', 'delete', 'govern', 'admin'];
const EVERYTHING = { '/': ALL, '/*': ALL, '/*/*': ALL, '/*/*/*': ALL };
const MERGE = 'application/merge-patch+json';
const hex = () => randomBytes(4).toString('hex');
/** A host nobody else in the file uses. */
const host = (label: string) => `http://${label}-${hex()}.example.com`;

describe.each<Mode>(['split', 'all-in-one'])('%s', (mode) => {
  let d: Deployment;
  beforeAll(async () => {
    d = await startDeployment(mode, FIXTURE);
  }, 120_000);
  afterAll(async () => d?.close());

  const p = (who: User) => d.principal(who);
  const send = (who: Sender, method: string, path: string, options?: AsOptions) => d.send(who, method, path, options);
  const seqOf = (reply: Reply) => Number(reply.headers.get('x-event-sequence'));

  async function created(who: Sender, doc: Record<string, unknown>, options: AsOptions = {}): Promise<Reply> {
    const res = await send(who, 'POST', '/az-permissions', { ...options, body: doc });
    expect([res.status, doc._subject, res.body?.msg]).toEqual([201, doc._subject, undefined]);
    return res;
  }
  /** A namespace alice (a governor of /) hands to `owner`: he governs it and may attach heirs to it. */
  const namespaceFor = (owner: User, subject: string) =>
    created('alice', { _subject: subject, _self: { govern: [p(owner)] }, _permissionsHeirs: { add: [p(owner)] } });
  async function teamOf(who: User, members: User[], roles: Record<string, unknown>): Promise<Reply> {
    const res = await send(who, 'POST', '/az-teams', {
      body: {
        isA: 'Team',
        members: members.map(p),
        roles,
        _permissions: { _self: { govern: [p(who)], update: [p(who)], read: [p(who), ''] } },
      },
    });
    expect([res.status, res.body?.msg]).toEqual([201, undefined]);
    return res;
  }
  /** `who`'s own answer to `/az-is-allowed` once the runtime has applied event `atLeast`. */
  async function allowed(who: User, resource: string, action: string, atLeast = 0): Promise<unknown> {
    const res = await send(who, 'GET', `/az-is-allowed?${q({ resource, action, user: p(who), atLeast })}`);
    expect(res.status).toBe(200);
    return res.body;
  }
  /** Every question route's answer for `who` on `resource`, so that none of them lets a role through. */
  async function everyRoute(who: User, resource: string, action: string, atLeast: number) {
    const ask = async (path: string) => (await send(who, 'GET', `${path}&atLeast=${atLeast}`)).body;
    const user = p(who);
    return {
      isAllowed: await ask(`/az-is-allowed?${q({ resource, action, user })}`),
      basePath: await ask(`/az-is-allowed-for-base-and-path?${q({ baseAndPath: resource, action, user })}`),
      anyBasePath: await ask(`/az-are-any-base-and-paths-allowed?${q({ baseAndPath: resource, action, user })}`),
      actions: await ask(`/az-allowed-actions?${q({ resource, user })}`),
      basePathActions: await ask(`/az-allowed-actions-for-base-and-path?${q({ baseAndPath: resource, user })}`),
    };
  }
  const NOTHING = { isAllowed: null, basePath: null, anyBasePath: null, actions: [], basePathActions: [] };

  describe('9.1: a role is bound to the base document it was granted on', () => {
    test("a role outlives its base: bob's roles on a deleted umbrella never reach alice's new one", async () => {
      const umbrella = `${host('adv')}/o/umbrella`;
      await created('bob', { _subject: umbrella, _self: { govern: [p('bob')] } });
      await teamOf('bob', ['bob'], { [umbrella]: { '/': ALL, '/*': ALL, '/*/*': ALL } });
      expect((await send('bob', 'DELETE', `/az-permissions?${umbrella}`)).status).toBe(200);

      // alice hands the same URL to carol as a namespace; carol documents an app under it.
      await namespaceFor('carol', umbrella);
      const payroll = `${umbrella}/apps/payroll`;
      const child = await created('carol', {
        _subject: payroll,
        _inheritsPermissionsOf: [umbrella],
        _self: { read: [p('carol')], govern: [p('carol')] },
      });
      const seq = seqOf(child);
      // 404: bob may not even know of it (CONTRACT §4.10)
      expect((await send('bob', 'GET', `/az-permissions?${payroll}`)).status).toBe(404);
      const takeOver = await send('bob', 'PATCH', `/az-permissions?${umbrella}`, {
        type: MERGE,
        ifMatch: '*',
        body: { _self: { govern: [p('bob')] } },
      });
      expect(takeOver.status).toBe(404); // bob may not even know of alice's umbrella
      expect(await everyRoute('bob', payroll, 'read', seq)).toEqual(NOTHING);
      expect(await everyRoute('bob', `${umbrella}/apps/other`, 'delete', seq)).toEqual(NOTHING);
      expect(await everyRoute('bob', umbrella, 'govern', seq)).toEqual(NOTHING);

      // carol's own roles on her namespace do decide there.
      const carols = await teamOf('carol', ['carol'], { [umbrella]: { '/*/*': ['read'] } });
      expect(await allowed('carol', `${umbrella}/apps/other`, 'read', seqOf(carols))).toBe(true);
    });

    test('deleting the base ends its roles at once; the same subject created again never revives them', async () => {
      const base = `${host('ends')}/o/org`;
      const resource = `${base}/environments/prod`;
      await namespaceFor('carol', base);
      const team = await teamOf('carol', ['dave'], { [base]: { '/': ['read'] } });
      expect(await allowed('dave', resource, 'read', seqOf(team))).toBe(true);

      const deleted = await send('carol', 'DELETE', `/az-permissions?${base}`);
      expect(deleted.status).toBe(200);
      expect(await allowed('dave', resource, 'read', seqOf(deleted))).toBeNull();
      const again = await namespaceFor('carol', base);
      expect(await allowed('dave', resource, 'read', seqOf(again))).toBeNull();
      expect(await allowed('dave', base, 'read', seqOf(again))).toBeNull();

      // A PATCH of the team that leaves its roles as they are (If-Match: *) does not bind them to the new document.
      const teamId = team.headers.get('location') as string;
      const members = await send('carol', 'PATCH', teamId, {
        type: MERGE,
        ifMatch: '*',
        body: { members: [p('dave'), p('bob')], roles: { [base]: { '/': ['read'] } } },
      });
      expect(members.status).toBe(200);
      expect(await allowed('dave', resource, 'read', seqOf(members))).toBeNull();
      expect(await allowed('bob', resource, 'read', seqOf(members))).toBeNull();
      // Nor may a client write the binding itself.
      const forged = await send('carol', 'PATCH', teamId, {
        type: MERGE,
        ifMatch: '*',
        body: { rolesGrantedOn: { [base]: Number(again.headers.get('etag')?.slice(1)) } },
      });
      expect([forged.status, forged.body.msg]).toEqual([
        400,
        'rolesGrantedOn is set by the server and may not be changed',
      ]);
      const created2 = await send('carol', 'POST', '/az-teams', {
        body: {
          isA: 'Team',
          members: [p('bob')],
          rolesGrantedOn: { [base]: 1 },
          _permissions: { _self: { govern: [''] } },
        },
      });
      expect(created2.status).toBe(400);

      // carol, who governs the new document, grants again: the role is bound to it and decides.
      const regranted = await send('carol', 'PATCH', teamId, {
        type: MERGE,
        ifMatch: '*',
        body: { roles: { [base]: { '/': ['read', 'update'] } } },
      });
      expect(regranted.status).toBe(200);
      expect(await allowed('dave', resource, 'read', seqOf(regranted))).toBe(true);

      // bob can neither name nor re-grant the base, whatever If-Match he sends.
      const own = await teamOf('bob', ['bob'], {});
      const ownId = own.headers.get('location') as string;
      for (const ifMatch of ['*', own.headers.get('etag') as string]) {
        const res = await send('bob', 'PATCH', ownId, {
          type: MERGE,
          ifMatch,
          body: { roles: { [base]: EVERYTHING } },
        });
        expect(res.status).toBe(403);
      }
      // (bob is a member of carol's team, which grants read and update only.)
      expect(await allowed('bob', `${base}/x`, 'delete', await d.lastSeq())).toBeNull();
    });
  });

  describe('9.2: only the nearest namespace decides for a resource without a document', () => {
    test.each([['http:'], ['http://'], ['https:'], ['a host nobody documented'], ['http://apigee.com/o']])(
      'claiming %s gives nothing on anyone else’s URLs',
      async (label) => {
        const nobody = host('nobody');
        const claimed = label === 'a host nobody documented' ? nobody : label;
        // An earlier case of this file may have claimed it already: the document is bob's either way.
        const doc = await send('bob', 'POST', '/az-permissions', {
          body: { _subject: claimed, _self: { govern: [p('bob')] } },
        });
        expect([201, 409]).toContain(doc.status);
        const team = await teamOf('bob', ['bob'], { [claimed]: EVERYTHING });
        const seq = seqOf(team);
        for (const resource of [
          `http://apigee.com/o/someone-${hex()}/environments/test`,
          `https://app-${hex()}.example.org/orders/1`,
          `${nobody}/anything/at/all`,
        ]) {
          expect({ resource, ...(await everyRoute('bob', resource, 'delete', seq)) }).toEqual({ resource, ...NOTHING });
        }
      },
    );

    test("bob cannot document an undocumented URL inside carol's namespace, nor take a document out of it", async () => {
      const base = `${host('inside')}/o/org`;
      await namespaceFor('carol', base);
      const team = await teamOf('carol', ['dave'], { [base]: { '/*/*': ['read'] } });
      for (const subject of [`${base}/environments/prod`, `${base}/`, `${base}/environments/prod/`]) {
        const squat = await send('bob', 'POST', '/az-permissions', {
          body: { _subject: subject, _self: { govern: [p('bob')], read: [p('bob')] } },
        });
        expect([subject, squat.status]).toEqual([subject, 403]);
      }
      expect(await allowed('dave', `${base}/environments/prod`, 'read', seqOf(team))).toBe(true);
      expect(await allowed('bob', `${base}/environments/prod`, 'read', seqOf(team))).toBeNull();

      // dave may attach heirs; he documents an app, then tries to take it out of carol's namespace.
      const ns = await send('carol', 'GET', `/az-permissions?${base}`);
      const opened = await send('carol', 'PATCH', `/az-permissions?${base}`, {
        type: MERGE,
        ifMatch: ns.headers.get('etag') as string,
        body: { _permissionsHeirs: { add: [p('carol'), p('dave')], remove: [p('carol'), p('dave')] } },
      });
      expect(opened.status).toBe(200);
      const app = await created('dave', {
        _subject: `${base}/apps/x`,
        _inheritsPermissionsOf: [base],
        _self: { govern: [p('dave')] },
      });
      const detached = await send('dave', 'PATCH', `/az-permissions?${base}/apps/x`, {
        type: MERGE,
        ifMatch: app.headers.get('etag') as string,
        body: { _inheritsPermissionsOf: [] },
      });
      expect(detached.status).toBe(403);
    });

    test('roles on a spelling of the namespace (slash, case, scheme, encoding) decide nothing', async () => {
      const domain = `ns-${hex()}.example.com`;
      const base = `http://${domain}/o/org`;
      await namespaceFor('carol', base);
      for (const variant of [
        `HTTP://${domain}/o/org`,
        `https://${domain}/o/org`,
        `http://${domain.toUpperCase()}/o/org`,
        `http://${domain}/o%2Forg`,
      ]) {
        // bob may document these other strings himself (they are not inside carol's namespace)...
        await created('bob', { _subject: variant, _self: { govern: [p('bob')] } });
        const team = await teamOf('bob', ['bob'], { [variant]: EVERYTHING });
        // ...but they are not namespaces: they decide nothing for carol's URLs nor for their own undocumented ones.
        expect(await everyRoute('bob', `${base}/apps/x`, 'read', seqOf(team))).toEqual(NOTHING);
        expect(await everyRoute('bob', `${variant}/apps/x`, 'read', seqOf(team))).toEqual(NOTHING);
      }
      const slash = await send('bob', 'POST', '/az-teams', {
        body: { isA: 'Team', members: [p('bob')], roles: { [`${base}/`]: EVERYTHING }, _permissions: {} },
      });
      expect(slash.status).toBe(403);
    });

    test('an inner namespace hides the outer one; a document inheriting from the base is reached at any depth', async () => {
      const outer = `${host('outer')}/o`;
      const inner = `${outer}/lab`;
      await namespaceFor('carol', outer);
      await namespaceFor('dave', inner);
      const team = await teamOf('carol', ['carol'], { [outer]: { '/*': ALL, '/*/*': ALL } });
      expect(await allowed('carol', `${outer}/apps`, 'read', seqOf(team))).toBe(true);
      expect(await allowed('carol', `${inner}/x`, 'read', seqOf(team))).toBeNull();
      // A document under the outer namespace that inherits from it through another one is reached.
      await created('carol', {
        _subject: `${outer}/a`,
        _inheritsPermissionsOf: [outer],
        _self: { govern: [p('carol')] },
      });
      const deep = await created('carol', {
        _subject: `${outer}/a/b`,
        _inheritsPermissionsOf: [`${outer}/a`],
        _self: { govern: [p('carol')] },
      });
      expect(await allowed('carol', `${outer}/a/b`, 'read', seqOf(deep))).toBe(true);
    });

    test('a governor of / demoted keeps the namespaces he handed out; what he creates afterwards is none', async () => {
      const root = await send('alice', 'GET', '/az-permissions?/');
      const promoted = await send('alice', 'PATCH', '/az-permissions?/', {
        type: MERGE,
        ifMatch: root.headers.get('etag') as string,
        body: { _self: { govern: [p('alice'), p('dave')] } },
      });
      expect(promoted.status).toBe(200);
      const before = `${host('before')}/o`;
      await created('dave', { _subject: before, _self: { govern: [p('carol')] } });
      const demoted = await send('alice', 'PATCH', '/az-permissions?/', {
        type: MERGE,
        ifMatch: promoted.headers.get('etag') as string,
        body: { _self: { govern: [p('alice')] } },
      });
      expect(demoted.status).toBe(200);
      const after = `${host('after')}/o`;
      const late = await created('dave', { _subject: after, _self: { govern: [p('dave')] } });
      expect(late.body._metadata.namespace).toBeUndefined();

      const carols = await teamOf('carol', ['carol'], { [before]: { '/*': ['read'] } });
      const daves = await teamOf('dave', ['dave'], { [after]: { '/*': ['read'] } });
      const seq = Math.max(seqOf(carols), seqOf(daves));
      expect(await allowed('carol', `${before}/x`, 'read', seq)).toBe(true);
      expect(await allowed('dave', `${after}/x`, 'read', seq)).toBeNull();
      const listed = await send('alice', 'GET', '/az-namespaces?limit=1000');
      expect(listed.status).toBe(200);
      const subjects = (listed.body.namespaces as Array<{ subject: string }>).map((n) => n.subject);
      expect(subjects).toContain(before);
      expect(subjects).not.toContain(after);
    });

    test("the services' client forwarding bob's request does not make bob's document a namespace", async () => {
      const claimed = `${host('xca')}/o`;
      const viaClient = await created('bob', { _subject: claimed, _self: { govern: [p('bob')] } }, { viaClient: true });
      expect(viaClient.body._metadata.namespace).toBeUndefined();
      const team = await teamOf('bob', ['bob'], { [claimed]: EVERYTHING });
      expect(await everyRoute('bob', `${claimed}/x`, 'delete', seqOf(team))).toEqual(NOTHING);
      // The client alone is the services' own identity: what it creates is a namespace.
      const own = await created('client', { _subject: `${host('svc')}/o`, _self: { govern: [d.client] } });
      expect(own.body._metadata.namespace).toBe(true);
    });
  });

  describe('what a governor of / sees and revokes', () => {
    test('the teams holding roles on a namespace, one role ended, then the namespace itself', async () => {
      const base = `${host('seen')}/o`;
      const ns = await namespaceFor('carol', base);
      const team = await teamOf('carol', ['dave'], { [base]: { '/*': ['read'] } });
      const teamId = team.headers.get('location') as string;
      expect(await allowed('dave', `${base}/x`, 'read', seqOf(team))).toBe(true);

      const seen = await send('alice', 'GET', `/az-roles?${base}`);
      expect(seen.status).toBe(200);
      expect(seen.body).toEqual({
        base,
        document: { incarnation: Number(ns.headers.get('etag')?.slice(1)), namespace: true, governors: [p('carol')] },
        teams: [
          {
            team: teamId,
            members: [p('dave')],
            roles: { [base]: { '/*': ['read'] } },
            grantedOn: Number(ns.headers.get('etag')?.slice(1)),
            live: true,
          },
        ],
      });
      // Neither bob nor a member sees them, nor may revoke.
      expect((await send('bob', 'GET', `/az-roles?${base}`)).status).toBe(403);
      expect((await send('dave', 'GET', `/az-roles?base=${encodeURIComponent(base)}`)).status).toBe(403);
      const bobRevokes = await send('bob', 'DELETE', `/az-roles?${q({ base, team: teamId })}`);
      expect(bobRevokes.status).toBe(403);
      expect((await send('bob', 'GET', '/az-namespaces')).status).toBe(403);

      const revoked = await send('alice', 'DELETE', `/az-roles?${q({ base, team: teamId })}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.roles).toBeUndefined();
      expect(await allowed('dave', `${base}/x`, 'read', seqOf(revoked))).toBeNull();
      expect((await send('alice', 'DELETE', `/az-roles?${q({ base, team: teamId })}`)).status).toBe(404);

      // The namespace's governor may end roles on it too, and alice may end the namespace she handed out.
      const again = await teamOf('carol', ['dave'], { [base]: { '/*': ['read'] } });
      const byGovernor = await send(
        'carol',
        'DELETE',
        `/az-roles?${q({ base, team: again.headers.get('location') as string })}`,
      );
      expect(byGovernor.status).toBe(200);
      expect((await send('bob', 'DELETE', `/az-permissions?${base}`)).status).toBe(404); // he may not know of it
      const ended = await send('alice', 'DELETE', `/az-permissions?${base}`);
      expect(ended.status).toBe(200);
      const listed = await send('alice', 'GET', '/az-namespaces?limit=1000');
      expect((listed.body.namespaces as Array<{ subject: string }>).map((n) => n.subject)).not.toContain(base);
      // A document carol created herself is no namespace: alice may not delete it.
      const own = `${host('own')}/o`;
      await created('carol', { _subject: own, _self: { govern: [p('carol')] } });
      expect((await send('alice', 'DELETE', `/az-permissions?${own}`)).status).toBe(404); // not hers to know of
    });

    test('a namespace whose governor leaves: his roles stay until the new governor ends them', async () => {
      const base = `${host('leaves')}/o`;
      await namespaceFor('carol', base);
      const team = await teamOf('carol', ['carol', 'bob'], { [base]: { '/*': ['read'] } });
      const teamId = team.headers.get('location') as string;
      const ns = await send('carol', 'GET', `/az-permissions?${base}`);
      const handed = await send('carol', 'PATCH', `/az-permissions?${base}`, {
        type: MERGE,
        ifMatch: ns.headers.get('etag') as string,
        body: { _self: { govern: [p('dave')], admin: [p('dave')] } },
      });
      expect(handed.status).toBe(200);
      expect(await allowed('bob', `${base}/x`, 'read', seqOf(handed))).toBe(true);
      // carol no longer governs: she may not widen her team's roles on it, whatever If-Match she sends.
      const widened = await send('carol', 'PATCH', teamId, {
        type: MERGE,
        ifMatch: '*',
        body: { roles: { [base]: { '/*': ['read', 'delete'] } } },
      });
      expect(widened.status).toBe(403);
      // dave, the namespace's governor now, sees the roles carol granted and ends them.
      const seen = await send('dave', 'GET', `/az-roles?${base}`);
      expect(seen.body.teams).toEqual([expect.objectContaining({ team: teamId, members: [p('carol'), p('bob')] })]);
      const ended = await send('dave', 'DELETE', `/az-roles?${q({ base, team: teamId })}`);
      expect(ended.status).toBe(200);
      expect(await allowed('bob', `${base}/x`, 'read', seqOf(ended))).toBeNull();
    });
  });

  describe('team URLs', () => {
    test('a /az-tm-… document is created only with its team, and deleted only with it', async () => {
      const fake = `/az-tm-oak-pine-${randomBytes(12).toString('hex')}`;
      // The serving process's own host is internalised: `http://{host}/az-tm-…` is the team URL itself.
      const ownHost = d.urlOf('/az-permissions');
      for (const subject of [fake, `${ownHost}${fake}`]) {
        const res = await send('bob', 'POST', '/az-permissions', {
          body: { _subject: subject, _self: { govern: [p('bob')] } },
        });
        expect([subject, res.status]).toEqual([subject, 403]);
      }
      const team = await teamOf('carol', ['carol'], {});
      const teamId = team.headers.get('location') as string;
      const internalised = await send('bob', 'POST', '/az-permissions', {
        body: { _subject: `${ownHost}${teamId}`, _self: { govern: [p('bob')] } },
      });
      expect(internalised.status).toBe(403);
      const removed = await send('carol', 'DELETE', `/az-permissions?${teamId}`);
      expect(removed.status).toBe(409);
      expect((await send('carol', 'GET', teamId)).status).toBe(200);
    });

    test("roles on a team's URL decide nothing for undocumented URLs below it", async () => {
      const own = await teamOf('bob', ['bob'], {});
      const ownId = own.headers.get('location') as string;
      const team = await teamOf('bob', ['bob'], { [ownId]: EVERYTHING });
      expect(await everyRoute('bob', `${ownId}/anything`, 'delete', seqOf(team))).toEqual(NOTHING);
    });
  });

  describe('9.3: a legacy org is created by its migration; a squatter never blocks nor hijacks it', () => {
    test('before the migration nobody else creates documents at or under the org, by any route', async () => {
      const orgUrl = d.orgUrl('globex');
      const legacyHost = new URL(d.legacy.url).host;
      for (const subject of [
        orgUrl,
        `${orgUrl}/`,
        `${orgUrl}/apis/x`,
        `${d.legacy.url}/v1/organizations/globex`,
        `${d.legacy.url}/v1/organizations/globex/apis`,
        `HTTP://${legacyHost}/v1/o/globex`,
      ]) {
        for (const who of ['bob', 'alice'] as const) {
          const res = await send(who, 'POST', '/az-permissions', {
            body: { _subject: subject, _self: { govern: [p(who)] } },
          });
          expect([who, subject, res.status]).toEqual([who, subject, 403]);
        }
      }
      const viaTeam = await send('bob', 'POST', '/az-teams', {
        body: { isA: 'Team', members: [p('bob')], _permissions: { _inheritsPermissionsOf: [orgUrl] } },
      });
      expect(viaTeam.status).toBe(403);

      // The org's members get their answers; bob gets nothing and governs nothing.
      expect(await allowed('carol', `${orgUrl}/apis`, 'read')).toBe(true);
      expect(await allowed('dave', `${orgUrl}/apis/secret`, 'delete')).toBe(true);
      expect(await allowed('bob', `${orgUrl}/apis`, 'read')).toBeNull();
      expect((await send('bob', 'GET', `/az-permissions?${orgUrl}`)).status).toBe(404); // not his to know of
      expect((await send('client', 'GET', `/az-permissions?${orgUrl}`)).body._metadata).toMatchObject({
        creator: d.client,
        namespace: true,
      });
      // Migrated: documents under it must inherit from it, in either URL form.
      for (const subject of [`${orgUrl}/apis/mine`, `${d.legacy.url}/v1/organizations/globex/mine`]) {
        const res = await send('bob', 'POST', '/az-permissions', {
          body: { _subject: subject, _self: { govern: [p('bob')] } },
        });
        expect([subject, res.status]).toEqual([subject, 403]);
      }
      const again = await send('client', 'POST', '/az-permissions-migration/migration-request', {
        body: { resource: orgUrl },
      });
      expect(again.status).toBe(409);
    });

    test('a squat from before this rule neither blocks the migration (no 409) nor keeps any power', async () => {
      const orgUrl = d.orgUrl('initech');
      const secret = `${orgUrl}/apis/secret`;
      const other = `${d.legacy.url}/v1/organizations/initech/x`;
      const outside = `${host('heir')}/doc`;
      // Written as the old code let anyone write them: bob's org document, a child, the other URL form.
      const bobs = { creator: p('bob'), created: new Date().toISOString(), sharedWith: [p('bob')] };
      await d.cluster.db.store.write(async (tx) => {
        await tx.createDocument({ _subject: orgUrl, _self: { govern: [p('bob')] }, _metadata: bobs });
        await tx.createDocument({
          _subject: secret,
          _inheritsPermissionsOf: [orgUrl],
          _self: { govern: [p('bob')], read: [p('bob')] },
          _metadata: bobs,
        });
        await tx.createDocument({ _subject: other, _self: { govern: [p('bob')], read: [p('bob')] }, _metadata: bobs });
        await tx.createDocument({
          _subject: outside,
          _inheritsPermissionsOf: [secret],
          _self: { govern: [p('bob')], admin: [p('bob')] },
          _metadata: bobs,
        });
      });
      // bob governs his squat, so he may grant his team roles on it.
      await teamOf('bob', ['bob'], { [orgUrl]: EVERYTHING });

      const migrated = await send('client', 'POST', '/az-permissions-migration/migration-request', {
        body: { resource: secret },
      });
      expect([migrated.status, migrated.body.msg]).toEqual([200, undefined]);
      const seq = seqOf(migrated);
      expect(await allowed('dave', secret, 'delete', seq)).toBe(true);
      expect(await allowed('carol', `${orgUrl}/apis`, 'read', seq)).toBe(true);
      for (const resource of [orgUrl, secret, other, `${orgUrl}/apis/y`]) {
        expect({ resource, ...(await everyRoute('bob', resource, 'read', seq)) }).toEqual({ resource, ...NOTHING });
      }
      expect((await send('bob', 'GET', `/az-permissions?${orgUrl}`)).status).toBe(404); // not his to know of
      expect((await send('client', 'GET', `/az-permissions?${secret}`)).status).toBe(404);
      // bob's document elsewhere that inherited from a squat now inherits from the org, not from a missing parent.
      const heir = await send('bob', 'GET', `/az-permissions?${outside}`);
      expect(heir.body._inheritsPermissionsOf).toEqual([orgUrl]);
    });

    test("a member's first question about a squatted org URL itself imports the org", async () => {
      const orgUrl = d.orgUrl('hooli');
      await d.cluster.db.store.write((tx) =>
        tx.createDocument({
          _subject: orgUrl,
          _self: { govern: [p('bob')], read: [p('bob')] },
          _metadata: { creator: p('bob'), sharedWith: [p('bob')] },
        }),
      );
      const seq = await d.lastSeq();
      expect(await allowed('dave', orgUrl, 'read', seq)).toBe(true);
      expect(await allowed('bob', orgUrl, 'read', await d.lastSeq())).toBeNull();
    });
  });
});
