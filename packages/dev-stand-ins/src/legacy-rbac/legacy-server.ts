import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { defaultLegacyFixture, type LegacyFixture, type LegacyOrgFixture } from './fixture';
import { LegacyState } from './legacy-state';

export interface LegacyRbacOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The issuer whose tokens are accepted; may also be given later with `trustIssuer` (the harness starts its IdP). */
  issuer?: string;
  /** The orgs served; default: two sample orgs of the dev IdP's users. */
  fixture?: LegacyFixture;
}

export interface LegacyFailure {
  /** HTTP status answered instead (default 500). */
  status?: number;
  /** How many requests fail before the failure clears itself (default: all of them). */
  times?: number;
}

export interface LegacyRbac {
  url: string;
  /** Every request received (after the credentials check), in order. */
  requests: ReadonlyArray<{ method: string; path: string; query: string }>;
  trustIssuer(issuer: string): void;
  setOrg(org: string, roles: LegacyOrgFixture): void;
  deleteRole(org: string, role: string): void;
  addUser(org: string, role: string, email: string): void;
  removeUser(org: string, role: string, email: string): void;
  /** Requests whose path starts with `pathPrefix` fail (a failure half-way through an import). */
  failOn(pathPrefix: string, failure?: LegacyFailure): void;
  /** After `count` more successful requests, every request fails until `clearFailures`. */
  failAfter(count: number, failure?: LegacyFailure): void;
  clearFailures(): void;
  /** Every answer is delayed by `ms` (a slow legacy system, to make two imports overlap). */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

interface PathFailure extends Required<Pick<LegacyFailure, 'status'>> {
  prefix: string;
  remaining: number;
}

/**
 * A stand-in for the legacy RBAC management API: the subset the migration reads (reference §9.2 step 5 and the audit
 * query of §9.3), served from a JSON fixture, behind its own credentials check (a bearer token of the trusted
 * issuer, verified against its JWKS).
 */
export async function startLegacyRbac(options: LegacyRbacOptions = {}): Promise<LegacyRbac> {
  const host = options.host ?? '127.0.0.1';
  const state = new LegacyState(options.fixture ?? defaultLegacyFixture());
  const requests: Array<{ method: string; path: string; query: string }> = [];
  let keys: { issuer: string; jwks: Promise<JWTVerifyGetKey> } | undefined;
  let pathFailures: PathFailure[] = [];
  let countdown: { remaining: number; status: number } | undefined;
  let delayMs = 0;

  const trustIssuer = (issuer: string) => {
    keys = { issuer, jwks: discoverJwks(issuer) };
    keys.jwks.catch(() => undefined); // reported per request
  };
  if (options.issuer) trustIssuer(options.issuer);

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use(async (req: Request, res: Response, next: NextFunction) => {
    const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '');
    try {
      if (!bearer || !keys) throw new Error('no bearer token');
      await jwtVerify(bearer[1], await keys.jwks, { issuer: keys.issuer, algorithms: ['RS256', 'ES256'] });
    } catch {
      res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      return res.status(401).json({ code: 'keymanagement.service.invalid_token', message: 'invalid token' });
    }
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    requests.push({ method: req.method, path: req.path, query });
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const failing = pathFailures.find((f) => req.path.startsWith(f.prefix) && f.remaining > 0);
    if (failing) {
      failing.remaining -= 1;
      return res.status(failing.status).json({ code: 'stand-in.failure', message: `failing ${req.path} on purpose` });
    }
    if (countdown) {
      if (countdown.remaining <= 0) {
        return res.status(countdown.status).json({ code: 'stand-in.failure', message: 'failing on purpose' });
      }
      countdown.remaining -= 1;
    }
    next();
  });

  const notFound = (res: Response, what: string) =>
    res.status(404).json({ code: 'organizations.NotFound', message: `${what} does not exist` });
  const param = (req: Request, name: string) => String(req.params[name]);

  app.get('/v1/o/:org/userroles', (req, res) => {
    const org = state.org(param(req, 'org'));
    if (!org) return notFound(res, `Organization ${param(req, 'org')}`);
    res.json(Object.keys(org));
  });
  app.get('/v1/o/:org/userroles/:role/users', (req, res) => {
    const role = state.role(param(req, 'org'), param(req, 'role'));
    if (!role) return notFound(res, `Role ${param(req, 'role')}`);
    res.json(role.users);
  });
  app.get('/v1/o/:org/userroles/:role/permissions', (req, res) => {
    const role = state.role(param(req, 'org'), param(req, 'role'));
    if (!role) return notFound(res, `Role ${param(req, 'role')}`);
    res.json({ resourcePermission: role.permissions });
  });
  // Reference §9.3: the role changes of an org from `endTime` on (the original's parameter name).
  app.get('/v1/audits/organizations/:org/userroles', (req, res) => {
    const since = Number(req.query.endTime ?? 0);
    if (!Number.isFinite(since)) return res.status(400).json({ message: 'endTime must be a number' });
    const records = state.auditsSince(param(req, 'org'), since);
    res.json({ auditRecord: records, total: records.length });
  });
  app.use((_req: Request, res: Response) => notFound(res, 'resource'));

  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(listening)));
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    requests,
    trustIssuer,
    setOrg: (org, roles) => state.setOrg(org, roles),
    deleteRole: (org, role) => state.deleteRole(org, role),
    addUser: (org, role, email) => state.addUser(org, role, email),
    removeUser: (org, role, email) => state.removeUser(org, role, email),
    failOn(prefix, failure = {}) {
      pathFailures.push({ prefix, status: failure.status ?? 500, remaining: failure.times ?? Infinity });
    },
    failAfter(count, failure = {}) {
      countdown = { remaining: count, status: failure.status ?? 500 };
    },
    clearFailures() {
      pathFailures = [];
      countdown = undefined;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The issuer's keys through its discovery document, as any relying party finds them. */
async function discoverJwks(issuer: string): Promise<JWTVerifyGetKey> {
  const response = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery of ${issuer} failed: ${response.status}`);
  const metadata = (await response.json()) as { jwks_uri?: unknown };
  if (typeof metadata.jwks_uri !== 'string') throw new Error(`${issuer} publishes no jwks_uri`);
  return createRemoteJWKSet(new URL(metadata.jwks_uri));
}
