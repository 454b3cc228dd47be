import path from 'node:path';
import type { Logger } from '@permissions/http-kit';

export interface PreparedEnvironment {
  /** Variables to add to the process environment (and to children in split mode). */
  env: Record<string, string>;
  /** Set when the development identity provider runs: how to obtain a token for the printed curl command. */
  devIdp?: { issuer: string; principal: string; tokenFor(username: string): Promise<string> };
  stop(): Promise<void>;
}

export const REPO_ROOT = path.resolve(__dirname, '../../..');

/**
 * What `pnpm start` adds when the environment leaves it out: an embedded Postgres under `.data/` (kept across
 * restarts), the development identity provider on a fixed port (so principals stay the same across restarts) and a
 * stand-in legacy RBAC system with sample orgs (LEGACY_RBAC_URL). Without EVENTS_SECRET every process uses the
 * secret stored in the database, so runtimes started later with `start:service` agree with it too.
 */
export async function prepareEnvironment(env: NodeJS.ProcessEnv, log: Logger): Promise<PreparedEnvironment> {
  const added: Record<string, string> = {};
  const stops: Array<() => Promise<void>> = [];
  let devIdp: PreparedEnvironment['devIdp'];
  try {
    if (!env.DATABASE_URL) {
      const { startEmbeddedPostgres } = await import('@permissions/store/embedded');
      const dataDir = path.join(REPO_ROOT, '.data', 'postgres');
      log.info({ dataDir }, 'starting embedded PostgreSQL');
      const pg = await startEmbeddedPostgres({ dataDir });
      stops.push(() => pg.stop());
      added.DATABASE_URL = pg.url;
    }
    if (!env.AUTH_ISSUERS) {
      const { startDevIdp, DEFAULT_CLIENT } = await import('@permissions/dev-stand-ins/idp');
      const port = Number(env.DEV_IDP_PORT ?? 3299);
      const idp = await onFixedPortOrAny(port, log, 'development identity provider', (p) => startDevIdp({ port: p }));
      stops.push(() => idp.close());
      added.AUTH_ISSUERS = idp.issuer;
      // Only the provider started here may be offered for one-click sign-in (the explorer's config).
      added.DEV_IDP_ISSUER = idp.issuer;
      added.DEV_IDP_USERS = idp.users.map((user) => user.username).join(',');
      added.PERMISSIONS_CLIENT_ID = env.PERMISSIONS_CLIENT_ID ?? DEFAULT_CLIENT.clientId;
      added.PERMISSIONS_CLIENT_SECRET = env.PERMISSIONS_CLIENT_SECRET ?? DEFAULT_CLIENT.secret;
      if (!env.BOOTSTRAP_GOVERNORS) {
        added.BOOTSTRAP_GOVERNORS = `${idp.issuer}#${idp.users[0].sub},${idp.issuer}#${DEFAULT_CLIENT.clientId}`;
      }
      devIdp = {
        issuer: idp.issuer,
        principal: `${idp.issuer}#${idp.users[0].sub}`,
        tokenFor: (username) => idp.tokenFor(username),
      };
      log.info({ issuer: idp.issuer }, 'development identity provider started');
    }
    if (!env.LEGACY_RBAC_URL) {
      // A stand-in legacy RBAC system with two sample orgs, so the on-demand migration can be tried by hand.
      const issuer = (added.AUTH_ISSUERS ?? env.AUTH_ISSUERS ?? '').split(',')[0].trim();
      const { startLegacyRbac } = await import('@permissions/dev-stand-ins/legacy-rbac');
      const legacy = await onFixedPortOrAny(Number(env.LEGACY_RBAC_PORT ?? 3298), log, 'stand-in legacy RBAC', (p) =>
        startLegacyRbac({ port: p, issuer }),
      );
      stops.push(() => legacy.close());
      added.LEGACY_RBAC_URL = legacy.url;
      log.info({ url: legacy.url, orgs: ['acme', 'globex'] }, 'stand-in legacy RBAC system started');
    }
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw err;
  }
  return {
    env: added,
    devIdp,
    stop: async () => {
      for (const stop of stops.reverse()) await stop().catch((err) => log.error({ err }, 'stop failed'));
    },
  };
}

/**
 * Development stand-ins listen on fixed ports so that their URLs (and so the principals of the dev users) stay
 * the same across restarts; when the port is taken, a free one is better than not starting at all.
 */
async function onFixedPortOrAny<T>(
  port: number,
  log: Logger,
  what: string,
  start: (port: number) => Promise<T>,
): Promise<T> {
  try {
    return await start(port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    log.warn({ port }, `port ${port} is taken: the ${what} listens on a free port instead`);
    return start(0);
  }
}
