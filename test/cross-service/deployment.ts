import { DEFAULT_CLIENT } from '@permissions/dev-stand-ins/idp';
import { startLegacyRbac, type LegacyFixture, type LegacyRbac } from '@permissions/dev-stand-ins/legacy-rbac';
import type { ServiceProcess } from '@permissions/test-support/harness';
import { call, startCluster, type Cluster, type Reply, type User } from './support';

export type Mode = 'split' | 'all-in-one';

export interface AsOptions {
  body?: unknown;
  type?: string;
  ifMatch?: string;
  headers?: Record<string, string>;
  /** Also send the services' client token in X-Client-Authorization. */
  viaClient?: boolean;
}

/** Who sends a request: a dev user, the services' own client alone, or nobody. */
export type Sender = User | 'client' | null;

/**
 * The whole capability as a user deploys it, over real HTTP: the four services as four processes (split) or one
 * all-in-one process, over one fresh database, with the dev identity provider and a stand-in legacy RBAC system.
 * `alice` governs `/`. Requests are sent to the process that serves their path.
 */
export interface Deployment {
  mode: Mode;
  cluster: Cluster;
  legacy: LegacyRbac;
  /** The services' own client principal. */
  client: string;
  principal(who: User): string;
  /** `{LEGACY_RBAC_URL}/v1/o/{org}`. */
  orgUrl(org: string): string;
  send(who: Sender, method: string, path: string, options?: AsOptions): Promise<Reply>;
  /** The base URL of the process serving `path`. */
  urlOf(path: string): string;
  /** The highest event seq written (for `atLeast` after writes made behind the services' back). */
  lastSeq(): Promise<number>;
  close(): Promise<void>;
}

export async function startDeployment(mode: Mode, fixture: LegacyFixture): Promise<Deployment> {
  const cluster = await startCluster();
  const legacy = await startLegacyRbac({ fixture, issuer: cluster.idp.issuer });
  const env = { LEGACY_RBAC_URL: legacy.url };
  const processes: Record<string, ServiceProcess> = {};
  if (mode === 'all-in-one') {
    processes.all = await cluster.start('all-in-one', env);
  } else {
    const urls = { ...env, MAINTENANCE_URL: 'http://127.0.0.1:1', TEAMS_URL: 'http://127.0.0.1:1' };
    processes.maintenance = await cluster.start('maintenance', urls);
    processes.teams = await cluster.start('teams', urls);
    processes.migration = await cluster.start('migration', urls);
    processes.runtime = await cluster.start('runtime', { ...urls, MIGRATION_URL: processes.migration.url });
  }
  const serving = (path: string): string => {
    if (mode === 'all-in-one') return processes.all.url;
    if (path.startsWith('/az-permissions-migration')) return processes.migration.url;
    if (/^\/az-(teams|tm-|roles)/.test(path)) return processes.teams.url;
    if (/^\/az-(permissions|namespaces|users-who|resources-)/.test(path)) return processes.maintenance.url;
    return processes.runtime.url;
  };
  const tokens = new Map<string, Promise<string>>();
  const token = (who: User | 'client') => {
    if (!tokens.has(who)) {
      tokens.set(who, who === 'client' ? cluster.idp.clientToken(DEFAULT_CLIENT.clientId) : cluster.token(who));
    }
    return tokens.get(who) as Promise<string>;
  };
  return {
    mode,
    cluster,
    legacy,
    client: `${cluster.idp.issuer}#${DEFAULT_CLIENT.clientId}`,
    principal: (who) => cluster.principal(who),
    orgUrl: (org) => `${legacy.url}/v1/o/${org}`,
    urlOf: serving,
    async send(who, method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
      if (options.viaClient) headers['x-client-authorization'] = `Bearer ${await token('client')}`;
      return call(serving(path), method, path, {
        token: who === null ? undefined : await token(who),
        headers,
        body: options.body,
        type: options.type,
      });
    },
    async lastSeq() {
      const { rows } = await cluster.db.pool.query<{ seq: string }>('SELECT coalesce(max(seq), 0) AS seq FROM events');
      return Number(rows[0].seq);
    },
    async close() {
      await cluster.close();
      await legacy.close();
    },
  };
}
