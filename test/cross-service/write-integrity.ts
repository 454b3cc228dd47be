import type { Pool } from 'pg';
import {
  MAX_INHERITANCE_DEPTH,
  MAX_PARENTS_PER_DOCUMENT,
  MAX_PRINCIPAL_BYTES,
  MAX_PRINCIPALS_PER_DOCUMENT,
  MAX_SUBJECT_BYTES,
  MAX_TEAMS_PER_MEMBER,
} from '@permissions/model';
import { call, enc, q, seqOf, uniqueSubject, type Reply, type User } from './support';

/**
 * The attacker's tests of write integrity (issue 9.4; issue 18.5, 18.7, 18.8, 18.10, 18.12; CONTRACT §4.8, §4.10),
 * over real HTTP, shared by the all-in-one and the split-mode files. Races send each pair's two requests at once,
 * many pairs together, and assert the invariant for every pair: never how long anything took.
 */
export interface Targets {
  /** Two URLs that write documents: the all-in-one twice, or two maintenance processes over one database. */
  maintenance: [string, string];
  /** Where teams are written (and, for the question after a change, where the runtime answers). */
  teams: string;
  runtime: string;
  issuer: string;
  pool: Pool;
  principal(who: User): string;
  token(who: User): string;
}

const PAIRS = 24;
const MERGE = 'application/merge-patch+json';

async function create(t: Targets, who: User, body: Record<string, unknown>, at = 0): Promise<Reply> {
  return call(t.maintenance[at], 'POST', '/az-permissions', { token: t.token(who), body });
}

