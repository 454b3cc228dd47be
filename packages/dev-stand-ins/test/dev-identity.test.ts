import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import {
  DEFAULT_USERS,
  DevIdentityFileError,
  DevTokenError,
  readDevIdentity,
  requestDevToken,
  startDevIdp,
  writeDevIdentity,
  type DevIdp,
} from '../src/idp';

/** The development identity kept across restarts (issuer and keys) and the token request `pnpm token` makes. */
let dir: string;
const started: DevIdp[] = [];
const start = async (options: Parameters<typeof startDevIdp>[0] = {}) => {
  const idp = await startDevIdp(options);
  started.push(idp);
  return idp;
};
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dev-identity-'));
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((idp) => idp.close().catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
});

async function verifyAt(idp: DevIdp, token: string) {
  const jwks = (await (await fetch(`${idp.issuer}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  return (await jwtVerify(token, createLocalJWKSet(jwks), { issuer: idp.issuer })).payload;
}

test('a provider started again with the exported keys honours the tokens of the first one', async () => {
  const first = await start();
  const port = Number(new URL(first.issuer).port);
  const rs = await first.tokenFor('bob');
  const es = await first.tokenFor('bob', { alg: 'ES256' });
  const keys = await first.exportSigningKeys();
  await first.close();

  const again = await start({ port, signingKeys: keys });
  expect(again.issuer).toBe(first.issuer);
  expect((await verifyAt(again, rs)).sub).toBe(DEFAULT_USERS[1].sub);
  expect((await verifyAt(again, es)).sub).toBe(DEFAULT_USERS[1].sub);
  // The JWKS publishes the public halves only.
  const jwks = (await (await fetch(`${again.issuer}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  expect(jwks.keys.map((k) => [k.kid, 'd' in k])).toEqual(keys.map((k) => [k.kid, false]));
  // Without the kept keys, the same issuer would not: what the checks above rely on.
  await again.close();
  const replaced = await start({ port });
  await expect(verifyAt(replaced, rs)).rejects.toThrow(/no applicable key found/);
});

test('the identity file is written for its owner only and read back as it was', async () => {
  const idp = await start();
  const identity = { issuer: idp.issuer, signingKeys: await idp.exportSigningKeys() };
  await writeDevIdentity(dir, identity);
  expect((await stat(path.join(dir, 'dev-idp.json'))).mode & 0o777).toBe(0o600);
  expect(await readDevIdentity(dir)).toEqual(identity);
  expect(await readDevIdentity(path.join(dir, 'none'))).toBeUndefined();
});

test('a damaged identity file is refused with the file named and what to do', async () => {
  await writeFile(path.join(dir, 'dev-idp.json'), '{"issuer": "http://127.0.0.1:1", "signingKeys": [{"kid": 1}]}');
  const read = readDevIdentity(dir);
  await expect(read).rejects.toBeInstanceOf(DevIdentityFileError);
  await expect(read).rejects.toThrow(
    `${path.join(dir, 'dev-idp.json')} is not a development identity (each signing key must be a private JWK with ` +
      '"kid" and "alg" RS256 or ES256). Restore it from a backup, or delete it to start with a new issuer and keys',
  );
});

describe('requestDevToken', () => {
  test("asks the running provider: the user's token, signed with the kept key", async () => {
    const idp = await start();
    await writeDevIdentity(dir, { issuer: idp.issuer, signingKeys: await idp.exportSigningKeys() });
    const token = await requestDevToken({ dataDir: dir, username: 'carol' });
    expect(decodeJwt(token)).toMatchObject({ iss: idp.issuer, sub: DEFAULT_USERS[2].sub, user_name: 'carol' });
    expect((await verifyAt(idp, token)).sub).toBe(DEFAULT_USERS[2].sub);
  });

  test('refuses when the provider on that port is not the one of this data directory', async () => {
    const other = await start();
    const mine = await start();
    // The issuer of `other` with the keys of `mine`: another checkout's provider holds the port.
    await writeDevIdentity(dir, { issuer: other.issuer, signingKeys: await mine.exportSigningKeys() });
    const asked = requestDevToken({ dataDir: dir, username: 'alice' });
    await expect(asked).rejects.toMatchObject({ problem: 'other-provider' });
    await expect(asked).rejects.toThrow(
      `what answers at ${other.issuer} is not the development identity provider of ${dir} (HTTP 200, a token ` +
        'signed with other keys)',
    );
  });

  test('refuses when the provider is not running, or there is no identity, or no such user', async () => {
    const gone = await start();
    await writeDevIdentity(dir, { issuer: gone.issuer, signingKeys: await gone.exportSigningKeys() });
    await gone.close();
    await expect(requestDevToken({ dataDir: dir, username: 'alice' })).rejects.toMatchObject({
      problem: 'not-running',
      message: `the development identity provider ${gone.issuer} is not running: start the services with \`pnpm start\` (or \`pnpm start:split\`) and ask again`,
    });
    const empty = path.join(dir, 'empty');
    await expect(requestDevToken({ dataDir: empty, username: 'alice' })).rejects.toMatchObject({
      problem: 'not-initialised',
    });
    const unknown = requestDevToken({ dataDir: dir, username: 'mallory' });
    await expect(unknown).rejects.toBeInstanceOf(DevTokenError);
    await expect(unknown).rejects.toMatchObject({ problem: 'unknown-user' });
  });
});
