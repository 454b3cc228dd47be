import { auth, query, useStack, type Runtime } from './runtime-fixtures';
import { createWorld, type World } from './question-world';

const rt = useStack();
let w: World;
beforeAll(async () => {
  w = await createWorld(rt());
});

const as = (who: keyof Runtime['tokens']) => auth(rt().tokens[who]);

async function ask(path: string, pairs: Array<[string, string]>, who: keyof Runtime['tokens'] = 'alice') {
  return rt()
    .stack.http.get(`${path}?${query(pairs)}`)
    .set(as(who));
}

describe('GET /az-is-allowed', () => {
  test('answers the bare JSON true, null or false, with Content-Location = the request URL', async () => {
    const alice = rt().p.alice;
    const yes = await ask('/az-is-allowed', [
      ['resource', w.child],
      ['user', alice],
      ['action', 'read'],
    ]);
    expect(yes.status).toBe(200);
    expect(yes.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(yes.text).toBe('true');
    expect(yes.headers['content-location']).toBe(
      `/az-is-allowed?${query([
        ['resource', w.child],
        ['user', alice],
        ['action', 'read'],
      ])}`,
    );
    const none = await ask('/az-is-allowed', [
      ['resource', w.child],
      ['user', alice],
      ['action', 'delete'],
    ]);
    expect(none.text).toBe('null');
    const vetoed = await ask('/az-is-allowed', [
      ['resource', w.vetoed],
      ['user', alice],
      ['action', 'update'],
    ]);
    expect(vetoed.text).toBe('false');
  });

  test('400 {msg} without action; null without resource', async () => {
    const alice = rt().p.alice;
    const res = await ask('/az-is-allowed', [
      ['resource', w.child],
      ['user', alice],
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      msg: `action query parameter must be provided: /az-is-allowed?${query([
        ['resource', w.child],
        ['user', alice],
      ])}`,
    });
    const empty = await ask('/az-is-allowed', [
      ['user', alice],
      ['action', 'read'],
    ]);
    expect(empty.status).toBe(200);
    expect(empty.text).toBe('null');
  });

  test('several resources must all be allowed: three-valued AND, whatever their order (CONTRACT §3)', async () => {
    const alice = rt().p.alice;
    const combine = async (resources: string[]) =>
      (
        await ask('/az-is-allowed', [
          ...resources.map((r): [string, string] => ['resource', r]),
          ['user', alice],
          ['action', 'update'],
        ])
      ).text;
    expect(await combine([w.child, w.child])).toBe('true');
    expect(await combine([w.child, w.parent])).toBe('null'); // true, null
    // n (no opinion) and v (vetoed): the original answered null for [n, v] and false for [v, n]
    expect(await combine([w.parent, w.vetoed])).toBe('false');
    expect(await combine([w.vetoed, w.parent])).toBe('false');
    expect(await combine([w.vetoed, w.child])).toBe('false');
    expect(await combine([w.child, w.vetoed])).toBe('false');
  });

  test('the combined answer of a POST body and of withScopes / withIndividualAnswers does not depend on order', async () => {
    const alice = rt().p.alice;
    for (const resources of [
      [w.parent, w.vetoed],
      [w.vetoed, w.parent],
    ]) {
      const post = await rt()
        .stack.http.post('/az-is-allowed')
        .set(as('alice'))
        .send({ resource: resources, user: alice, action: 'update', withIndividualAnswers: true });
      expect(post.status).toBe(200);
      expect(post.body.allowed).toBe(false);
      expect(post.body.answers).toEqual({ [w.parent]: null, [w.vetoed]: false });
      const scoped = await ask('/az-is-allowed', [
        ...resources.map((r): [string, string] => ['resource', r]),
        ['user', alice],
        ['action', 'update'],
        ['withScopes', ''],
      ]);
      expect(scoped.body.allowed).toBe(false);
    }
  });

  test('withScopes: {allowed, scopes per resource (visited documents, then the deciding role base), answers: null}', async () => {
    const { alice, bob } = rt().p;
    const res = await ask('/az-is-allowed', [
      ['resource', w.child],
      ['user', alice],
      ['action', 'read'],
      ['withScopes', ''],
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ allowed: true, scopes: { [w.child]: [w.child, w.parent] }, answers: null });
    const role = await ask(
      '/az-is-allowed',
      [
        ['resource', w.underBase],
        ['user', bob],
        ['action', 'list'],
        ['withScopes', 'true'],
      ],
      'bob',
    );
    expect(role.body).toEqual({ allowed: true, scopes: { [w.underBase]: [w.base] }, answers: null });
  });

  test('withIndividualAnswers returns {resource: answer} (B5: the original crashed)', async () => {
    const alice = rt().p.alice;
    const res = await ask('/az-is-allowed', [
      ['resource', w.child],
      ['resource', w.parent],
      ['resource', w.vetoed],
      ['resource', '__proto__'],
      ['user', alice],
      ['action', 'update'],
      ['withIndividualAnswers', ''],
    ]);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      allowed: false, // one vetoed resource: false, wherever it stands in the question
      scopes: null,
      answers: { [w.child]: true, [w.parent]: null, [w.vetoed]: false, ['__proto__']: null },
    });
    const after = await ask('/az-is-allowed', [
      ['resource', w.child],
      ['user', alice],
      ['action', 'update'],
    ]);
    expect(after.text).toBe('true');
  });
});

