import { UnauthorizedError } from '@permissions/model';
import { rejectToken } from './token-rejection';
import type { TokenVerifier, VerifiedToken } from './token-verifier';

export interface AuthHeaders {
  authorization?: string;
  'x-client-authorization'?: string;
}

export interface Authenticated {
  user: VerifiedToken | null;
  client: VerifiedToken | null;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The caller's identity from `Authorization` and `X-Client-Authorization` (reference §2.1):
 * - `Authorization: Bearer` is required, unless it is absent and a valid `X-Client-Authorization` is present, in which
 *   case the request runs for that client with no user;
 * - an invalid `Authorization` is never rescued by a valid client header;
 * - an `X-Client-Authorization` that is present must be valid.
 * Failures are UnauthorizedError (401); an issuer that cannot be reached is UnavailableError (503).
 */
export async function authenticate(headers: AuthHeaders, verifier: TokenVerifier): Promise<Authenticated> {
  const userHeader = headers.authorization;
  const clientHeader = headers['x-client-authorization'];
  if (userHeader === undefined && clientHeader === undefined) throw rejectToken('missing');

  const [user, client] = await Promise.allSettled([
    userHeader === undefined ? null : verifyHeader(userHeader, 'authorization', verifier),
    clientHeader === undefined ? null : verifyHeader(clientHeader, 'x-client-authorization', verifier),
  ]);
  // Both are checked at once; when both fail, the user's header is reported, whatever finished first.
  if (user.status === 'rejected') throw user.reason;
  if (client.status === 'rejected') throw client.reason;
  return { user: user.value, client: client.value };
}

async function verifyHeader(value: string, header: keyof AuthHeaders, verifier: TokenVerifier) {
  const match = BEARER.exec(value);
  if (!match) throw rejectToken('malformed', { header });
  try {
    return await verifier.verify(match[1]);
  } catch (err) {
    // Say which header failed, so a client sending both knows which token to renew.
    if (err instanceof UnauthorizedError) throw new UnauthorizedError(err.message, { ...err.details, header });
    throw err;
  }
}

/**
 * The synchronous path of `authenticate`: the identity when every token the request carries was verified before and
 * has not expired; undefined otherwise (then call `authenticate`, which decides, errors included).
 */
export function authenticatedFromCache(headers: AuthHeaders, verifier: TokenVerifier): Authenticated | undefined {
  const userHeader = headers.authorization;
  const clientHeader = headers['x-client-authorization'];
  if (userHeader === undefined && clientHeader === undefined) return undefined;
  let user: VerifiedToken | null = null;
  if (userHeader !== undefined) {
    const found = peekHeader(userHeader, verifier);
    if (found === undefined) return undefined;
    user = found;
  }
  let client: VerifiedToken | null = null;
  if (clientHeader !== undefined) {
    const found = peekHeader(clientHeader, verifier);
    if (found === undefined) return undefined;
    client = found;
  }
  return { user, client };
}

/** A verified token from a `Bearer` header already checked; never verifies. Only verified tokens are found. */
function peekHeader(header: string, verifier: TokenVerifier): VerifiedToken | undefined {
  if (header.length < 8 || header.charCodeAt(6) !== 0x20) return undefined;
  if (!header.startsWith('Bearer') && header.slice(0, 6).toLowerCase() !== 'bearer') return undefined;
  return verifier.peek(header.charCodeAt(header.length - 1) === 0x20 ? header.slice(7).trim() : header.slice(7));
}
