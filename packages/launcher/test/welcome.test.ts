import path from 'node:path';
import { loadConfig } from '@permissions/config';
import { REPO_ROOT } from '../src/data-dir';
import type { PreparedEnvironment } from '../src/environment';
import { welcomeText } from '../src/welcome';

/** The banner of `pnpm start`: where everything is, who the development users are, how to get a token. */
const issuer = 'http://127.0.0.1:3299';
const users = [
  { username: 'alice', principal: `${issuer}#5b2c1c9e-6f6a-4d3e-9a51-0a1f3e6d7a01` },
  { username: 'bob', principal: `${issuer}#c3d0b4a2-8e8f-4b7a-8f3c-1b2e4d6f8a02` },
];
const prepared = (dataDir: string): PreparedEnvironment => ({
  env: {},
  dataDir,
  embeddedPostgres: true,
  devIdp: { issuer, users },
  legacy: { url: 'http://127.0.0.1:3298', orgs: ['acme', 'globex'] },
  stop: async () => undefined,
});
const config = loadConfig({
  AUTH_ISSUERS: issuer,
  BOOTSTRAP_GOVERNORS: `${users[0].principal},${issuer}#permissions-client`,
});

test('names every development user with its principal, and how to get a token', () => {
  const text = welcomeText({
    baseUrls: { all: 'http://127.0.0.1:3200' },
    prepared: prepared(path.join(REPO_ROOT, '.data')),
    config,
  });
  expect(text).toContain(`  alice  ${users[0].principal}\n  bob    ${users[1].principal}\n`);
  expect(text).toContain('  governors of /  alice, http://127.0.0.1:3299#permissions-client\n');
  expect(text).toContain('  legacy RBAC     http://127.0.0.1:3298 (stand-in; orgs acme, globex)\n');
  expect(text).toContain('`pnpm -s token NAME` prints it and nothing else');
  expect(text).toContain('  TOKEN=$(pnpm -s token alice)\n');
  expect(text).toContain(
    `/az-is-allowed?resource=/&action=read&user=${issuer}%235b2c1c9e-6f6a-4d3e-9a51-0a1f3e6d7a01'`,
  );
  expect(text).not.toMatch(/eyJ/); // no token printed: it would expire, and the command gives fresh ones
});

test('with another data directory, the printed command names it', () => {
  const text = welcomeText({ baseUrls: { all: 'http://127.0.0.1:3200' }, prepared: prepared('/tmp/my data'), config });
  expect(text).toContain(`  TOKEN=$(DATA_DIR='/tmp/my data' pnpm -s token alice)\n`);
  expect(text).toContain('  data kept in    /tmp/my data\n');
});
