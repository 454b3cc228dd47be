import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@permissions/store/test-support';
import { DEFAULT_USERS } from '@permissions/dev-stand-ins/idp';
import { freePort, startProcess, type ServiceProcess } from '@permissions/test-support/harness';
import { ALL_IN_ONE, holdPort, pnpmToken, portIsClosed, release, runToEnd } from './launcher-runs';

/**
 * `pnpm start` keeps the development identity (issuer URL and signing keys) and the stand-in legacy URL in its data
 * directory: a restart keeps every principal and every token, and a start that cannot keep them stops and says
 * what to do rather than move anyone elsewhere (issue 11: alice was locked out of her documents after a restart).
 */
let db: TestDatabase;
let dataDir: string;
let idpPort: number;
let legacyPort: number;
const eventsSecret = randomBytes(24).toString('hex');
const alice = `#${DEFAULT_USERS[0].sub}`;

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'permissions-identity-'));
  [idpPort, legacyPort] = [await freePort(), await freePort()];
});
afterAll(async () => {
  await db?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The launcher against the test database, keeping what it keeps in `dir`; no variable for the kept ports. */
const baseEnv = (dir = dataDir) => ({ DATABASE_URL: db.url, DATA_DIR: dir, EVENTS_SECRET: eventsSecret });

async function get(proc: ServiceProcess, url: string, token: string) {
  const res = await fetch(`${proc.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('a restart', () => {
  let oldToken: string;
  const subject = 'http://example.com/identity/kept';

  test('the first start keeps its issuer, its keys and the stand-in URL; pnpm token gives a working token', async () => {
    const first = await startProcess('all-in-one', {
      ...baseEnv(),
      DEV_IDP_PORT: String(idpPort),
      LEGACY_RBAC_PORT: String(legacyPort),
    });
    try {
      const kept = JSON.parse(await readFile(path.join(dataDir, 'dev-idp.json'), 'utf8')) as Record<string, unknown>;
      expect(kept).toEqual({
        issuer: `http://127.0.0.1:${idpPort}`,
        signingKeys: [
          expect.objectContaining({ alg: 'RS256', kty: 'RSA', d: expect.any(String) }),
          expect.objectContaining({ alg: 'ES256', kty: 'EC', d: expect.any(String) }),
        ],
      });
      expect(JSON.parse(await readFile(path.join(dataDir, 'legacy-rbac.json'), 'utf8'))).toEqual({
        url: `http://127.0.0.1:${legacyPort}`,
      });

      // What the README does: the token alone on stdout, captured by the shell.
      const captured = await runToEnd(['bash', '-c', 'TOKEN=$(pnpm -s token alice) && printf %s "$TOKEN"'], {
        DATA_DIR: dataDir,
      });
      expect({ code: captured.code, stderr: captured.stderr }).toEqual({ code: 0, stderr: '' });
      expect(captured.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      oldToken = captured.stdout;

      const created = await fetch(`${first.url}/az-permissions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${oldToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ _subject: subject, _self: { govern: [`http://127.0.0.1:${idpPort}${alice}`] } }),
      });
      expect(created.status).toBe(201);
    } finally {
      await first.stop();
    }
  });

  test('a restart with no port variable listens where it did: same principals, old tokens still valid', async () => {
    const again = await startProcess('all-in-one', baseEnv());
    try {
      expect(await portIsClosed(idpPort)).toBe(false);
      expect(await portIsClosed(legacyPort)).toBe(false);
      // Issued before the restart, signed with the kept key, for the same principal: alice keeps her document.
      expect(await get(again, `/az-permissions?${subject}`, oldToken)).toEqual({
        status: 200,
        body: expect.objectContaining({ _subject: subject }),
      });
      expect((await get(again, '/az-permissions?/', oldToken)).status).toBe(200); // and still governs /
    } finally {
      await again.stop();
    }
  });
});

