import { AppError, BadRequestError, UnavailableError, ANYONE, INCOGNITO } from '@permissions/model';
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
