import {
  auth,
  createDocument,
  createTeam,
  governed,
  query,
  subjectFor,
  useStack,
  type Runtime,
} from './runtime-fixtures';

/**
 * CONTRACT §4.10 on the question routes: a veto applies on every route (issue 18.6), and a question tells its
 * principal no more about documents than he may know (issue 18.3): an existing document he may not read looks
 * exactly like a missing one, in scopes and in inheritance answers.
 */
const rt = useStack();
const as = (who: keyof Runtime['tokens']) => auth(rt().tokens[who]);

async function ask(path: string, pairs: Array<[string, string]>, who: keyof Runtime['tokens']) {
  const res = await rt()
    .stack.http.get(`${path}?${query(pairs)}`)
    .set(as(who));
  expect(res.status).toBe(200);
  return res.body as unknown;
}

describe('a veto applies on every question route (issue 18.6)', () => {
  let org: string;
  let minutes: string;
  beforeAll(async () => {
    const r = rt();
    org = subjectFor('org');
    minutes = `${org}/board-minutes`;
    await createDocument(r, governed(r, org));
    // Read only for carol, and nobody may widen that (alice keeps governing it: nobody may lock a document out).
    await createDocument(r, {
      _subject: minutes,
      _inheritsPermissionsOf: [org],
      _self: { read: [r.p.carol], govern: [r.p.alice], admin: [r.p.alice] },
      _constraints: { wideningForbidden: true },
    });
    // A role granting bob read on everything under the org.
    await createTeam(r, { members: [r.p.bob], roles: { [org]: { '/': ['read'] } } });
  });

  test('bob, who reads under /org by a role, is refused the board minutes on each route', async () => {
    const bob = rt().p.bob;
    const on = (name: string, resource: string, action = 'read'): Array<[string, string]> => [
      [name, resource],
      ['user', bob],
      ['action', action],
    ];
    expect(await ask('/az-is-allowed', on('resource', minutes), 'bob')).toBe(false);
    expect(await ask('/az-is-allowed-for-base-and-path', on('baseAndPath', minutes), 'bob')).toBe(false);
    expect(await ask('/az-are-any-base-and-paths-allowed', on('baseAndPath', minutes), 'bob')).toBe(false);
    expect(await ask('/az-allowed-actions-for-base-and-path', on('baseAndPath', minutes).slice(0, 2), 'bob')).toEqual(
      [],
    );
    expect(await ask('/az-allowed-actions', on('resource', minutes).slice(0, 2), 'bob')).toEqual([]);
    // Where no veto stands, the role still decides on the same routes.
    const other = `${org}/agenda`;
    expect(await ask('/az-is-allowed-for-base-and-path', on('baseAndPath', other), 'bob')).toBe(true);
    expect(await ask('/az-allowed-actions-for-base-and-path', on('baseAndPath', other).slice(0, 2), 'bob')).toEqual([
      'read',
    ]);
  });
});

describe('what a question tells of documents (issue 18.3, runtime half)', () => {
  let secret: string;
  let shared: string;
  let openHeirs: string;
  let missing: string;
  beforeAll(async () => {
    const r = rt();
    secret = subjectFor('secret');
    shared = subjectFor('shared');
    openHeirs = subjectFor('open-heirs');
    missing = subjectFor('missing');
    // alice's secret: only she may read it.
    await createDocument(r, governed(r, secret, { _self: { govern: [r.p.alice], read: [r.p.alice] } }));
    // A document bob may read, inheriting from the secret.
    await createDocument(r, { _subject: shared, _inheritsPermissionsOf: [secret], _self: { read: [r.p.bob] } });
    // bob may read it and inherit from it; it inherits from the secret too.
    await createDocument(
      r,
      governed(r, openHeirs, {
        _inheritsPermissionsOf: [secret],
        _self: { govern: [r.p.alice], read: [r.p.bob] },
        _permissionsHeirs: { add: [r.p.bob] },
      }),
    );
  });

  const scoped = (resource: string, user: string, who: keyof Runtime['tokens']) =>
    ask(
      '/az-is-allowed',
      [
        ['resource', resource],
        ['user', user],
        ['action', 'read'],
        ['withScopes', ''],
      ],
      who,
    );

  test('withScopes lists no document bob may not read: an unreadable one looks like a missing one', async () => {
    const bob = rt().p.bob;
    expect(await scoped(secret, bob, 'bob')).toEqual({ allowed: null, scopes: { [secret]: [] }, answers: null });
    expect(await scoped(missing, bob, 'bob')).toEqual({ allowed: null, scopes: { [missing]: [] }, answers: null });
    // The readable heir is listed, its unreadable ancestor is not.
    expect(await scoped(shared, bob, 'bob')).toEqual({ allowed: true, scopes: { [shared]: [shared] }, answers: null });
    // alice, who may read both, sees the whole chain.
    expect(await scoped(shared, rt().p.alice, 'alice')).toEqual({
      allowed: true,
      scopes: { [shared]: [shared, secret] },
      answers: null,
    });
  });

  test('inheriting from an existing parent bob may not know of is answered as from a missing one', async () => {
    const bob = rt().p.bob;
    const inherit = (parent: string) =>
      ask(
        '/az-is-allowed-to-inherit-from',
        [
          ['sharingSet', parent],
          ['user', bob],
        ],
        'bob',
      );
    const hidden = JSON.stringify(await inherit(secret)).replaceAll(secret, 'X');
    const absent = JSON.stringify(await inherit(missing)).replaceAll(missing, 'X');
    expect(hidden).toBe(absent);
    expect(JSON.parse(absent)).toMatchObject({ allowed: false, refusal: 'parent-not-found' });
    // Allowed: the ancestors listed are those bob may know of (the secret is not).
    expect(await inherit(openHeirs)).toEqual({ allowed: true, scopes: [openHeirs] });
  });

  test('a trusted client asking for bob is told what bob may know, no more', async () => {
    const r = rt();
    const root = await r.stack.http.get('/az-permissions?/').set(as('alice'));
    const granted = await r.stack.http
      .patch('/az-permissions?/')
      .set(as('alice'))
      .set('Content-Type', 'application/json-patch+json')
      .set('If-Match', root.headers.etag as string)
      .send(JSON.stringify([{ op: 'add', path: '/az-permissions/read/-', value: r.p.client }]));
    expect(granted.status).toBe(200);
    const res = await r.stack.http
      .get(
        `/az-is-allowed?${query([
          ['resource', shared],
          ['user', r.p.bob],
          ['action', 'read'],
          ['withScopes', ''],
          ['atLeast', String(granted.headers['x-event-sequence'])],
        ])}`,
      )
      .set(as('alice'))
      .set('X-Client-Authorization', `Bearer ${r.tokens.client}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ allowed: true, scopes: { [shared]: [shared] }, answers: null });
  });
});
