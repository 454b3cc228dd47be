import { auth, startStack, type Stack } from '@permissions/test-support/harness';

/**
 * `user=http://iss#sub` with the `#` left unencoded: clients cut the URL at `#` (the rest is a fragment), so the
 * runtime receives `user=http://iss`. The original answered 403 about a user nobody is; this is a 400 that says to
 * write the `#` as %23.
 */
let stack: Stack;
let alice: string;
const subject = 'http://example.com/cut-principal/doc';
beforeAll(async () => {
  stack = await startStack({ services: ['maintenance', 'runtime'] });
  alice = await stack.token('alice');
  const created = await stack.http
    .post('/az-permissions')
    .set(auth(alice))
    .send({ _subject: subject, _self: { govern: [stack.principals.alice], read: [stack.principals.alice] } });
  expect(created.status).toBe(201);
});
afterAll(async () => stack?.close());

const cutMessage = (user: string) =>
  `user must be a principal {issuer}#{id}, and "${user}" has no "#": in a query string, write the # as %23 ` +
  `(user=${user}%23…), since an unencoded # ends the URL and nothing after it is sent`;

/** What curl or fetch sends for a URL typed with a raw `#`: everything from the `#` on is dropped. */
async function askRaw(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${stack.url}${url}`, { headers: auth(alice) });
  return { status: res.status, body: await res.json() };
}

test('the principal written with %23 is answered', async () => {
  const user = stack.principals.alice.replace('#', '%23');
  expect(await askRaw(`/az-is-allowed?resource=${subject}&action=read&user=${user}`)).toEqual({
    status: 200,
    body: true,
  });
});

test('a raw # at the end of the query: 400 saying to write it as %23', async () => {
  // The answer above is remembered: the cut question must not slip through the remembered path either.
  expect(await askRaw(`/az-is-allowed?resource=${subject}&action=read&user=${stack.principals.alice}`)).toEqual({
    status: 400,
    body: { msg: cutMessage(stack.idp.issuer) },
  });
});

test('a raw # before other parameters: the same 400, not "action must be provided"', async () => {
  expect(await askRaw(`/az-is-allowed?resource=${subject}&user=${stack.principals.alice}&action=read`)).toEqual({
    status: 400,
    body: { msg: cutMessage(stack.idp.issuer) },
  });
  expect(await askRaw(`/az-allowed-actions?user=${stack.principals.alice}&resource=${subject}`)).toEqual({
    status: 400,
    body: { msg: cutMessage(stack.idp.issuer) },
  });
});

test('a user that is not a URL is still a 403 about that user (no false alarm)', async () => {
  expect(await askRaw(`/az-is-allowed?resource=${subject}&action=read&user=alice`)).toEqual({
    status: 403,
    body: {
      msg: 'user must be provided in querystring and must match user in token',
      querystringUser: 'alice',
      tokenUser: stack.principals.alice,
    },
  });
});

test('a JSON body whose user has no # gets the same explanation', async () => {
  const res = await stack.http
    .post('/az-is-allowed')
    .set(auth(alice))
    .send({ resource: subject, action: 'read', user: stack.idp.issuer });
  expect([res.status, res.body]).toEqual([400, { msg: cutMessage(stack.idp.issuer) }]);
});
