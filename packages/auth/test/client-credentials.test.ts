import { AppError, BadRequestError, UnavailableError } from '@permissions/model';
import { createClientCredentials, createTokenVerifier, IssuerConfigError } from '../src';
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

describe('createClientCredentials', () => {
  let idp: DevIdp;
  let stranger: DevIdp;

  beforeAll(async () => {
    [idp, stranger] = await Promise.all([startDevIdp(), startDevIdp()]);
  });
  afterAll(() => Promise.all([idp.close(), stranger.close()]));

  const tokenRequests = (of: DevIdp) => of.requests.filter((r) => r.method === 'POST' && r.path === '/oauth/token');

  it('obtains a client token from the issuer token endpoint and reuses it', async () => {
    const before = tokenRequests(idp).length;
    const credentials = createClientCredentials({
      issuers: [idp.issuer],
      clientId: 'permissions-client',
      clientSecret: 'permissions-secret',
    });
    const [first, concurrent] = await Promise.all([credentials.tokenFor(idp.issuer), credentials.tokenFor(idp.issuer)]);
    expect(concurrent).toBe(first);
    expect(await credentials.tokenFor(idp.issuer)).toBe(first);
    expect(tokenRequests(idp).length - before).toBe(1);

    const verified = await createTokenVerifier({ issuers: [idp.issuer] }).verify(first);
    expect(verified.principal).toBe(`${idp.issuer}#permissions-client`);
    expect(verified.subject).toBeNull();
  });

  it('asks for a new token shortly before the cached one expires', async () => {
    let clock = Date.now();
    const credentials = createClientCredentials({
      issuers: [idp.issuer],
      clientId: 'permissions-client',
      clientSecret: 'permissions-secret',
      now: () => clock,
    });
    const before = tokenRequests(idp).length;
    await credentials.tokenFor(idp.issuer);
    clock += 3600_000 - 29_000; // the dev IdP's tokens live one hour; renewal starts 30 s before
    await credentials.tokenFor(idp.issuer);
    expect(tokenRequests(idp).length - before).toBe(2);
  });

  it('never sends the secret to an issuer that is not configured (W5)', async () => {
    const credentials = createClientCredentials({
      issuers: [idp.issuer],
      clientId: 'permissions-client',
      clientSecret: 'permissions-secret',
    });
    const err = await failure(credentials.tokenFor(stranger.issuer));
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toBe(`${stranger.issuer} is not a trusted issuer`);
    expect(stranger.requests).toEqual([]);
  });

  it('answers 503 when the issuer refuses our client', async () => {
    const credentials = createClientCredentials({
      issuers: [idp.issuer],
      clientId: 'permissions-client',
      clientSecret: 'wrong',
    });
    const err = await failure(credentials.tokenFor(idp.issuer));
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toBe(`could not obtain a client token from ${idp.issuer}`);
    expect(err.details).toEqual({ reason: 'HTTP 401' });
    expect(JSON.stringify(err.details)).not.toContain('wrong');
  });

  it('refuses a plain-http issuer off loopback at configuration time', () => {
    expect(() =>
      createClientCredentials({ issuers: ['http://idp.example.com'], clientId: 'c', clientSecret: 's' }),
    ).toThrow(IssuerConfigError);
  });
});