describe('POST with a JSON body (B7)', () => {
  test('POST /az-is-allowed reads resource, user, action, property and flags from the body', async () => {
    const alice = rt().p.alice;
    const res = await rt()
      .stack.http.post('/az-is-allowed')
      .set(as('alice'))
      .send({ resource: [w.child, w.parent], user: alice, action: 'read', withIndividualAnswers: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ allowed: true, scopes: null, answers: { [w.child]: true, [w.parent]: true } });
    const single = await rt()
      .stack.http.post('/az-is-allowed')
      .set(as('alice'))
      .send({ resource: w.child, user: alice, action: 'update' });
    expect(single.text).toBe('true');
    const heirs = await rt()
      .stack.http.post('/az-is-allowed')
      .set(as('alice'))
      .send({ resource: w.parent, user: alice, action: 'add', property: '_permissionsHeirs' });
    expect(heirs.text).toBe('true');
  });

  test('POST /az-is-allowed-for-resource and -for-base-and-path read the body too', async () => {
    const bob = rt().p.bob;
    const docs = await rt()
      .stack.http.post('/az-is-allowed-for-resource')
      .set(as('bob'))
      .send({ resource: [w.underBase], user: bob, action: 'read' });
    expect(docs.text).toBe('null');
    const roles = await rt()
      .stack.http.post('/az-is-allowed-for-base-and-path')
      .set(as('bob'))
      .send({ baseAndPath: [w.underBase], user: bob, action: 'read' });
    expect(roles.text).toBe('true');
  });
});

