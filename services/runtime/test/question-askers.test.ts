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

describe('who may ask (reference §5.2)', () => {
  test('user must match the token: 403 with both users; no token 401; invalid token 401', async () => {
    const { alice, bob } = rt().p;
    const other = await ask(
      '/az-is-allowed',
      [
        ['resource', w.child],
        ['user', alice],
        ['action', 'read'],
      ],
      'bob',
    );
    expect(other.status).toBe(403);
    expect(other.body).toEqual({
      msg: 'user must be provided in querystring and must match user in token',
      querystringUser: alice,
      tokenUser: bob,
    });
    const missing = await ask('/az-allowed-actions', [['resource', w.child]], 'bob');
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual({
      msg: 'user must be provided in querystring and must match user in token',
      querystringUser: null,
      tokenUser: bob,
    });
    const url = `/az-is-allowed?${query([
      ['resource', w.child],
      ['user', alice],
      ['action', 'read'],
    ])}`;
    const none = await rt().stack.http.get(url);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ msg: 'must provide valid Bearer token', reason: 'missing' });
    const invalid = await rt().stack.http.get(url).set('Authorization', 'Bearer not.a.token');
    expect(invalid.status).toBe(401);
    expect(invalid.body.msg).toBe('must provide valid Bearer token');
  });

  test('a client in X-Client-Authorization may ask for a user only with az-permissions.read on /', async () => {
    const r = rt();
    const { bob, client } = r.p;
    const url = `/az-is-allowed?${query([
      ['resource', w.underBase],
      ['user', bob],
      ['action', 'read'],
    ])}`;
    const refused = await r.stack.http
      .get(url)
      .set(as('alice'))
      .set('X-Client-Authorization', `Bearer ${r.tokens.client}`);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({
      msg: 'client in x-client-authorization token does not have permission to read permissions',
      client,
    });

    const root = await r.stack.http.get('/az-permissions?/').set(as('alice'));
    const granted = await r.stack.http
      .patch('/az-permissions?/')
      .set(as('alice'))
      .set('Content-Type', 'application/json-patch+json')
      .set('If-Match', root.headers.etag as string)
      .send(JSON.stringify([{ op: 'add', path: '/az-permissions/read/-', value: client }]));
    expect(granted.status).toBe(200);
    const seq = granted.headers['x-event-sequence'] as string;

    const allowed = await r.stack.http
      .get(`${url}&atLeast=${seq}`)
      .set(as('alice'))
      .set('X-Client-Authorization', `Bearer ${r.tokens.client}`);
    expect(allowed.status).toBe(200);
    expect(allowed.text).toBe('true');
    const clientOnly = await r.stack.http.get(url).set('X-Client-Authorization', `Bearer ${r.tokens.client}`);
    expect(clientOnly.status).toBe(200);
    expect(clientOnly.text).toBe('true');
  });

  test('the are-any routes take no user (no user at all) or the token user; no delegation', async () => {
    const r = rt();
    const { alice, bob } = r.p;
    const pairs: Array<[string, string]> = [
      ['resource', w.open],
      ['action', 'read'],
    ];
    expect((await ask('/az-are-any-allowed', pairs, 'bob')).text).toBe('true');
    expect((await ask('/az-are-any-allowed', [...pairs, ['user', bob]], 'bob')).text).toBe('true');
    const other = await ask('/az-are-any-allowed', [...pairs, ['user', alice]], 'bob');
    expect(other.status).toBe(403);
    expect(other.body).toEqual({
      msg: 'user must be provided in querystring and must match user in token',
      querystringUser: alice,
      tokenUser: bob,
    });
    const delegated = await r.stack.http
      .get(`/az-are-any-allowed?${query([...pairs, ['user', bob]])}`)
      .set('X-Client-Authorization', `Bearer ${r.tokens.client}`);
    expect(delegated.status).toBe(403);
  });
});

describe('methods and bad input', () => {
  test('405 with Allow for a method a route does not take', async () => {
    const del = await rt().stack.http.delete('/az-is-allowed?resource=x&action=read').set(as('alice'));
    expect(del.status).toBe(405);
    expect(del.headers.allow).toBe('GET, POST');
    expect(del.body).toEqual({ msg: 'method DELETE not allowed for /az-is-allowed' });
    const post = await rt().stack.http.post('/az-allowed-actions').set(as('alice')).send({});
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    const inherit = await rt().stack.http.put('/az-is-allowed-to-inherit-from').set(as('alice')).send({});
    expect(inherit.status).toBe(405);
    expect(inherit.headers.allow).toBe('GET');
  });

  test('bad bodies and parameters are a 400 {msg}; a huge body is 413; the process keeps serving', async () => {
    const r = rt();
    const post = (body: string, type = 'application/json') =>
      r.stack.http.post('/az-is-allowed').set(as('alice')).set('Content-Type', type).send(body);

    const malformed = await post('{"resource": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.msg).toMatch(/^invalid JSON: /);
    expect(await post('[1, 2]').then((res) => [res.status, res.body])).toEqual([
      400,
      { msg: 'the request body must be a JSON object' },
    ]);
    expect(await post('').then((res) => [res.status, res.body])).toEqual([
      400,
      { msg: 'the request body must be a JSON object' },
    ]);
    expect(
      await post(JSON.stringify({ resource: w.child, user: 7, action: 'read' })).then((res) => [res.status, res.body]),
    ).toEqual([400, { msg: 'user must be a string' }]);
    expect(
      await post(JSON.stringify({ resource: [w.child, 3], user: r.p.alice, action: 'read' })).then((res) => [
        res.status,
        res.body,
      ]),
    ).toEqual([400, { msg: 'resource values must be non-empty strings' }]);
    // A POST body that is not JSON is a 415 here as on every other route (one set of body rules).
    expect(await post('resource=x', 'text/plain').then((res) => [res.status, res.body])).toEqual([
      415,
      { msg: 'the request body must be JSON (application/json), not text/plain' },
    ]);

    const many = Array.from({ length: 1001 }, (_, i) => `${w.child}/${i}`);
    const tooMany = await post(JSON.stringify({ resource: many, user: r.p.alice, action: 'read' }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual({ msg: 'at most 1000 resource values per request' });
    const tooManyGet = await ask('/az-is-allowed', [
      ...many.map((_, i): [string, string] => ['resource', `r${i}`]),
      ['user', r.p.alice],
      ['action', 'read'],
    ]);
    expect(tooManyGet.status).toBe(400);

    const badSeq = await ask('/az-is-allowed', [
      ['resource', w.child],
      ['user', r.p.alice],
      ['action', 'read'],
      ['atLeast', 'soon'],
    ]);
    expect(badSeq.status).toBe(400);
    expect(badSeq.body).toEqual({ msg: 'atLeast must be a non-negative integer' });

    const huge = await post(JSON.stringify({ resource: w.child, pad: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({ msg: 'request body too large' });

    const still = await ask('/az-is-allowed', [
      ['resource', w.child],
      ['user', r.p.alice],
      ['action', 'read'],
    ]);
    expect(still.status).toBe(200);
    expect(still.text).toBe('true');
  });
});
