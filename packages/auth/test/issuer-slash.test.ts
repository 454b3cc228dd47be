import { UnauthorizedError } from '@permissions/model';
import { createTokenVerifier } from '../src';
import { startDevIdp, type DevIdp } from '@permissions/dev-stand-ins/idp';

/**
 * Identity providers differ on whether their issuer ends with a slash (Auth0's does), and operators write
 * AUTH_ISSUERS either way: the two spellings are one issuer, and a principal is always built with the configured
 * spelling, as principals written into documents are (one issuer, one spelling: CONTRACT §4.10).
 */
let idp: DevIdp;
beforeAll(async () => {
  idp = await startDevIdp({ port: 0 });
});
afterAll(() => idp.close());

test('an issuer configured with a trailing slash accepts its tokens without one, and the reverse', async () => {
  const plain = await idp.tokenFor('alice');
  const slashed = await idp.tokenFor('alice', { claims: { iss: `${idp.issuer}/` } });
  const configuredWithSlash = createTokenVerifier({ issuers: [`${idp.issuer}/`] });
  const configuredWithout = createTokenVerifier({ issuers: [idp.issuer] });
  expect((await configuredWithSlash.verify(plain)).principal).toBe(`${idp.issuer}/#${idp.users[0].sub}`);
  expect((await configuredWithSlash.verify(slashed)).principal).toBe(`${idp.issuer}/#${idp.users[0].sub}`);
  expect((await configuredWithout.verify(slashed)).principal).toBe(idp.principalOf('alice'));
  expect((await configuredWithout.verify(plain)).principal).toBe(idp.principalOf('alice'));
});

test('anything more than a trailing slash is another issuer', async () => {
  const other = await idp.tokenFor('alice', { claims: { iss: `${idp.issuer}/tenant` } });
  const refusal = createTokenVerifier({ issuers: [idp.issuer] }).verify(other);
  await expect(refusal).rejects.toBeInstanceOf(UnauthorizedError);
  await expect(refusal).rejects.toMatchObject({ details: { reason: 'unknown issuer' } });
});