describe('a start that cannot keep the identity stops and says what to do', () => {
  test('the identity provider port is taken', async () => {
    const port = await freePort();
    const holder = await holdPort(idpPort);
    try {
      const run = await runToEnd(ALL_IN_ONE, { ...baseEnv(), PORT: String(port) });
      expect(run.code).toBe(1);
      expect(run.stdout).not.toContain('Permissions is running');
      expect(run.stderr).toContain(
        `Cannot start: port ${idpPort} is taken, and the development identity provider must listen there: its URL ` +
          `http://127.0.0.1:${idpPort} (kept in ${path.join(dataDir, 'dev-idp.json')}) never moves`,
      );
      expect(run.stderr).toContain(`lsof -nP -iTCP:${idpPort} -sTCP:LISTEN`);
      expect(run.stderr).toContain('DATA_DIR=/some/other/dir DEV_IDP_PORT=<free port> pnpm start');
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack
      expect(await portIsClosed(port)).toBe(true);
      expect(await portIsClosed(legacyPort)).toBe(true);
    } finally {
      await release(holder);
    }
  });

  test('the stand-in legacy RBAC port is taken', async () => {
    const holder = await holdPort(legacyPort);
    try {
      const run = await runToEnd(ALL_IN_ONE, { ...baseEnv(), PORT: String(await freePort()) });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `Cannot start: port ${legacyPort} is taken, and the stand-in legacy RBAC system must listen there`,
      );
      expect(run.stderr).toContain(`${path.join(dataDir, 'legacy-rbac.json')}`);
      expect(await portIsClosed(idpPort)).toBe(true); // the identity provider it had started is stopped again
    } finally {
      await release(holder);
    }
  });

  test('DEV_IDP_PORT contradicts the kept issuer', async () => {
    const other = await freePort();
    const run = await runToEnd(ALL_IN_ONE, { ...baseEnv(), DEV_IDP_PORT: String(other) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `Cannot start: DEV_IDP_PORT=${other}, but the development identity provider of this data directory is ` +
        `http://127.0.0.1:${idpPort} (kept in ${path.join(dataDir, 'dev-idp.json')})`,
    );
    expect(run.stderr).toContain('Unset DEV_IDP_PORT to keep it');
    expect(await portIsClosed(other)).toBe(true);
  });

  test('PORT is taken', async () => {
    const port = await freePort();
    const holder = await holdPort(port);
    try {
      const run = await runToEnd(ALL_IN_ONE, { ...baseEnv(), PORT: String(port) });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Cannot start: port ${port} (PORT) is taken.`);
      expect(run.stderr).toContain('PORT=<free port> pnpm start');
      expect(await portIsClosed(idpPort)).toBe(true);
    } finally {
      await release(holder);
    }
  });

  test('a first start whose default-or-chosen port is taken keeps nothing and names the variable', async () => {
    const fresh = await mkdtemp(path.join(tmpdir(), 'permissions-identity-'));
    const port = await freePort();
    const holder = await holdPort(port);
    try {
      const run = await runToEnd(ALL_IN_ONE, {
        ...baseEnv(fresh),
        DEV_IDP_PORT: String(port),
        LEGACY_RBAC_PORT: String(await freePort()),
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `Cannot start: port ${port} is taken: the development identity provider listens there. Free it`,
      );
      expect(run.stderr).toContain('DEV_IDP_PORT=<free port> pnpm start');
      expect(existsSync(path.join(fresh, 'dev-idp.json'))).toBe(false);
    } finally {
      await release(holder);
      await rm(fresh, { recursive: true, force: true });
    }
  });
});

describe('pnpm token', () => {
  test('prints nothing on stdout and says why on stderr when nothing was started in the data directory', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'permissions-identity-'));
    try {
      const run = await runToEnd(pnpmToken('bob'), { DATA_DIR: empty });
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
      expect(run.stderr).toContain(
        `pnpm token: no development identity in ${empty} (${path.join(empty, 'dev-idp.json')} is missing): start ` +
          'the services first with `pnpm start`',
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  test('says the identity provider is not running when the services are stopped', async () => {
    const run = await runToEnd(pnpmToken('bob'), { DATA_DIR: dataDir });
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
    expect(run.stderr).toContain(
      `pnpm token: the development identity provider http://127.0.0.1:${idpPort} is not running`,
    );
  });

  test('an unknown user or no user: usage on stderr, exit 2', async () => {
    const unknown = await runToEnd(pnpmToken('eve'), { DATA_DIR: dataDir });
    expect(unknown).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: 'pnpm token: no development user named "eve": the users are alice, bob, carol, dave\n',
    });
    const none = await runToEnd(pnpmToken(), { DATA_DIR: dataDir });
    expect(none).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: 'usage: pnpm -s token NAME   (NAME: alice, bob, carol, dave)\n',
    });
  });
});
