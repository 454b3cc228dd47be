import type { Logger } from '@permissions/http-kit';
import { DEFAULT_CLIENT } from '@permissions/dev-stand-ins/idp';
import { defaultLegacyFixture } from '@permissions/dev-stand-ins/legacy-rbac';
import { dataDirOf } from './data-dir';
import { startStableDevIdp } from './dev-identity';
import { startStableLegacyRbac } from './legacy-stand-in';
import { startPostgresProcess, type PostgresProcess } from './postgres-process';

export interface PreparedEnvironment {
  /** Variables to add to the process environment (and to children in split mode). */
  env: Record<string, string>;
  /** Where what must survive a restart is kept (DATA_DIR). */
  dataDir: string;
  /** Set when the embedded Postgres runs. */
  embeddedPostgres: boolean;
  /** Set when the development identity provider runs: its issuer and the principal of each development user. */
  devIdp?: { issuer: string; users: Array<{ username: string; principal: string }> };
  /** Set when the stand-in legacy RBAC system runs. */
  legacy?: { url: string; orgs: string[] };
  stop(): Promise<void>;
}

/**
 * What `pnpm start` adds when the environment leaves it out: an embedded Postgres, the development identity
 * provider and a stand-in legacy RBAC system with sample orgs, all kept in the data directory so that a restart
 * changes nothing (the identity provider and the stand-in keep their URLs, or the start stops and says why).
 * Without EVENTS_SECRET every process uses the secret stored in the database, so runtimes started later with
 * `start:service` agree with it too.
 */
export async function prepareEnvironment(env: NodeJS.ProcessEnv, log: Logger): Promise<PreparedEnvironment> {
  const dataDir = dataDirOf(env);
  const added: Record<string, string> = {};
  const stops: Array<() => Promise<void>> = [];
  let devIdp: PreparedEnvironment['devIdp'];
  let legacy: PreparedEnvironment['legacy'];
  let postgres: Promise<PostgresProcess> | undefined;
  let stopped: Promise<void> | undefined;
  const stopAll = () =>
    (stopped ??= (async () => {
      for (const stop of [...stops].reverse()) {
        await stop().catch((err: unknown) => log.error({ err }, 'stop failed'));
      }
      await postgres?.then((pg) => pg.stop()).catch(() => undefined);
    })());
  try {
    // Postgres starts while the stand-ins do (whatever fails, it is stopped once it is up); a data directory it
    // cannot use is refused at once, before anything starts.
    postgres = env.DATABASE_URL ? undefined : startPostgresProcess(dataDir, log);
    postgres?.catch(() => undefined);
    if (!env.AUTH_ISSUERS) {
      const idp = await startStableDevIdp(dataDir, env);
      stops.push(() => idp.close());
      added.AUTH_ISSUERS = idp.issuer;
      // Only the provider started here may be offered for one-click sign-in (the explorer's config).
      added.DEV_IDP_ISSUER = idp.issuer;
      added.DEV_IDP_USERS = idp.users.map((user) => user.username).join(',');
      added.PERMISSIONS_CLIENT_ID = env.PERMISSIONS_CLIENT_ID ?? DEFAULT_CLIENT.clientId;
      added.PERMISSIONS_CLIENT_SECRET = env.PERMISSIONS_CLIENT_SECRET ?? DEFAULT_CLIENT.secret;
      if (!env.BOOTSTRAP_GOVERNORS) {
        added.BOOTSTRAP_GOVERNORS = `${idp.principalOf('alice')},${idp.issuer}#${DEFAULT_CLIENT.clientId}`;
      }
      devIdp = {
        issuer: idp.issuer,
        users: idp.users.map((u) => ({ username: u.username, principal: idp.principalOf(u.username) })),
      };
      log.debug({ issuer: idp.issuer }, 'development identity provider started');
    }
    if (!env.LEGACY_RBAC_URL) {
      // A stand-in legacy RBAC system with two sample orgs, so the on-demand migration can be tried by hand.
      const issuer = (added.AUTH_ISSUERS ?? env.AUTH_ISSUERS ?? '').split(',')[0].trim();
      const stand = await startStableLegacyRbac(dataDir, env, issuer);
      stops.push(() => stand.close());
      added.LEGACY_RBAC_URL = stand.url;
      legacy = { url: stand.url, orgs: Object.keys(defaultLegacyFixture()) };
      log.debug({ url: stand.url }, 'stand-in legacy RBAC system started');
    }
    if (postgres) added.DATABASE_URL = (await postgres).url;
  } catch (err) {
    await stopAll();
    throw err;
  }
  return { env: added, dataDir, embeddedPostgres: postgres !== undefined, devIdp, legacy, stop: stopAll };
}
