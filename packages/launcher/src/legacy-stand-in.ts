import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { startLegacyRbac, type LegacyRbac } from '@permissions/dev-stand-ins/legacy-rbac';
import { choosePort, listenOrExplain, type StableEndpoint } from './stable-port';
import { StartupProblem } from './startup-problem';

export const LEGACY_STAND_IN_FILE = 'legacy-rbac.json';
const DEFAULT_LEGACY_PORT = 3298;

/**
 * The stand-in legacy RBAC system (sample orgs acme and globex) at a URL kept in the data directory: that URL is
 * the prefix of every migrated org's subject (`{url}/v1/o/acme`), so it may not change between starts either.
 */
export async function startStableLegacyRbac(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  issuer: string,
): Promise<LegacyRbac> {
  const file = path.join(dataDir, LEGACY_STAND_IN_FILE);
  const kept = await readKeptUrl(file);
  const endpoint: StableEndpoint = {
    what: 'the stand-in legacy RBAC system',
    variable: 'LEGACY_RBAC_PORT',
    defaultPort: DEFAULT_LEGACY_PORT,
    file,
    why: 'its URL is the prefix of every migrated org document ({url}/v1/o/acme): elsewhere those would be other resources',
  };
  const port = choosePort(endpoint, env.LEGACY_RBAC_PORT, kept);
  const legacy = await listenOrExplain(endpoint, port, kept !== undefined, (p) => startLegacyRbac({ port: p, issuer }));
  if (kept === undefined) {
    try {
      await fs.mkdir(dataDir, { recursive: true });
      const temporary = `${file}.${randomUUID()}.tmp`;
      await fs.writeFile(temporary, `${JSON.stringify({ url: legacy.url }, null, 2)}\n`);
      await fs.rename(temporary, file);
    } catch (err) {
      await legacy.close();
      throw new StartupProblem(`cannot keep the stand-in legacy RBAC URL in ${file}: ${(err as Error).message}`);
    }
  }
  return legacy;
}

async function readKeptUrl(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StartupProblem(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    const { url } = JSON.parse(text) as { url?: unknown };
    if (typeof url === 'string' && /^http:\/\/127\.0\.0\.1:\d+$/.test(url)) return url;
  } catch {
    // reported below
  }
  throw new StartupProblem(
    `${file} should hold {"url": "http://127.0.0.1:PORT"}: restore it, or delete it if no legacy org was migrated yet`,
  );
}