async function created(t: Targets, who: User, body: Record<string, unknown>): Promise<Reply> {
  const reply = await create(t, who, body);
  if (reply.status !== 201)
    throw new Error(`create ${String(body._subject)}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply;
}

function patch(t: Targets, who: User, subject: string, body: unknown, at = 0, ifMatch = '*'): Promise<Reply> {
  return call(t.maintenance[at], 'PATCH', `/az-permissions?subject=${enc(subject)}`, {
    token: t.token(who),
    body,
    type: MERGE,
    headers: { 'if-match': ifMatch },
  });
}

function remove(t: Targets, who: User, subject: string, at = 0, cascade = false): Promise<Reply> {
  return call(t.maintenance[at], 'DELETE', `/az-permissions?subject=${enc(subject)}${cascade ? '&cascade=true' : ''}`, {
    token: t.token(who),
  });
}

/** A document alice governs and to which the listed principals may attach and detach heirs. */
function parentDoc(t: Targets, subject: string, heirs: User[] = ['alice']): Record<string, unknown> {
  const principals = heirs.map((who) => t.principal(who));
  return {
    _subject: subject,
    _self: { govern: [t.principal('alice')] },
    _permissionsHeirs: { add: principals, remove: principals },
  };
}

async function danglingParents(t: Targets): Promise<Array<{ subject: string; parent: string }>> {
  const { rows } = await t.pool.query<{ subject: string; parent: string }>(
    `SELECT pp.subject, pp.parent FROM permission_parents pp
     LEFT JOIN permissions p ON p.subject = pp.parent WHERE p.subject IS NULL`,
  );
  return rows;
}

/** The highest number the event sequence handed out, committed or not: a refused write must not move it. */
async function sequenceValue(t: Targets): Promise<number> {
  const { rows } = await t.pool.query<{ last_value: string }>('SELECT last_value FROM events_seq_seq');
  return Number(rows[0]!.last_value);
}

/** Runs `fn` on each item, at most `width` at a time. */
async function inBatches<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) results.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return results;
}

export function describeRaces(get: () => Targets): void {
  describe('every check a write depends on holds at commit (issue 9.4, CONTRACT §4.8)', () => {
    test('a child created while its parent is deleted: never both, never a dangling parent', async () => {
      const t = get();
      const pairs = Array.from({ length: PAIRS }, () => ({ parent: uniqueSubject('p'), child: uniqueSubject('c') }));
      await inBatches(pairs, 8, ({ parent }) => created(t, 'alice', parentDoc(t, parent)));
      const outcomes = await Promise.all(
        pairs.map(async ({ parent, child }) => {
          const [made, deleted] = await Promise.all([
            create(t, 'alice', { _subject: child, _inheritsPermissionsOf: [parent] }, 0),
            remove(t, 'alice', parent, 1),
          ]);
          return { pair: child, create: made.status, delete: deleted.status };
        }),
      );
      for (const outcome of outcomes) {
        // The create committed first (the delete then sees an heir: 409), or the delete did (no parent to add to).
        expect([
          [201, 409],
          [403, 200],
        ]).toContainEqual([outcome.create, outcome.delete]);
      }
      expect(await danglingParents(t)).toEqual([]);
    });

    test('two patches closing a cycle at once: one is refused, no cycle is stored (issue 18.7)', async () => {
      const t = get();
      const pairs = Array.from({ length: PAIRS }, () => ({ a: uniqueSubject('a'), b: uniqueSubject('b') }));
      await inBatches(pairs, 8, async ({ a, b }) => {
        await created(t, 'alice', parentDoc(t, a));
        await created(t, 'alice', parentDoc(t, b));
      });
      const outcomes = await Promise.all(
        pairs.map(async ({ a, b }) => {
          const [ab, ba] = await Promise.all([
            patch(t, 'alice', a, { _inheritsPermissionsOf: [b] }, 0),
            patch(t, 'alice', b, { _inheritsPermissionsOf: [a] }, 1),
          ]);
          return [ab.status, ba.status].sort();
        }),
      );
      for (const statuses of outcomes) expect(statuses).toEqual([200, 400]);
      const { rows } = await t.pool.query<{ subject: string }>(
        `SELECT a.subject FROM permission_parents a JOIN permission_parents b
         ON a.parent = b.subject AND b.parent = a.subject`,
      );
      expect(rows).toEqual([]);
    });

    test('an heir attached while the right to attach is revoked: attached only before the revocation', async () => {
      const t = get();
      const pairs = Array.from({ length: PAIRS }, () => ({ parent: uniqueSubject('p'), child: uniqueSubject('c') }));
      await inBatches(pairs, 8, ({ parent }) => created(t, 'alice', parentDoc(t, parent, ['alice', 'bob'])));
      const outcomes = await Promise.all(
        pairs.map(async ({ parent, child }) => {
          const [attach, revoke] = await Promise.all([
            create(
              t,
              'bob',
              { _subject: child, _inheritsPermissionsOf: [parent], _self: { govern: [t.principal('bob')] } },
              0,
            ),
            patch(t, 'alice', parent, { _permissionsHeirs: { add: [t.principal('alice')] } }, 1),
          ]);
          return { attach, revoke };
        }),
      );
      for (const { attach, revoke } of outcomes) {
        expect(revoke.status).toBe(200);
        expect([201, 403]).toContain(attach.status);
        // Serial order: an attach that succeeded committed before the revocation, whose event comes after it.
        if (attach.status === 201) expect(seqOf(attach)).toBeLessThan(seqOf(revoke));
      }
    });

    test('concurrent patches from one ETag: exactly one wins, the others get 412 (an If-Match is never lost)', async () => {
      const t = get();
      const subject = uniqueSubject('etag');
      const etag = (await created(t, 'alice', parentDoc(t, subject))).headers.get('etag') ?? '';
      const replies = await Promise.all(
        Array.from({ length: 8 }, (_, i) => patch(t, 'alice', subject, { writer: i }, i % 2, etag)),
      );
      expect(replies.map((r) => r.status).sort()).toEqual([200, 412, 412, 412, 412, 412, 412, 412]);
    });
  });
}

export function describeSquatsAndRepair(get: () => Targets): void {
  describe('no squat makes a document undeletable; nobody is locked out (issue 18.5, 18.8)', () => {
    test('inheriting from / does not let anyone attach heirs to a document; / itself stays open', async () => {
      const t = get();
      const acme = uniqueSubject('acme');
      await created(t, 'alice', {
        _subject: acme,
        _inheritsPermissionsOf: ['/'],
        _self: { govern: [t.principal('alice')] },
      });
      const squat = await create(t, 'bob', {
        _subject: uniqueSubject('squat'),
        _inheritsPermissionsOf: [acme],
        _self: { govern: [t.principal('bob')] },
        _constraints: { wideningForbidden: true },
      });
      expect(squat.status).toBe(403);
      const own = await create(t, 'bob', { _subject: uniqueSubject('own'), _inheritsPermissionsOf: ['/'] });
      expect(own.status).toBe(201);
      expect(await remove(t, 'alice', acme)).toMatchObject({ status: 200 });
    });

    test('nor to a team whose permissions inherit from /', async () => {
      const t = get();
      const team = await call(t.teams, 'POST', '/az-teams', {
        token: t.token('alice'),
        body: {
          isA: 'Team',
          members: [t.principal('alice')],
          _permissions: {
            _inheritsPermissionsOf: ['/'],
            _self: { govern: [t.principal('alice')], delete: [t.principal('alice')] },
          },
        },
      });
      expect(team.status).toBe(201);
      const id = team.headers.get('location') ?? '';
      const squat = await create(t, 'bob', {
        _subject: uniqueSubject('squat'),
        _inheritsPermissionsOf: [id],
        _self: { govern: [t.principal('bob')] },
      });
      expect(squat.status).toBe(403);
      expect((await call(t.teams, 'DELETE', id, { token: t.token('alice') })).status).toBe(200);
    });

    test('a governor deletes with cascade whatever was attached: heirs he does not govern are detached', async () => {
      const t = get();
      const [acme, squat, below] = ['acme', 'squat', 'below'].map(uniqueSubject);
      await created(t, 'alice', parentDoc(t, acme, ['alice', 'bob']));
      await created(t, 'bob', {
        _subject: squat,
        _inheritsPermissionsOf: [acme],
        _self: { govern: [t.principal('bob')] },
        _permissionsHeirs: { add: [t.principal('bob')] },
        _constraints: { wideningForbidden: true },
      });
      await created(t, 'bob', { _subject: below, _inheritsPermissionsOf: [squat] });
      expect((await remove(t, 'alice', acme)).status).toBe(409);
      const deleted = await remove(t, 'alice', acme, 1, true);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ _subject: acme, _detached: [squat] });
      const kept = await call(t.maintenance[0], 'GET', `/az-permissions?subject=${enc(squat)}`, {
        token: t.token('bob'),
      });
      expect(kept.status).toBe(200);
      expect(kept.body._inheritsPermissionsOf).toEqual([]);
      expect(await danglingParents(t)).toEqual([]);
    });

    test('a change that would leave nobody able to read or repair a document is refused', async () => {
      const t = get();
      const subject = uniqueSubject('locked');
      const etag =
        (await created(t, 'alice', { _subject: subject, _self: { govern: [t.principal('alice')] } })).headers.get(
          'etag',
        ) ?? '';
      const before = await sequenceValue(t);
      const refused = await patch(
        t,
        'alice',
        subject,
        { _constraints: { validIssuers: ['https://nobody.example'] } },
        0,
        etag,
      );
      expect(refused.status).toBe(400);
      expect(refused.body.msg).toMatch(/nobody allowed to admin and govern/);
      expect(await sequenceValue(t)).toBe(before);
      const veto = await patch(
        t,
        'alice',
        subject,
        { _self: { govern: [], read: [t.principal('bob')] }, _constraints: { wideningForbidden: true } },
        1,
        etag,
      );
      expect(veto.status).toBe(400);
      const read = await call(t.maintenance[0], 'GET', `/az-permissions?subject=${enc(subject)}`, {
        token: t.token('alice'),
      });
      expect([read.status, read.headers.get('etag')]).toEqual([200, etag]);
      // the issuer alice has is fine, whatever its spelling (stored as configured)
      const own = await patch(t, 'alice', subject, { _constraints: { validIssuers: [`${t.issuer}/`] } }, 0, etag);
      expect(own.status).toBe(200);
      expect(own.body._constraints).toEqual({ validIssuers: [t.issuer] });
    });

    test('issuers in principals are stored in their configured spelling, so {iss}/#anyone matches', async () => {
      const t = get();
      const subject = uniqueSubject('slash');
      const reply = await created(t, 'alice', {
        _subject: subject,
        _self: { govern: [t.principal('alice')], read: [`${t.issuer}/#anyone`] },
      });
      expect(reply.body._self.read).toEqual([`${t.issuer}#anyone`]);
      const question = q({ resource: subject, user: t.principal('bob'), action: 'read', atLeast: seqOf(reply) });
      const answer = await call(t.runtime, 'GET', `/az-is-allowed?${question}`, { token: t.token('bob') });
      expect([answer.status, answer.body]).toEqual([200, true]);
    });
  });
}

