import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { JWTPayload } from 'jose';
import { DEFAULT_CLIENTS, DEFAULT_USERS, type DevClient, type DevUser } from './fixtures';
import { idsRoutes } from './ids-routes';
import type { IdpState, MintOptions } from './idp-state';
import { oauthRoutes } from './oauth-routes';
import { createKeyRing, type SigningAlg, type StoredSigningKey } from './signing-keys';

export interface DevIdpOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  users?: readonly DevUser[];
  clients?: readonly DevClient[];
  /** Put into every minted token as `aud` (for services run with AUTH_AUDIENCE). */
  audience?: string;
  tokenLifetimeSeconds?: number;
  /** Private keys of an earlier run (see `exportSigningKeys`): tokens it issued stay valid. Default: new keys. */
  signingKeys?: readonly StoredSigningKey[];
}

export interface DevIdp {
  issuer: string;
  /** Base URL of the provider; equal to the issuer. */
  url: string;
  users: readonly DevUser[];
  clients: readonly DevClient[];
  /** Every request received, in order, so a test can prove that none was made. */
  requests: ReadonlyArray<{ method: string; path: string }>;
  /** The principal `{issuer}#{sub}` of a user. */
  principalOf(username: string): string;
  /** A user's access token, as the password grant would issue it (claims override or add). */
  tokenFor(username: string, options?: MintOptions & { claims?: JWTPayload }): Promise<string>;
  /** A client-credentials token: `client_id`, no `sub`. */
  clientToken(clientId: string, options?: MintOptions): Promise<string>;
  /** Any token: `iss`, `iat`, `exp` (and `aud` when configured) filled in unless `claims` set them. */
  mint(claims: JWTPayload, options?: MintOptions): Promise<string>;
  /** New signing keys (new kids) become current; the old ones stay published. */
  rotateKeys(): Promise<Record<SigningAlg, string>>;
  /** The current private signing keys, to start a later provider that keeps honouring today's tokens. */
  exportSigningKeys(): Promise<StoredSigningKey[]>;
  close(): Promise<void>;
}

/** A development OpenID provider: discovery, JWKS, token endpoint and ids API over real HTTP. */
export async function startDevIdp(options: DevIdpOptions = {}): Promise<DevIdp> {
  const host = options.host ?? '127.0.0.1';
  const users = options.users ?? DEFAULT_USERS;
  const clients = options.clients ?? DEFAULT_CLIENTS;
  const keys = await createKeyRing(options.signingKeys);
  const requests: Array<{ method: string; path: string }> = [];
  const app = express();
  app.disable('x-powered-by');

  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(listening)));
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const state: IdpState = {
    issuer,
    users,
    clients,
    keys,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    async mint(claims, mintOptions = {}) {
      const now = Math.floor(Date.now() / 1000);
      const defaults: JWTPayload = {
        iss: issuer,
        iat: now,
        exp: now + (mintOptions.expiresIn ?? state.tokenLifetimeSeconds),
        jti: randomUUID(),
      };
      if (mintOptions.notBefore !== undefined) defaults.nbf = now + mintOptions.notBefore;
      if (options.audience !== undefined) defaults.aud = options.audience;
      return keys.sign({ ...defaults, ...claims }, mintOptions);
    },
  };

  app.use((req, _res, next) => {
    requests.push({ method: req.method, path: req.path });
    next();
  });
  app.use(loopbackCors);
  app.use(express.urlencoded({ extended: false }), express.json({ limit: '1mb' }));
  app.use(oauthRoutes(state));
  app.use(idsRoutes(state));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : 500;
    res.status(status >= 400 && status < 600 ? status : 500).json({ error: 'invalid_request' });
  });

  const userNamed = (username: string): DevUser => {
    const user = users.find((u) => u.username === username);
    if (!user) throw new Error(`dev IdP: no user named ${username}`);
    return user;
  };

  return {
    issuer,
    url: issuer,
    users,
    clients,
    requests,
    principalOf: (username) => `${issuer}#${userNamed(username).sub}`,
    async tokenFor(username, { claims, ...mintOptions } = {}) {
      const user = userNamed(username);
      return state.mint({ sub: user.sub, email: user.email, user_name: user.username, ...claims }, mintOptions);
    },
    async clientToken(clientId, mintOptions) {
      if (!clients.some((c) => c.clientId === clientId)) throw new Error(`dev IdP: no client ${clientId}`);
      return state.mint({ client_id: clientId, scope: 'ids.read' }, mintOptions);
    },
    mint: (claims, mintOptions) => state.mint(claims, mintOptions),
    rotateKeys: () => keys.rotate(),
    exportSigningKeys: () => keys.exportCurrent(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive connections (axios, jose) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/**
 * The explorer page, served by the services on another port, signs in with the password grant from the browser:
 * pages served from loopback addresses may read this provider's answers; pages from anywhere else may not.
 */
function loopbackCors(req: Request, res: Response, next: NextFunction): void {
  const origin = req.headers.origin;
  if (origin !== undefined && /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(origin)) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      res.setHeader('Access-Control-Allow-Headers', 'content-type');
      res.status(204).end();
      return;
    }
  }
  next();
}