describe('evidence per route', () => {
  test('/az-is-allowed falls back to team roles; -for-resource never does; -for-base-and-path uses only roles', async () => {
    const bob = rt().p.bob;
    const pairs = (name: string, action = 'read'): Array<[string, string]> => [
      [name, w.underBase],
      ['user', bob],
      ['action', action],
    ];
    expect((await ask('/az-is-allowed', pairs('resource'), 'bob')).text).toBe('true');
    expect((await ask('/az-is-allowed-for-resource', pairs('resource'), 'bob')).text).toBe('null');
    expect((await ask('/az-is-allowed-for-base-and-path', pairs('baseAndPath'), 'bob')).text).toBe('true');
    expect((await ask('/az-is-allowed-for-base-and-path', pairs('baseAndPath', 'delete'), 'bob')).text).toBe('null');
    const property = await ask('/az-is-allowed-for-base-and-path', [...pairs('baseAndPath'), ['property', 'x']], 'bob');
    expect(property.text).toBe('null');
  });

  test('/az-are-any-allowed GET and POST: true if any resource is allowed, false only if all are vetoed', async () => {
    const alice = rt().p.alice;
    const any = (resources: string[]) =>
      ask('/az-are-any-allowed', [
        ...resources.map((r): [string, string] => ['resource', r]),
        ['user', alice],
        ['action', 'update'],
      ]);
    expect((await any([w.parent, w.child])).text).toBe('true');
    expect((await any([w.parent])).text).toBe('null');
    expect((await any([w.vetoed])).text).toBe('false');
    const post = await rt()
      .stack.http.post('/az-are-any-allowed')
      .set(as('alice'))
      .send({ resource: [w.vetoed, w.child], user: alice, action: 'update' });
    expect(post.status).toBe(200);
    expect(post.text).toBe('true');
  });

  test('/az-are-any-allowed without user asks for "no user": only wildcards count, and no team roles', async () => {
    const noUser = await ask('/az-are-any-allowed', [
      ['resource', w.open],
      ['action', 'read'],
    ]);
    expect(noUser.text).toBe('true');
    const child = await ask('/az-are-any-allowed', [
      ['resource', w.child],
      ['action', 'read'],
    ]);
    expect(child.text).toBe('null');
    const roles = await ask(
      '/az-are-any-allowed',
      [
        ['resource', w.underBase],
        ['action', 'read'],
      ],
      'bob',
    );
    expect(roles.text).toBe('null');
  });

  test('/az-are-any-resources-allowed is documents only, GET and POST (B7: GET used roles)', async () => {
    const bob = rt().p.bob;
    const get = await ask(
      '/az-are-any-resources-allowed',
      [
        ['resource', w.underBase],
        ['user', bob],
        ['action', 'read'],
      ],
      'bob',
    );
    expect(get.status).toBe(200);
    expect(get.text).toBe('null');
    const post = await rt()
      .stack.http.post('/az-are-any-resources-allowed')
      .set(as('bob'))
      .send({ resource: [w.underBase, w.open], user: bob, action: 'read' });
    expect(post.text).toBe('true');
    const roles = await ask(
      '/az-are-any-allowed',
      [
        ['resource', w.underBase],
        ['user', bob],
        ['action', 'read'],
      ],
      'bob',
    );
    expect(roles.text).toBe('true');
  });

  test('/az-are-any-base-and-paths-allowed GET and POST use only roles, and only for _self', async () => {
    const bob = rt().p.bob;
    const get = await ask(
      '/az-are-any-base-and-paths-allowed',
      [
        ['baseAndPath', w.open],
        ['baseAndPath', w.underBase],
        ['user', bob],
        ['action', 'list'],
      ],
      'bob',
    );
    expect(get.text).toBe('true');
    const post = await rt()
      .stack.http.post('/az-are-any-base-and-paths-allowed')
      .set(as('bob'))
      .send({ baseAndPath: [w.underBase], user: bob, action: 'list', property: 'other' });
    expect(post.status).toBe(200);
    expect(post.text).toBe('null');
  });

  test('/az-allowed-actions unions documents and roles; -for-resource documents only; -for-base-and-path roles only', async () => {
    const { alice, bob } = rt().p;
    const actions = async (path: string, name: string, resource: string, user: string, who: 'alice' | 'bob') => {
      const res = await ask(
        path,
        [
          [name, resource],
          ['user', user],
        ],
        who,
      );
      expect(res.status).toBe(200);
      return res.body as string[];
    };
    const inherited = ['update', 'read', 'admin', 'govern']; // the child's own grants first, then its parent's
    expect(await actions('/az-allowed-actions', 'resource', w.child, alice, 'alice')).toEqual(inherited);
    expect(await actions('/az-allowed-actions-for-resource', 'resource', w.child, alice, 'alice')).toEqual(inherited);
    expect(await actions('/az-allowed-actions', 'resource', w.underBase, bob, 'bob')).toEqual(['read', 'list']);
    expect(await actions('/az-allowed-actions-for-resource', 'resource', w.underBase, bob, 'bob')).toEqual([]);
    expect(await actions('/az-allowed-actions-for-base-and-path', 'baseAndPath', w.underBase, bob, 'bob')).toEqual([
      'read',
      'list',
    ]);
    expect(await actions('/az-allowed-actions-for-base-and-path', 'baseAndPath', w.child, alice, 'alice')).toEqual([]);
    const heirs = await ask('/az-allowed-actions', [
      ['resource', w.parent],
      ['user', alice],
      ['property', '_permissionsHeirs'],
    ]);
    expect(heirs.body).toEqual(['add']);
  });
});

describe('/az-is-allowed-to-inherit-from', () => {
  test('allowed: {allowed: true, scopes} of the old and new ancestors', async () => {
    const alice = rt().p.alice;
    const creating = await ask('/az-is-allowed-to-inherit-from', [
      ['sharingSet', w.parent],
      ['user', alice],
    ]);
    expect(creating.status).toBe(200);
    expect(creating.body).toEqual({ allowed: true, scopes: [w.parent] });
    const moving = await ask('/az-is-allowed-to-inherit-from', [
      ['subject', w.open],
      ['sharingSet', w.parent],
      ['user', alice],
    ]);
    expect(moving.body).toEqual({ allowed: true, scopes: [w.parent] });
  });

  test('refused: 200 {allowed: false, reason} and the process keeps serving (B6: the original crashed)', async () => {
    const bob = rt().p.bob;
    // bob may read `open` (everyone may) but not inherit from it.
    const res = await ask(
      '/az-is-allowed-to-inherit-from',
      [
        ['sharingSet', w.open],
        ['user', bob],
      ],
      'bob',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      allowed: false,
      reason: `user ${bob} may not add permissions inheritance from ${w.open}`,
      refusal: 'may-not-add',
      resource: w.open,
    });
    const cycle = await ask('/az-is-allowed-to-inherit-from', [
      ['subject', w.parent],
      ['sharingSet', w.child],
      ['user', rt().p.alice],
    ]);
    expect(cycle.body).toEqual({
      allowed: false,
      reason: 'may not add cycle to permissions inheritance',
      refusal: 'cycle',
      resource: w.parent,
    });
    const still = await ask('/az-is-allowed', [
      ['resource', w.child],
      ['user', rt().p.alice],
      ['action', 'read'],
    ]);
    expect(still.text).toBe('true');
  });
});