export function describeTeamMembership(get: () => Targets): void {
  describe('members can leave a team; others put a principal in a bounded number of teams (issue 18.10)', () => {
    test('a member who may not even read the team leaves it with DELETE …/members?{principal}', async () => {
      const t = get();
      const team = await call(t.teams, 'POST', '/az-teams', {
        token: t.token('bob'),
        body: {
          isA: 'Team',
          members: [t.principal('bob'), t.principal('alice')],
          _permissions: { _self: { govern: [t.principal('bob')], read: [t.principal('bob')] } },
        },
      });
      expect(team.status).toBe(201);
      const id = team.headers.get('location') ?? '';
      expect((await call(t.teams, 'GET', id, { token: t.token('alice') })).status).toBe(403);
      const members = `${id}/members?${enc(t.principal('alice'))}`;
      expect((await call(t.teams, 'DELETE', members, { token: t.token('carol') })).status).toBe(403);
      const left = await call(t.teams, 'DELETE', members, { token: t.token('alice') });
      expect([left.status, left.body]).toEqual([200, { team: id, left: t.principal('alice') }]);
      expect(seqOf(left)).toBeGreaterThan(seqOf(team));
      const teams = await call(t.teams, 'GET', `/az-teams?${enc(t.principal('alice'))}`, { token: t.token('alice') });
      expect(teams.body.contents).not.toContain(id);
      expect((await call(t.teams, 'GET', id, { token: t.token('bob') })).body.members).toEqual([t.principal('bob')]);
      expect((await call(t.teams, 'DELETE', members, { token: t.token('alice') })).status).toBe(404);
    });

    test('a member may PATCH the team to remove himself, and nothing more', async () => {
      const t = get();
      const team = await call(t.teams, 'POST', '/az-teams', {
        token: t.token('bob'),
        body: {
          isA: 'Team',
          members: [t.principal('bob'), t.principal('alice')],
          _permissions: { _self: { govern: [t.principal('bob')], read: [''] } },
        },
      });
      const id = team.headers.get('location') ?? '';
      const asAlice = (body: unknown) =>
        call(t.teams, 'PATCH', id, { token: t.token('alice'), body, type: MERGE, headers: { 'if-match': '*' } });
      expect((await asAlice({ members: [t.principal('alice'), t.principal('carol')] })).status).toBe(403);
      expect((await asAlice({ members: [t.principal('bob')], name: 'taken over' })).status).toBe(403);
      const left = await asAlice({ members: [t.principal('bob')] });
      expect(left.status).toBe(200);
      expect(left.body.members).toEqual([t.principal('bob')]);
    });

    test(`others may put a principal in at most ${MAX_TEAMS_PER_MEMBER} teams; he may still join more himself`, async () => {
      const t = get();
      const dave = t.principal('dave');
      const team = (owner: User, members: string[]) =>
        call(t.teams, 'POST', '/az-teams', {
          token: t.token(owner),
          body: { isA: 'Team', members, _permissions: { _self: { govern: [t.principal(owner)] } } },
        });
      const { rows } = await t.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM team_members WHERE principal = $1',
        [dave],
      );
      const already = rows[0]!.n;
      const made = await inBatches(Array.from({ length: MAX_TEAMS_PER_MEMBER - already }), 10, () =>
        team('bob', [dave]),
      );
      expect(made.every((r) => r.status === 201)).toBe(true);
      const before = await sequenceValue(t);
      const refused = await team('bob', [dave, t.principal('bob')]);
      expect(refused.status).toBe(409);
      expect(refused.body.msg).toContain(`MAX_TEAMS_PER_MEMBER = ${MAX_TEAMS_PER_MEMBER}`);
      expect(await sequenceValue(t)).toBe(before);
      expect((await team('dave', [dave])).status).toBe(201);
    });
  });
}

