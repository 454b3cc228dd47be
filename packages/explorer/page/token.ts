/** Who a pasted token says it is: read from its payload, as the services will (they verify it; the page cannot). */
export interface Session {
  token: string;
  /** `{iss}#{sub}` (or `{iss}#{client_id}` for a client token), the principal the services will see. */
  principal: string;
  issuer: string;
  /** A readable name when the token carries one (`user_name`, `email`). */
  name: string | null;
  /** Seconds since the epoch. */
  expiresAt: number | null;
}

export class TokenError extends Error {}

/** Reads a bearer token (a JWT); a leading `Bearer ` is tolerated. Throws a TokenError saying what is wrong. */
export function readToken(pasted: string): Session {
  const token = pasted.trim().replace(/^Bearer\s+/i, '');
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) {
    throw new TokenError('this is not a JWT: a token has three base64url parts separated by dots');
  }
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(decodeBase64Url(parts[1])) as Record<string, unknown>;
  } catch {
    throw new TokenError('the token payload is not JSON');
  }
  const text = (claim: string) =>
    typeof payload[claim] === 'string' && payload[claim] !== '' ? (payload[claim] as string) : null;
  const issuer = text('iss');
  const id = text('sub') ?? text('client_id');
  if (issuer === null) throw new TokenError('the token has no issuer (iss)');
  if (id === null) throw new TokenError('the token has neither sub nor client_id');
  const exp = typeof payload.exp === 'number' ? payload.exp : null;
  return { token, principal: `${issuer}#${id}`, issuer, name: text('user_name') ?? text('email'), expiresAt: exp };
}

export function isExpired(session: Session, nowMs: number): boolean {
  return session.expiresAt !== null && session.expiresAt * 1000 <= nowMs;
}

function decodeBase64Url(value: string): string {
  const base64 = value
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(value.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
