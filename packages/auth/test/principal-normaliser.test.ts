import {
  AppError,
  BadRequestError,
  TooManyRequestsError,
  UnavailableError,
  ANYONE,
  INCOGNITO,
} from '@permissions/model';
import {
  createClientCredentials,
  createPrincipalNormaliser,
  MALFORMED_PRINCIPAL_MSG,
  type PrincipalNormaliser,
} from '../src';
import { startDevIdp, type DevIdp } from '@permissions/dev-stand-ins/idp';

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the promise to reject');
}

function normaliserFor(issuers: string[], clientSecret = 'permissions-secret'): PrincipalNormaliser {
  const credentials = createClientCredentials({ issuers, clientId: 'permissions-client', clientSecret });
  return createPrincipalNormaliser({ issuers, credentials, cacheTtlMs: 60_000 });
}

describe('createPrincipalNormaliser (reference §2.3)', () => {
  let idp: DevIdp;
  let second: DevIdp;
  let stranger: DevIdp;
  let normaliser: PrincipalNormaliser;

  beforeAll(async () => {
    [idp, second, stranger] = await Promise.all([startDevIdp(), startDevIdp(), startDevIdp()]);
    normaliser = normaliserFor([idp.issuer, second.issuer]);
  });
  afterAll(() => Promise.all([idp.close(), second.close(), stranger.close()]));

  const idsCalls = (of: DevIdp) => of.requests.filter((r) => r.path.startsWith('/v2/ids/')).length;

  it('replaces e-mails by ids, one batch per issuer, case-insensitively', async () => {
    const before = [idsCalls(idp), idsCalls(second)];
    const result = await normaliser.normalise([
      `${idp.issuer}#alice@example.com`,
      `${idp.issuer}#Bob@Example.com`,
      `${second.issuer}#carol@example.com`,
    ]);
    expect(result).toEqual([idp.principalOf('alice'), idp.principalOf('bob'), second.principalOf('carol')]);
    expect([idsCalls(idp) - before[0], idsCalls(second) - before[1]]).toEqual([1, 1]);
  });

  it('remembers confirmed mappings instead of asking again', async () => {
    await normaliser.normalise([`${idp.issuer}#dave@example.com`]);
    const before = idsCalls(idp);
    expect(await normaliser.normalise([`${idp.issuer}#dave@example.com`])).toEqual([idp.principalOf('dave')]);
    expect(idsCalls(idp)).toBe(before);
  });

  it('answers 400 naming every unknown e-mail', async () => {
    const err = await failure(
      normaliser.normalise([
        `${idp.issuer}#alice@example.com`,
        `${idp.issuer}#nobody@example.com`,
        `${second.issuer}#ghost@example.com`,
      ]),
    );
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toBe('invalid email IDs');
    expect(err.details).toEqual({ ids: [`${idp.issuer}#nobody@example.com`, `${second.issuer}#ghost@example.com`] });
  });

  it('verifies UUIDs through the ids API', async () => {
    const alice = idp.principalOf('alice');
    // Upper-case UUIDs are canonicalised to the issuer's spelling, the one its tokens carry as `sub`.
    expect(await normaliser.normalise([`${idp.issuer}#${idp.users[0].sub.toUpperCase()}`])).toEqual([alice]);
    const unknown = `${idp.issuer}#00000000-0000-4000-8000-000000000000`;
    const err = await failure(normaliser.normalise([alice, unknown]));
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toBe('invalid principal IDs');
    expect(err.details).toEqual({ ids: [unknown] });
  });

  it('leaves teams, wildcards, issuer wildcards and client ids untouched without asking anyone', async () => {
    const values = [
      '/az-tm-biotype-dogy-7cc6254f32286345a6f87102',
      ANYONE,
      INCOGNITO,
      `${idp.issuer}#anyone`,
      `${idp.issuer}#permissions-client`,
    ];
    const before = idp.requests.length;
    expect(await normaliser.normalise(values)).toEqual(values);
    expect(idp.requests.length).toBe(before);
  });

  it('refuses principals of an untrusted issuer without contacting it (W4, W5)', async () => {
    for (const value of [
      `${stranger.issuer}#alice@example.com`,
      `${stranger.issuer}#anyone`,
      'https://evil.example.com#5b2c1c9e-6f6a-4d3e-9a51-0a1f3e6d7a01',
      'http://apigee.com/users#someone',
      'alice@example.com',
      `${idp.issuer}#`,
    ]) {
      const err = await failure(normaliser.normalise([`${idp.issuer}#alice@example.com`, value]));
      expect(err).toBeInstanceOf(BadRequestError);
      expect(err.message).toBe(`${MALFORMED_PRINCIPAL_MSG}: ${value}`);
      expect(err.details).toEqual({ principal: value });
    }
    expect(stranger.requests).toEqual([]);
  });

  it('refuses client ids that are not client ids (W13)', async () => {
    const value = `${idp.issuer}#not a client <script>`;
    const err = await failure(normaliser.normalise([value]));
    expect(err.message).toBe(`${MALFORMED_PRINCIPAL_MSG}: ${value}`);
  });

  it('removes duplicates and keeps the order', async () => {
    const result = await normaliser.normalise([
      '/az-tm-a',
      `${idp.issuer}#bob@example.com`,
      idp.principalOf('bob'),
      '/az-tm-a',
      ANYONE,
      `${idp.issuer}#BOB@example.com`,
    ]);
    expect(result).toEqual(['/az-tm-a', idp.principalOf('bob'), ANYONE]);
  });

  it('resolves principals of many lists in one batch, value by value', async () => {
    const before = idsCalls(idp);
    const resolved = await normaliser.resolve([
      `${idp.issuer}#carol@example.com`,
      '/az-tm-b',
      `${idp.issuer}#Carol@example.com`,
      `${idp.issuer}#${idp.users[2].sub}`,
    ]);
    expect([...resolved]).toEqual([
      [`${idp.issuer}#carol@example.com`, idp.principalOf('carol')],
      ['/az-tm-b', '/az-tm-b'],
      [`${idp.issuer}#Carol@example.com`, idp.principalOf('carol')],
      [`${idp.issuer}#${idp.users[2].sub}`, idp.principalOf('carol')],
    ]);
    expect(idsCalls(idp) - before).toBe(2);
  });

  it('renews a client token the issuer no longer accepts and retries once', async () => {
    const restarting = await startDevIdp();
    const port = Number(new URL(restarting.issuer).port);
    const local = normaliserFor([restarting.issuer]);
    await local.normalise([`${restarting.issuer}#alice@example.com`]);
    await restarting.close();
    // Same issuer, new signing keys: the cached client token is now refused with 401.
    const restarted = await startDevIdp({ port });
    try {
      expect(await local.normalise([`${restarted.issuer}#bob@example.com`])).toEqual([restarted.principalOf('bob')]);
      expect(restarted.requests.filter((r) => r.path === '/v2/ids/Users/emails/')).toHaveLength(2);
      expect(restarted.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(1);
    } finally {
      await restarted.close();
    }
  });

  it('answers 503 when the issuer cannot be asked', async () => {
    const refused = normaliserFor([idp.issuer], 'wrong-secret');
    const err = await failure(refused.normalise([`${idp.issuer}#carol@example.com`]));
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err).toBeInstanceOf(UnavailableError);
  });
});