export function describeBounds(get: () => Targets): void {
  describe('write-side bounds answer 400 naming them, and take no event number (issue 18.12)', () => {
    test('a long subject, parent, principal or team member', async () => {
      const t = get();
      const long = 'x'.repeat(8000);
      const alice = t.principal('alice');
      const requests: Array<() => Promise<Reply>> = [
        () => create(t, 'alice', { _subject: `http://example.com/${long}`, _self: { govern: [alice] } }),
        () =>
          create(t, 'alice', { _subject: uniqueSubject('s'), _inheritsPermissionsOf: [`http://example.com/${long}`] }),
        () =>
          create(t, 'alice', {
            _subject: uniqueSubject('s'),
            _self: { govern: [alice], read: [`${t.issuer}#${long}`] },
          }),
        () =>
          call(t.teams, 'POST', '/az-teams', {
            token: t.token('alice'),
            body: { isA: 'Team', members: [`${t.issuer}#${long}`], _permissions: { _self: { govern: [alice] } } },
          }),
      ];
      for (const request of requests) {
        const before = await sequenceValue(t);
        const reply = await request();
        expect(reply.status).toBe(400);
        expect(reply.body.msg).toMatch(new RegExp(`limit of (${MAX_SUBJECT_BYTES}|${MAX_PRINCIPAL_BYTES}) bytes`));
        expect(await sequenceValue(t)).toBe(before);
      }
    });

    test(`an inheritance chain deeper than ${MAX_INHERITANCE_DEPTH} documents`, async () => {
      const t = get();
      const chain = Array.from({ length: MAX_INHERITANCE_DEPTH + 1 }, () => uniqueSubject('depth'));
      await created(t, 'alice', parentDoc(t, chain[0]!));
      for (let i = 1; i < MAX_INHERITANCE_DEPTH; i++)
        await created(t, 'alice', { _subject: chain[i], _inheritsPermissionsOf: [chain[i - 1]] });
      const deeper = await create(t, 'alice', {
        _subject: chain[MAX_INHERITANCE_DEPTH],
        _inheritsPermissionsOf: [chain[MAX_INHERITANCE_DEPTH - 1]],
      });
      expect(deeper.status).toBe(400);
      expect(deeper.body.msg).toContain(`at most ${MAX_INHERITANCE_DEPTH} documents deep`);
      // putting the whole chain under another document makes it deeper too
      const top = uniqueSubject('top');
      await created(t, 'alice', parentDoc(t, top));
      const under = await patch(t, 'alice', chain[0]!, { _inheritsPermissionsOf: [top] });
      expect(under.status).toBe(400);
      expect(under.body.msg).toContain(`at most ${MAX_INHERITANCE_DEPTH}`);
    });

    test(`more than ${MAX_PARENTS_PER_DOCUMENT} parents or ${MAX_PRINCIPALS_PER_DOCUMENT} principals in one document`, async () => {
      const t = get();
      const parents = await create(t, 'alice', {
        _subject: uniqueSubject('parents'),
        _inheritsPermissionsOf: Array.from(
          { length: MAX_PARENTS_PER_DOCUMENT + 1 },
          (_, i) => `http://example.com/p${i}`,
        ),
      });
      expect([parents.status, parents.body.msg]).toEqual([
        400,
        expect.stringContaining(`limit of ${MAX_PARENTS_PER_DOCUMENT}`),
      ]);
      const principals = await create(t, 'alice', {
        _subject: uniqueSubject('principals'),
        _self: {
          govern: [t.principal('alice')],
          read: Array.from({ length: MAX_PRINCIPALS_PER_DOCUMENT }, (_, i) => `${t.issuer}#anyone-${i}`),
        },
      });
      expect([principals.status, principals.body.msg]).toEqual([
        400,
        expect.stringContaining(`limit of ${MAX_PRINCIPALS_PER_DOCUMENT}`),
      ]);
    });
  });
}
