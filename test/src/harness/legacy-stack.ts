import { auth, startStack, type Stack } from './stack';
import type { Who } from './per-file-stack';
import { startLegacyRbac, type LegacyFixture, type LegacyRbac } from '@permissions/dev-stand-ins/legacy-rbac';

export interface LegacyStack {
  legacy: LegacyRbac;
  stack: Stack;
  /** `{legacy}/v1/o/{org}`: the org document's subject. */
  orgUrl(org: string): string;
  /** POST `/az-permissions-migration/{kind}` with `{resource}` as `who`. */
  request(
    who: Who,
    kind: 'migration-request' | 're-migration-request',
    body: unknown,
  ): Promise<import('supertest').Response>;
  /** `/az-is-allowed` for a user asking about himself, after event `atLeast` when given. */
  isAllowed(who: Exclude<Who, 'client'>, resource: string, action: string, atLeast?: string): Promise<unknown>;
  /** Stored teams whose name starts with `{org} `, by name. */
  teamsOf(org: string): Promise<Array<{ id: string; name: string; members: string[]; roles: unknown }>>;
  eventCount(): Promise<number>;
  /** The highest event seq written so far, for `atLeast` after a write whose answer the test did not see. */
  lastSeq(): Promise<string>;
  close(): Promise<void>;
}

/** The real services over a fresh database, with a stand-in legacy RBAC system that trusts their IdP. */
export async function startLegacyStack(
  options: { fixture?: LegacyFixture; speedup?: string } = {},
): Promise<LegacyStack> {
  const legacy = await startLegacyRbac({ fixture: options.fixture });
  const stack = await startStack({ env: { LEGACY_RBAC_URL: legacy.url, SPEEDUP: options.speedup ?? '10' } });
  legacy.trustIssuer(stack.idp.issuer);
  const orgUrl = (org: string) => `${legacy.url}/v1/o/${org}`;
  return {
    legacy,
    stack,
    orgUrl,
    async request(who, kind, body) {
      return stack.http
        .post(`/az-permissions-migration/${kind}`)
        .set(auth(await stack.token(who)))
        .send(body as object);
    },
    async isAllowed(who, resource, action, atLeast) {
      const query = new URLSearchParams({ resource, action, user: stack.principals[who] });
      if (atLeast) query.set('atLeast', atLeast);
      const res = await stack.http.get(`/az-is-allowed?${query}`).set(auth(await stack.token(who)));
      if (res.status !== 200) throw new Error(`is-allowed answered ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async teamsOf(org) {
      const { rows } = await stack.db.pool.query<{
        id: string;
        data: { name: string; members: string[]; roles: unknown };
      }>(`SELECT id, data FROM teams WHERE data->>'name' LIKE $1 ORDER BY data->>'name', id`, [`${org} %`]);
      return rows.map((r) => ({ id: r.id, name: r.data.name, members: r.data.members, roles: r.data.roles }));
    },
    async eventCount() {
      const { rows } = await stack.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM events');
      return Number(rows[0].n);
    },
    async lastSeq() {
      const { rows } = await stack.db.pool.query<{ seq: string }>('SELECT coalesce(max(seq), 0) AS seq FROM events');
      return String(rows[0].seq);
    },
    async close() {
      await stack?.close();
      await legacy?.close();
    },
  };
}

export { auth };
