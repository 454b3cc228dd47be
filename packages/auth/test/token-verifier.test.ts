import { AppError, UnauthorizedError, UnavailableError } from '@permissions/model';
import { createTokenVerifier, INVALID_TOKEN_MSG, IssuerConfigError, type TokenVerifier } from '../src';
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

function expectRejected(err: AppError, reason: string, extra: Record<string, unknown> = {}) {
  expect(err).toBeInstanceOf(UnauthorizedError);
  expect(err).toBeInstanceOf(UnauthorizedError);
  expect(err.message).toBe(INVALID_TOKEN_MSG);
  expect(err.details).toEqual({ reason, ...extra });
}

describe('createTokenVerifier', () => {
  let idp: DevIdp;
  let stranger: DevIdp;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    [idp, stranger] = await Promise.all([startDevIdp(), startDevIdp()]);
    verifier = createTokenVerifier({ issuers: [idp.issuer], jwksCooldownMs: 0 });
  });
  afterAll(async () => {
    await Promise.all([idp.close(), stranger.close()]);
  });

  it('accepts an RS256 user token with principal {iss}#{sub}', async () => {
    const token = await idp.tokenFor('alice', { alg: 'RS256', expiresIn: 600 });
    const verified = await verifier.verify(token);
    expect(verified).toEqual({
      principal: idp.principalOf('alice'),
      issuer: idp.issuer,
      subject: idp.users[0].sub,
      clientId: null,
      email: 'alice@example.com',
      expiresAt: expect.any(Number),
    });
    expect(verified.expiresAt - Math.floor(Date.now() / 1000)).toBeGreaterThan(590);
  });

  it('accepts an ES256 user token', async () => {
    const verified = await verifier.verify(await idp.tokenFor('bob', { alg: 'ES256' }));
    expect(verified.principal).toBe(idp.principalOf('bob'));
    expect(verified.subject).toBe(idp.users[1].sub);
  });

  it('gives a client-credentials token the principal {iss}#{client_id}', async () => {
    const verified = await verifier.verify(await idp.clientToken('permissions-client'));
    expect(verified).toEqual({
      principal: `${idp.issuer}#permissions-client`,
      issuer: idp.issuer,
      subject: null,
      clientId: 'permissions-client',
      expiresAt: expect.any(Number),
    });
  });

  it('rejects a token of an issuer that is not configured without contacting it', async () => {
    const token = await stranger.tokenFor('alice');
    expectRejected(await failure(verifier.verify(token)), 'unknown issuer');
    expect(stranger.requests).toEqual([]);
  });

  it('rejects a token signed with a key the issuer never published, under its kid', async () => {
    const token = await idp.tokenFor('alice', { key: 'foreign' });
    expectRejected(await failure(verifier.verify(token)), 'bad signature');
    const es = await idp.tokenFor('alice', { alg: 'ES256', key: 'foreign' });
    expectRejected(await failure(verifier.verify(es)), 'bad signature');
  });

  it('rejects alg none', async () => {
    const token = await idp.tokenFor('alice', { alg: 'none' });
    expectRejected(await failure(verifier.verify(token)), 'alg not allowed');
  });

  it('rejects an expired token', async () => {
    const token = await idp.tokenFor('alice', { expiresIn: -10 });
    expectRejected(await failure(verifier.verify(token)), 'expired');
  });

  it('rejects a token that is not valid yet', async () => {
    const token = await idp.tokenFor('alice', { notBefore: 300 });
    expectRejected(await failure(verifier.verify(token)), 'not yet valid');
  });

  it('rejects a token without exp', async () => {
    const token = await idp.mint({ sub: idp.users[0].sub, exp: undefined });
    expectRejected(await failure(verifier.verify(token)), 'invalid claims', { claim: 'exp' });
  });

  it('rejects a token with neither sub nor client_id', async () => {
    const token = await idp.mint({ scope: 'x' });
    expectRejected(await failure(verifier.verify(token)), 'no subject');
  });

  it('rejects an unknown kid and garbage', async () => {
    const token = await idp.tokenFor('alice', { kid: 'no-such-key' });
    expectRejected(await failure(verifier.verify(token)), 'unknown signing key');
    expectRejected(await failure(verifier.verify('not.a.jwt')), 'malformed');
    expectRejected(await failure(verifier.verify('')), 'malformed');
  });

  it('checks the audience only when configured', async () => {
    const withAudience = createTokenVerifier({ issuers: [idp.issuer], audience: 'permissions' });
    const none = await idp.tokenFor('alice');
    const wrong = await idp.tokenFor('alice', { claims: { aud: 'billing' } });
    const right = await idp.tokenFor('alice', { claims: { aud: ['billing', 'permissions'] } });
    expectRejected(await failure(withAudience.verify(none)), 'audience mismatch');
    expectRejected(await failure(withAudience.verify(wrong)), 'audience mismatch');
    expect((await withAudience.verify(right)).principal).toBe(idp.principalOf('alice'));
    expect((await verifier.verify(wrong)).principal).toBe(idp.principalOf('alice'));
  });

  it('follows a key rotation: tokens of the new key verify, tokens of the old key still do', async () => {
    const rotating = await startDevIdp();
    try {
      const rotatingVerifier = createTokenVerifier({ issuers: [rotating.issuer], jwksCooldownMs: 0 });
      const before = await rotating.tokenFor('carol');
      await rotatingVerifier.verify(before);
      const kids = await rotating.rotateKeys();
      const after = await rotating.tokenFor('carol', { claims: { jti: 'after-rotation' } });
      const afterEs = await rotating.tokenFor('carol', { alg: 'ES256' });
      expect(JSON.parse(Buffer.from(after.split('.')[0], 'base64url').toString()).kid).toBe(kids.RS256);
      expect((await rotatingVerifier.verify(after)).principal).toBe(rotating.principalOf('carol'));
      expect((await rotatingVerifier.verify(afterEs)).principal).toBe(rotating.principalOf('carol'));
      expect((await rotatingVerifier.verify(before)).principal).toBe(rotating.principalOf('carol'));
      expect(rotating.requests.filter((r) => r.path === '/.well-known/jwks.json')).toHaveLength(2);
    } finally {
      await rotating.close();
    }
  });

  it('serves a verified token from its cache, and never after it expired', async () => {
    let clock = Date.now();
    const clocked = createTokenVerifier({ issuers: [idp.issuer], now: () => clock });
    const token = await idp.tokenFor('dave', { expiresIn: 60 });
    const first = await clocked.verify(token);
    expect(await clocked.verify(token)).toBe(first);
    clock += 61_000;
    expectRejected(await failure(clocked.verify(token)), 'expired');
  });

  it('answers 503 while the issuer is unreachable, and recovers when it is back', async () => {
    const gone = await startDevIdp();
    const port = Number(new URL(gone.issuer).port);
    await gone.close();
    const lonely = createTokenVerifier({ issuers: [gone.issuer], fetchTimeoutMs: 2000 });
    const token = await gone.tokenFor('alice');
    const err = await failure(lonely.verify(token));
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toBe(`identity provider ${gone.issuer} is unavailable`);

    const back = await startDevIdp({ port });
    try {
      const fresh = await back.tokenFor('alice');
      expect((await lonely.verify(fresh)).principal).toBe(back.principalOf('alice'));
    } finally {
      await back.close();
    }
  });

  it('accepts only https issuers, or http on loopback, at configuration time', () => {
    for (const issuer of ['https://login.example.com', 'http://localhost:8080', 'http://127.1.2.3', 'http://[::1]:9']) {
      expect(() => createTokenVerifier({ issuers: [issuer] })).not.toThrow();
    }
    for (const issuer of ['http://login.example.com', 'http://10.0.0.1', 'http://127.0.0.1.evil.com', 'ftp://x.y']) {
      expect(() => createTokenVerifier({ issuers: [issuer] })).toThrow(IssuerConfigError);
    }
    expect(() => createTokenVerifier({ issuers: ['http://login.example.com'] })).toThrow(
      'AUTH_ISSUERS: "http://login.example.com" is not allowed; issuers must be https:// URLs without query or ' +
        'fragment (http:// only on loopback: localhost, 127.0.0.0/8, [::1])',
    );
    expect(() => createTokenVerifier({ issuers: ['not a url'] })).toThrow('AUTH_ISSUERS: "not a url" is not a URL');
  });
});
