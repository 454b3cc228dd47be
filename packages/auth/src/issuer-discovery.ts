import axios from 'axios';
import { z } from 'zod';
import { UnavailableError } from '@permissions/model';
import { discoveryUrl, isSafeIdentityUrl, issuerKey } from './issuer-urls';

/** What we use from an issuer's OpenID Provider metadata. */
export interface IssuerMetadata {
  issuer: string;
  jwksUri: URL;
  /** Absent when the issuer publishes no token endpoint; client credentials then cannot be obtained from it. */
  tokenEndpoint: URL | null;
}

export interface IssuerDiscovery {
  /** The metadata of a configured issuer; callers must only pass issuers they were configured with. */
  metadata(issuer: string): Promise<IssuerMetadata>;
}

const MetadataSchema = z.object({
  issuer: z.string(),
  jwks_uri: z.string(),
  token_endpoint: z.string().optional(),
});

/** Bounded so that a misbehaving issuer cannot make us buffer an arbitrary body. */
const MAX_METADATA_BYTES = 256 * 1024;

/**
 * Fetches each issuer's discovery document lazily, once. A failure is not remembered, so the next request retries
 * (an issuer that was down at start-up must not stay unusable); concurrent callers share one fetch.
 */
export function createIssuerDiscovery(options: { fetchTimeoutMs: number }): IssuerDiscovery {
  const known = new Map<string, Promise<IssuerMetadata>>();
  return {
    metadata(issuer) {
      let pending = known.get(issuer);
      if (!pending) {
        pending = fetchMetadata(issuer, options.fetchTimeoutMs);
        known.set(issuer, pending);
        pending.catch(() => known.delete(issuer));
      }
      return pending;
    },
  };
}

async function fetchMetadata(issuer: string, timeoutMs: number): Promise<IssuerMetadata> {
  const url = discoveryUrl(issuer);
  let body: unknown;
  try {
    // No redirects: we only talk to URLs derived from configuration or published by the issuer itself.
    const response = await axios.get<unknown>(url, {
      timeout: timeoutMs,
      maxRedirects: 0,
      maxContentLength: MAX_METADATA_BYTES,
      headers: { accept: 'application/json' },
    });
    body = response.data;
  } catch (err) {
    throw new UnavailableError(`identity provider ${issuer} is unavailable`, { reason: describeFailure(err) });
  }
  const parsed = MetadataSchema.safeParse(body);
  if (!parsed.success) {
    throw new UnavailableError(`identity provider ${issuer} published invalid metadata`, {
      reason: 'discovery document lacks issuer or jwks_uri',
    });
  }
  // OIDC Discovery §4.3: the document must name the issuer we asked for, or it describes someone else.
  if (issuerKey(parsed.data.issuer) !== issuerKey(issuer)) {
    throw new UnavailableError(`identity provider ${issuer} published invalid metadata`, {
      reason: `discovery document names issuer ${parsed.data.issuer}`,
    });
  }
  return {
    issuer,
    jwksUri: safeUrl(issuer, 'jwks_uri', parsed.data.jwks_uri),
    tokenEndpoint:
      parsed.data.token_endpoint === undefined ? null : safeUrl(issuer, 'token_endpoint', parsed.data.token_endpoint),
  };
}

function safeUrl(issuer: string, field: string, value: string): URL {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (!url || !isSafeIdentityUrl(url)) {
    throw new UnavailableError(`identity provider ${issuer} published invalid metadata`, {
      reason: `${field} must be https (http only on loopback)`,
    });
  }
  return url;
}

/** A short, secret-free description of an HTTP failure (axios errors carry the request config, so never pass them on). */
export function describeFailure(err: unknown): string {
  if (axios.isAxiosError(err)) {
    if (err.response) return `HTTP ${err.response.status}`;
    if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') return 'timed out';
    return err.code ?? 'network error';
  }
  return err instanceof Error ? err.message : 'unknown error';
}
