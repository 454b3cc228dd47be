/**
 * The principal `{iss}#{sub}` a bearer token stands for, read from its payload without verifying it: only to ask
 * the services what is shared with the caller, who verify the token themselves. `undefined` for anything else.
 */
export function principalOfToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; sub?: unknown };
    return typeof claims.iss === 'string' && typeof claims.sub === 'string' ? `${claims.iss}#${claims.sub}` : undefined;
  } catch {
    return undefined;
  }
}
