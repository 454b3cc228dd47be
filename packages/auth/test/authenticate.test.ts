import { AppError, UnauthorizedError } from '@permissions/model';
import { authenticate, createTokenVerifier, INVALID_TOKEN_MSG, type TokenVerifier } from '../src';
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

describe('authenticate (reference §2.1)', () => {
  let idp: DevIdp;
  let verifier: TokenVerifier;
  let alice: string;
  let client: string;
  let expired: string;

  beforeAll(async () => {
    idp = await startDevIdp();
    verifier = createTokenVerifier({ issuers: [idp.issuer] });
    [alice, client, expired] = await Promise.all([
      idp.tokenFor('alice'),
      idp.clientToken('permissions-client'),
      idp.tokenFor('bob', { expiresIn: -5 }),
    ]);
  });
  afterAll(() => idp.close());

  it('answers the user of Authorization and no client', async () => {
    const caller = await authenticate({ authorization: `Bearer ${alice}` }, verifier);
    expect(caller.user?.principal).toBe(idp.principalOf('alice'));
    expect(caller.client).toBeNull();
  });

  it('accepts the scheme name in any case', async () => {
    const caller = await authenticate({ authorization: `bearer ${alice}` }, verifier);
    expect(caller.user?.principal).toBe(idp.principalOf('alice'));
  });

  it('answers both when both headers are valid', async () => {
    const caller = await authenticate(
      { authorization: `Bearer ${alice}`, 'x-client-authorization': `Bearer ${client}` },
      verifier,
    );
    expect(caller.user?.principal).toBe(idp.principalOf('alice'));
    expect(caller.client?.principal).toBe(`${idp.issuer}#permissions-client`);
  });

  it('runs with no user when only a valid X-Client-Authorization is present', async () => {
    const caller = await authenticate({ 'x-client-authorization': `Bearer ${client}` }, verifier);
    expect(caller).toEqual({ user: null, client: expect.objectContaining({ clientId: 'permissions-client' }) });
  });

  it('never rescues an invalid Authorization with a valid client header', async () => {
    const err = await failure(
      authenticate({ authorization: `Bearer ${expired}`, 'x-client-authorization': `Bearer ${client}` }, verifier),
    );
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err.message).toBe(INVALID_TOKEN_MSG);
    expect(err.details).toEqual({ reason: 'expired', header: 'authorization' });
  });

  it('rejects an invalid X-Client-Authorization even with a valid user', async () => {
    const err = await failure(
      authenticate({ authorization: `Bearer ${alice}`, 'x-client-authorization': `Bearer ${expired}` }, verifier),
    );
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err.details).toEqual({ reason: 'expired', header: 'x-client-authorization' });
  });

  it('rejects an X-Client-Authorization alone when invalid', async () => {
    const err = await failure(authenticate({ 'x-client-authorization': 'Bearer garbage' }, verifier));
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err.details).toEqual({ reason: 'malformed', header: 'x-client-authorization' });
  });

  it('requires a token', async () => {
    const err = await failure(authenticate({}, verifier));
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err.message).toBe('must provide valid Bearer token');
    expect(err.details).toEqual({ reason: 'missing' });
  });

  it('rejects other schemes and empty headers', async () => {
    for (const authorization of ['Basic YWxpY2U6YWxpY2U=', '', 'Bearer', `Bearer ${alice} extra`]) {
      const err = await failure(authenticate({ authorization }, verifier));
      expect(err).toBeInstanceOf(UnauthorizedError);
      expect(err.details).toEqual({ reason: 'malformed', header: 'authorization' });
    }
  });
});
