import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type JWTPayload,
  type KeyLike,
} from 'jose';
import { LRUCache } from 'lru-cache';
import { UnavailableError } from '@permissions/model';
import { createIssuerDiscovery, type IssuerDiscovery } from './issuer-discovery';
import { findTrustedIssuer, parseTrustedIssuers } from './issuer-urls';
import { rejectToken, rejectionFor } from './token-rejection';

/** Who a verified token speaks for. */
export interface VerifiedToken {
  /** `{iss}#{sub}`, or `{iss}#{client_id}` for a client-credentials token (reference §2.2). */
  principal: string;
  issuer: string;
  subject: string | null;
  clientId: string | null;
  email?: string;
  /** `exp`, in seconds since the epoch. */
  expiresAt: number;
}

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
  /** The token's verification if it was verified before and has not expired; never verifies (the hot path). */
  peek(token: string): VerifiedToken | undefined;
  /** The verified-token cache, for /metrics. */
  stats(): { entries: number; bytes: number; maxBytes: number; hits: number; misses: number };
}

export interface TokenVerifierOptions {
  /** The trusted issuers (AUTH_ISSUERS). Tokens naming any other issuer are rejected without a network request. */
  issuers: readonly string[];
  /** When set, a token's `aud` must contain it (AUTH_AUDIENCE). */
  audience?: string;
  clockToleranceSeconds?: number;
  /** Timeout of each discovery and JWKS request. */
  fetchTimeoutMs?: number;
  /** Bounds of the verified-token cache: entries, and bytes (tokens included). */
  cacheMaxEntries?: number;
  cacheMaxBytes?: number;
  /**
   * Minimum time between two JWKS reloads caused by an unknown `kid`. It keeps tokens with made-up key ids from
   * turning into one request to the issuer each; a real rotation is picked up once it has passed.
   */
  jwksCooldownMs?: number;
  /** JWKS older than this is reloaded before use even when the `kid` is known. */
  jwksMaxAgeMs?: number;
  /** Share one discovery cache with the client-credentials module. */
  discovery?: IssuerDiscovery;
  /** Clock in milliseconds; injectable so tests can move past a token's expiry without waiting. */
  now?: () => number;
}

export const ALLOWED_ALGORITHMS = ['RS256', 'ES256'];
/** Far beyond any real bearer token; refuses absurd inputs before parsing them. */
const MAX_TOKEN_LENGTH = 16 * 1024;

