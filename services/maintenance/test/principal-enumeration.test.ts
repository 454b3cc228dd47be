import { auth, expectNothingStored, governedBy, subjectFor, useStack, type Maintenance, type User } from './fixtures';

/*
 * Issue 18 item 4, over real HTTP: a create naming `{iss}#x@…` principals tells which are unknown. bob tries to
 * enumerate the identity provider's accounts; alice, an administrator, must still be served.
 */
const get = useStack();

const guesses = (m: Maintenance, label: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${m.stack.idp.issuer}#${label}-${i}-${subjectFor('g').slice(-8)}@example.com`);
const email = (m: Maintenance, user: User) => `${m.stack.idp.issuer}#${user}@example.com`;

function createNaming(m: Maintenance, who: User, principals: string[]) {
  const subject = subjectFor('enumeration');
  return m.stack.http
    .post('/az-permissions')
    .set(auth(m.tokens[who]))
    .send(governedBy(subject, m.p[who], { _self: { govern: [m.p[who]], read: principals } }));
}

test('a create naming hundreds of e-mails is refused by a bound, without looking any up or naming any', async () => {
  const m = get();
  const idsCalls = () => m.stack.idp.requests.filter((r) => r.path.startsWith('/v2/ids/')).length;
  const before = idsCalls();
  const res = await expectNothingStored(m, [], () => createNaming(m, 'carol', guesses(m, 'many', 500)));
  expect(res.status).toBe(400);
  expect(res.body).toEqual({
    msg: 'at most 100 e-mails or ids not yet known may be looked up in one request (this one names 500)',
    limit: 100,
  });
  expect(idsCalls()).toBe(before);
});

test('an error names only the first five unknown e-mails', async () => {
  const m = get();
  const unknown = guesses(m, 'listed', 12);
  const res = await createNaming(m, 'dave', [email(m, 'alice'), ...unknown]);
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ msg: 'invalid email IDs (the first 5 are listed)', ids: unknown.slice(0, 5) });
});

test('bob, looking up unknown e-mails again and again, is throttled (429); alice is not', async () => {
  const m = get();
  let throttled: Awaited<ReturnType<typeof createNaming>> | undefined;
  // 20 unknown look-ups at once and 20 a minute: ten requests of ten guesses cannot all pass on any machine.
  for (let i = 0; i < 10 && throttled === undefined; i++) {
    const res = await createNaming(m, 'bob', guesses(m, `bob${i}`, 10));
    if (res.status === 429) throttled = res;
    else expect(res.status).toBe(400);
  }
  expect(throttled?.body).toEqual({
    msg: expect.stringMatching(
      /^too many unknown e-mails or ids looked up: at most 20 at once and 20 a minute per principal; retry in \d+ s$/,
    ),
    limit: 20,
    burst: 20,
    retryAfter: expect.any(Number),
  });
  expect(Number(throttled?.headers['retry-after'])).toBeGreaterThan(0);

  // A team naming unknown members is throttled the same way: the limit is bob's, not the route's.
  const team = await m.stack.http
    .post('/az-teams')
    .set(auth(m.tokens.bob))
    .send({ isA: 'Team', members: guesses(m, 'team', 3), _permissions: { _self: { govern: [m.p.bob] } } });
  expect(team.status).toBe(429);

  // alice names e-mails that exist (no cost) and one typo (a plain 400): she is served throughout
  const known = await createNaming(m, 'alice', [email(m, 'carol'), email(m, 'dave')]);
  expect(known.status).toBe(201);
  expect(known.body._self.read).toEqual([m.p.carol, m.p.dave]);
  const typo = await createNaming(m, 'alice', guesses(m, 'typo', 1));
  expect(typo.status).toBe(400);
  expect(typo.body.msg).toBe('invalid email IDs');
});