describe('lookups on behalf of a principal (issue 18 item 4)', () => {
  let idp: DevIdp;
  beforeAll(async () => {
    idp = await startDevIdp();
  });
  afterAll(() => idp.close());

  const throttled = (policy = { burst: 10, perMinute: 10 }) => {
    let now = 0;
    const credentials = createClientCredentials({
      issuers: [idp.issuer],
      clientId: 'permissions-client',
      clientSecret: 'permissions-secret',
    });
    const normaliser = createPrincipalNormaliser({
      issuers: [idp.issuer],
      credentials,
      maxLookupsPerRequest: 20,
      unknownLookups: policy,
      now: () => now,
    });
    return { normaliser, advance: (ms: number) => (now += ms) };
  };
  const unknownEmails = (label: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${idp.issuer}#${label}-${i}@example.com`);
  const idsCalls = () => idp.requests.filter((r) => r.path.startsWith('/v2/ids/')).length;

  it('with idLookups, ids are bounded apart from e-mails: many ids pass, e-mails keep their bound', async () => {
    const hex = (i: number) => i.toString(16).padStart(12, '0');
    const users = Array.from({ length: 25 }, (_, i) => ({
      username: `user${i}`,
      password: `user${i}`,
      sub: `00000000-0000-4000-8000-${hex(i)}`,
      email: `user${i}@example.com`,
    }));
    const many = await startDevIdp({ users });
    try {
      const credentials = createClientCredentials({
        issuers: [many.issuer],
        clientId: 'permissions-client',
        clientSecret: 'permissions-secret',
      });
      const normaliser = createPrincipalNormaliser({ issuers: [many.issuer], credentials, maxLookupsPerRequest: 20 });
      const ids = users.map((user) => `${many.issuer}#${user.sub}`);
      const bounded = await failure(normaliser.resolve(ids, { actor: 'bob' }));
      expect(bounded.message).toBe(
        'at most 20 e-mails or ids not yet known may be looked up in one request (this one names 25)',
      );
      const resolved = await normaliser.resolve(ids, { actor: 'bob', idLookups: 1000 });
      expect([...resolved.values()]).toEqual(ids);
      const emails = users.slice(0, 21).map((user) => `${many.issuer}#${user.email}`);
      const emailBound = await failure(normaliser.resolve(emails, { actor: 'bob', idLookups: 1000 }));
      expect(emailBound.message).toBe(
        'at most 20 e-mails not yet known may be looked up in one request (this one names 21)',
      );
      const unknownIds = [1, 2, 3].map((i) => `${many.issuer}#00000000-0000-4000-9000-${hex(i)}`);
      const idBound = await failure(normaliser.resolve(unknownIds, { actor: 'bob', idLookups: 2 }));
      expect(idBound.message).toBe('at most 2 ids not yet known may be looked up in one request (this one names 3)');
    } finally {
      await many.close();
    }
  });

  it('malformed() names the values it would refuse without asking anyone', () => {
    const { normaliser } = throttled();
    const before = idsCalls();
    expect(
      normaliser.malformed([
        `${idp.issuer}#bob@example.com`,
        'not-a-principal',
        'https://untrusted.example#alice',
        '/az-tm-x',
        'not-a-principal',
      ]),
    ).toEqual(['not-a-principal', 'https://untrusted.example#alice']);
    expect(idsCalls()).toBe(before);
  });

  it('refuses more than the bound of values to look up in one request, before asking the issuer', async () => {
    const { normaliser } = throttled();
    const before = idsCalls();
    const err = await failure(normaliser.resolve(unknownEmails('cap', 21), { actor: 'bob' }));
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toBe(
      'at most 20 e-mails or ids not yet known may be looked up in one request (this one names 21)',
    );
    expect(err.details).toEqual({ limit: 20 });
    expect(idsCalls()).toBe(before);
    // The services' own work (no actor) is not bounded.
    expect((await failure(normaliser.resolve(unknownEmails('cap', 21)))).details.ids).toHaveLength(21);
  });

  it('names at most five unknown values to an actor', async () => {
    const { normaliser } = throttled({ burst: 100, perMinute: 10 });
    const values = [`${idp.issuer}#alice@example.com`, ...unknownEmails('listed', 8)];
    const err = await failure(normaliser.resolve(values, { actor: 'bob' }));
    expect(err.message).toBe('invalid email IDs (the first 5 are listed)');
    expect(err.details).toEqual({ ids: values.slice(1, 6) });
    const few = await failure(normaliser.resolve(unknownEmails('few', 2), { actor: 'bob' }));
    expect([few.message, few.details]).toEqual(['invalid email IDs', { ids: unknownEmails('few', 2) }]);
  });

  it('throttles an actor who keeps finding unknown values, not those he names that exist, nor other actors', async () => {
    const { normaliser, advance } = throttled();
    expect((await failure(normaliser.resolve(unknownEmails('t1', 6), { actor: 'bob' }))).message).toMatch(/^invalid/);
    expect((await failure(normaliser.resolve(unknownEmails('t2', 6), { actor: 'bob' }))).message).toMatch(/^invalid/);
    const before = idsCalls();
    const err = await failure(normaliser.resolve(unknownEmails('t3', 1), { actor: 'bob' }));
    expect(err).toBeInstanceOf(TooManyRequestsError);
    expect(err.details).toEqual({ limit: 10, burst: 10, retryAfter: 18 });
    expect(idsCalls()).toBe(before); // the issuer is not asked while he is throttled
    // others are not: and e-mails that exist cost nothing, however many
    const known = ['alice', 'bob', 'carol', 'dave'].map((u) => `${idp.issuer}#${u}@example.com`);
    for (let i = 0; i < 5; i++) {
      expect((await normaliser.resolve(known, { actor: 'alice' })).size).toBe(4);
    }
    expect((await failure(normaliser.resolve(unknownEmails('t4', 1), { actor: 'alice' }))).message).toBe(
      'invalid email IDs',
    );
    advance(18_000);
    expect((await failure(normaliser.resolve(unknownEmails('t5', 1), { actor: 'bob' }))).message).toBe(
      'invalid email IDs',
    );
  });

  it('concurrent requests cannot all spend the same tokens', async () => {
    const { normaliser } = throttled({ burst: 5, perMinute: 1 });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => failure(normaliser.resolve(unknownEmails(`c${i}`, 5), { actor: 'bob' }))),
    );
    expect(answers.filter((err) => err instanceof TooManyRequestsError)).toHaveLength(5);
  });

  it('principals already stored are not looked up again', async () => {
    const { normaliser } = throttled();
    const stored = [idp.principalOf('alice'), `${idp.issuer}#00000000-0000-4000-8000-00000000000a`];
    const before = idsCalls();
    expect(await normaliser.normalise(stored, { actor: 'bob', verified: stored })).toEqual(stored);
    expect(idsCalls()).toBe(before);
  });
});
