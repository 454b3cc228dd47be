import axios from 'axios';
import { z } from 'zod';
import { BadRequestError, UnavailableError } from '@permissions/model';
import { createIssuerDiscovery, describeFailure, type IssuerDiscovery } from './issuer-discovery';
import { parseTrustedIssuers } from './issuer-urls';

/** The services' own client at the trusted issuers (PERMISSIONS_CLIENT_ID / PERMISSIONS_CLIENT_SECRET). */
export interface ClientCredentials {
  /** A client-credentials access token from `issuer`, which must be one of the configured issuers. */
  tokenFor(issuer: string): Promise<string>;
  /** Drops a cached token the issuer no longer accepts, so the next `tokenFor` asks for a new one. */
  forget(issuer: string, token: string): void;
}

export interface ClientCredentialsOptions {
  issuers: readonly string[];
  clientId: string;
  clientSecret: string;
  fetchTimeoutMs?: number;
  discovery?: IssuerDiscovery;
  now?: () => number;
}

const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
});

/** Renew this long before expiry, so a token is never used while it expires in flight. */
const RENEW_MARGIN_MS = 30_000;
/** When the issuer does not say how long a token lives, reuse it only briefly. */
const DEFAULT_LIFETIME_MS = 60_000;

/**
 * Client-credentials grant at the issuer's discovery `token_endpoint`, cached until shortly before expiry. The secret
 * is sent only to configured issuers (W5): an issuer named by a token or a document is refused before anything is
 * sent.
 */
export function createClientCredentials(options: ClientCredentialsOptions): ClientCredentials {
  const issuers = new Set(parseTrustedIssuers(options.issuers));
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 5000;
  const discovery = options.discovery ?? createIssuerDiscovery({ fetchTimeoutMs });
  const now = options.now ?? Date.now;
  const tokens = new Map<string, { token: string; renewAt: number }>();
  const pending = new Map<string, Promise<string>>();

  async function postClientCredentials(endpoint: string, method: 'basic' | 'post'): Promise<unknown> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (method === 'post') {
      form.set('client_id', options.clientId);
      form.set('client_secret', options.clientSecret);
    }
    const response = await axios.post<unknown>(endpoint, form.toString(), {
      timeout: fetchTimeoutMs,
      maxRedirects: 0,
      ...(method === 'basic' ? { auth: { username: options.clientId, password: options.clientSecret } } : {}),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
    return response.data;
  }

  async function requestToken(issuer: string): Promise<string> {
    const { tokenEndpoint } = await discovery.metadata(issuer);
    // The original exchanged client credentials at {issuer}/oauth/token (reference §9.1): used when discovery
    // names no token endpoint.
    const endpoint = tokenEndpoint?.href ?? `${issuer.replace(/\/+$/, '')}/oauth/token`;
    let body: unknown;
    try {
      body = await postClientCredentials(endpoint, 'basic');
    } catch (err) {
      // client_secret_basic is the method every OAuth server must support (RFC 6749 §2.3.1), but some accept only
      // the credentials in the form: an explicit refusal of Basic is retried that way, once.
      const status = axios.isAxiosError(err) ? err.response?.status : undefined;
      try {
        if (status !== 400 && status !== 401) throw err;
        body = await postClientCredentials(endpoint, 'post');
      } catch (retryErr) {
        // Our own client being refused is our problem, not the caller's: 503, never 401.
        throw new UnavailableError(`could not obtain a client token from ${issuer}`, {
          reason: describeFailure(retryErr),
        });
      }
    }
    const parsed = TokenResponseSchema.safeParse(body);
    if (!parsed.success) {
      throw new UnavailableError(`could not obtain a client token from ${issuer}`, {
        reason: 'invalid token response',
      });
    }
    const lifetimeMs = parsed.data.expires_in === undefined ? DEFAULT_LIFETIME_MS : parsed.data.expires_in * 1000;
    tokens.set(issuer, {
      token: parsed.data.access_token,
      renewAt: now() + Math.max(lifetimeMs - RENEW_MARGIN_MS, lifetimeMs / 2),
    });
    return parsed.data.access_token;
  }

  return {
    async tokenFor(issuer) {
      if (!issuers.has(issuer)) {
        throw new BadRequestError(`${issuer} is not a trusted issuer`, { issuer });
      }
      const cached = tokens.get(issuer);
      if (cached && cached.renewAt > now()) return cached.token;
      let request = pending.get(issuer);
      if (!request) {
        request = requestToken(issuer).finally(() => pending.delete(issuer));
        pending.set(issuer, request);
      }
      return request;
    },
    forget(issuer, token) {
      if (tokens.get(issuer)?.token === token) tokens.delete(issuer);
    },
  };
}