type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<KeyLike>;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const issuers = parseTrustedIssuers(options.issuers);
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 5000;
  const discovery = options.discovery ?? createIssuerDiscovery({ fetchTimeoutMs });
  const now = options.now ?? Date.now;
  const keyResolvers = new Map<string, KeyResolver>();
  // Verified tokens are reused until they expire so the hot path does not check a signature per request. Tokens
  // may be up to 16 KiB: the bound counts them (and the expired are purged as they are met or evicted).
  const maxBytes = options.cacheMaxBytes ?? 16 * 1024 * 1024;
  const verified = new LRUCache<string, VerifiedToken>({
    max: options.cacheMaxEntries ?? 10_000,
    maxSize: maxBytes,
    sizeCalculation: (value, token) =>
      64 + token.length + value.principal.length + value.issuer.length + (value.subject?.length ?? 0),
  });
  let hits = 0;
  let misses = 0;
  // The few tokens asking most recently, compared by value: cheaper on the hot path than hashing a 1 KB token
  // into the LRU on every request. Only verified tokens get here; their expiry is checked on every use.
  const recent: Array<{ token: string; verified: VerifiedToken }> = [];
  const RECENT = 8;

  /** One JWKS per configured issuer, created on first use from the issuer's discovery document. */
  function keysOf(issuer: string): KeyResolver {
    let resolver = keyResolvers.get(issuer);
    if (!resolver) {
      let jwks: ReturnType<typeof createRemoteJWKSet> | null = null;
      resolver = async (header, token) => {
        try {
          if (!jwks) {
            const metadata = await discovery.metadata(issuer);
            jwks ??= createRemoteJWKSet(metadata.jwksUri, {
              timeoutDuration: fetchTimeoutMs,
              cooldownDuration: options.jwksCooldownMs ?? 30_000,
              cacheMaxAge: options.jwksMaxAgeMs ?? 600_000,
            });
          }
          return await jwks(header, token);
        } catch (err) {
          // A key the issuer does not publish is the token's fault; anything else means we could not ask.
          if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
          if (err instanceof UnavailableError) throw err;
          throw new UnavailableError(`identity provider ${issuer} is unavailable`, {
            reason: err instanceof Error ? `keys: ${err.message}` : 'keys could not be fetched',
          });
        }
      };
      keyResolvers.set(issuer, resolver);
    }
    return resolver;
  }

  async function verifyUncached(token: string): Promise<VerifiedToken> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw rejectToken('malformed');
    let unverified: JWTPayload;
    try {
      decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch {
      throw rejectToken('malformed');
    }
    // The unverified `iss` only selects among configured issuers; nothing is fetched for any other (W4).
    // A trailing slash does not make another issuer (AUTH_ISSUERS may be written with or without it); the token's
    // own `iss` is what it is verified against, the configured spelling what its principal is built from (one
    // issuer, one spelling, in tokens and in documents alike).
    const issuer = unverified.iss;
    const trusted = typeof issuer === 'string' ? findTrustedIssuer(issuers, issuer) : undefined;
    if (typeof issuer !== 'string' || trusted === undefined) throw rejectToken('unknown issuer');

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keysOf(trusted), {
        algorithms: ALLOWED_ALGORITHMS,
        issuer,
        audience: options.audience,
        clockTolerance: options.clockToleranceSeconds ?? 0,
        // Without `exp` a token would be valid (and cached) forever.
        requiredClaims: ['exp'],
        currentDate: new Date(now()),
      }));
    } catch (err) {
      if (err instanceof UnavailableError) throw err;
      throw rejectionFor(err) ?? err;
    }
    // The principal is built with the configured spelling of the issuer, as principals in documents are written.
    return Object.freeze(toVerifiedToken(trusted, payload));
  }

  return {
    peek(token) {
      for (const slot of recent) {
        if (slot.token === token) {
          if (slot.verified.expiresAt * 1000 <= now()) break;
          hits++;
          return slot.verified;
        }
      }
      const cached = verified.get(token);
      if (cached === undefined || cached.expiresAt * 1000 <= now()) return undefined;
      hits++;
      if (recent.length >= RECENT) recent.shift();
      recent.push({ token, verified: cached });
      return cached;
    },
    async verify(token) {
      const cached = verified.get(token);
      if (cached) {
        if (cached.expiresAt * 1000 > now()) {
          hits++;
          return cached;
        }
        verified.delete(token);
      }
      misses++;
      const result = await verifyUncached(token);
      const ttl = result.expiresAt * 1000 - now();
      // A token accepted only thanks to clock tolerance is not cached: it must be re-checked every time.
      if (ttl > 0) verified.set(token, result, { ttl });
      return result;
    },
    stats: () => ({ entries: verified.size, bytes: verified.calculatedSize, maxBytes, hits, misses }),
  };
}

function toVerifiedToken(issuer: string, payload: JWTPayload): VerifiedToken {
  const subject = nonEmptyString(payload.sub);
  const clientId = nonEmptyString(payload['client_id']);
  const id = subject ?? clientId;
  if (id === null) throw rejectToken('no subject');
  if (typeof payload.exp !== 'number') throw rejectToken('invalid claims', { claim: 'exp' });
  const result: VerifiedToken = {
    principal: `${issuer}#${id}`,
    issuer,
    subject,
    clientId,
    expiresAt: payload.exp,
  };
  const email = nonEmptyString(payload['email']);
  if (email !== null) result.email = email;
  return result;
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
