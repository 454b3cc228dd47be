import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { createPermissionsClient } from '@permissions/client';
import { freePort, useStack } from '@permissions/test-support/harness';

/**
 * The example application as its own process, guarding its routes with requirePermission against the real
 * services: 401 without a valid token, 403 unless the permissions document allows, the route otherwise.
 */
const get = useStack();
let app: ChildProcess;
let appUrl: string;
const base = `http://notes.example/${Date.now().toString(36)}`;

beforeAll(async () => {
  const port = await freePort();
  appUrl = `http://127.0.0.1:${port}`;
  app = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../src/main.ts')], {
    env: { ...process.env, PORT: String(port), PERMISSIONS_URL: get().stack.url, NOTES_RESOURCE_BASE: base },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await fetch(`${appUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error('the example did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
});
afterAll(() => app?.kill('SIGTERM'));

const call = (method: string, note: string, token?: string, body?: unknown) =>
  fetch(`${appUrl}/notes/${note}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function until(check: () => Promise<number>, status: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const got = await check();
    if (got === status || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('no token, or a token the runtime does not trust: 401 from the middleware', async () => {
  const none = await call('GET', 'a');
  expect(none.status).toBe(401);
  expect(await none.json()).toEqual({ msg: 'a bearer token is required (Authorization: Bearer …)' });
  expect((await call('GET', 'a', 'garbage')).status).toBe(401);
  const client = await call('GET', 'a', get().tokens.client);
  expect(client.status).toBe(401);
  expect(await client.json()).toEqual({ msg: 'the bearer token names no user (no iss and sub)' });
});

test("a forged token naming alice (her issuer and sub, someone else's key) gets 401, never her rights", async () => {
  const { stack, p, tokens } = get();
  const note = 'forged';
  const alice = createPermissionsClient({ baseUrl: stack.url, token: tokens.alice });
  await alice.createDocument({
    _subject: `${base}/notes/${note}`,
    _self: { govern: [p.alice], read: [p.alice], update: [p.alice] },
  });
  const { privateKey } = await generateKeyPair('RS256');
  const [iss, sub] = p.alice.split('#');
  const forged = await new SignJWT({ sub })
    .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
    .setIssuer(iss)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
  expect((await call('PUT', note, forged, { text: 'mine now' })).status).toBe(401);
  expect(await until(async () => (await call('PUT', note, tokens.alice, { text: 'hers' })).status, 200)).toBe(200);
});

test('403 until the document allows; allowed once it does; 403 again once revoked', async () => {
  const { stack, p, tokens } = get();
  const note = 'shared';
  const subject = `${base}/notes/${note}`;
  const alice = createPermissionsClient({ baseUrl: stack.url, token: tokens.alice });
  const created = await alice.createDocument({
    _subject: subject,
    _self: { govern: [p.alice], read: [p.alice], update: [p.alice] },
  });
  expect(await until(async () => (await call('PUT', note, tokens.alice, { text: 'hello' })).status, 200)).toBe(200);

  const refused = await call('GET', note, tokens.bob);
  expect(refused.status).toBe(403);
  expect(await refused.json()).toEqual({ msg: `read is not allowed on ${subject}` });

  const granted = await alice.patchDocument(subject, { _self: { read: [p.alice, p.bob] } }, { etag: created.etag });
  expect(await until(async () => (await call('GET', note, tokens.bob)).status, 200)).toBe(200);
  expect(await (await call('GET', note, tokens.bob)).json()).toEqual({ id: note, text: 'hello' });
  expect((await call('PUT', note, tokens.bob, { text: 'bob was here' })).status).toBe(403);

  await alice.patchDocument(subject, { _self: { read: [p.alice] } }, { etag: granted.etag });
  expect(await until(async () => (await call('GET', note, tokens.bob)).status, 403)).toBe(403);
});
