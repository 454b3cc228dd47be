import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@permissions/test-support/harness';
import { ALL_IN_ONE, runToEnd } from './launcher-runs';

/**
 * Under root the embedded Postgres runs as the system user `postgres`. A data directory (or checkout) that user cannot
 * enter used to fail with a bare `spawn … initdb EACCES`; now the start stops first and says which directory and
 * what to do. Only root runs into this, so only root can check it.
 */
const asRoot = process.getuid?.() === 0 ? test : test.skip;

asRoot(
  'a data directory the postgres user cannot enter: stopped before anything starts, with the way out',
  async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'permissions-private-'));
    await chmod(home, 0o700); // a home directory: only root may enter
    const dataDir = path.join(home, 'data');
    await mkdir(dataDir);
    try {
      const run = await runToEnd(ALL_IN_ONE, {
        DATA_DIR: dataDir,
        PORT: String(await freePort()),
        DEV_IDP_PORT: String(await freePort()),
        LEGACY_RBAC_PORT: String(await freePort()),
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `Cannot start: the embedded PostgreSQL runs as the system user "postgres" (it refuses to run as root), and ` +
          `that user cannot enter ${home} (mode 700), on the way to the data directory (${dataDir}). Either keep the ` +
          `data elsewhere (DATA_DIR=/var/tmp/permissions-data pnpm start), or let other users enter it (chmod o+x ${home})`,
      );
      expect(run.stderr).not.toContain('EACCES');
      // Refused before anything started: no identity was kept for a set-up that never ran.
      expect(['dev-idp.json', 'legacy-rbac.json', 'postgres'].filter((f) => existsSync(path.join(dataDir, f)))).toEqual(
        [],
      );
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  },
);
