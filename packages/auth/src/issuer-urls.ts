/**
 * Which URLs we are willing to talk to about identity. Issuers come only from configuration (W4); plain `http://`
 * is allowed for loopback hosts alone, so that a development identity provider works while a token or a key can
 * never travel unencrypted across a network.
 */

/** Thrown at configuration time: the service must not start with an issuer list it cannot use safely. */
export class IssuerConfigError extends Error {}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Whether `url` may carry tokens, keys or secrets: `https:`, or `http:` to a loopback host. No credentials in the
 * URL, no fragment (an issuer identifier must not have one, OIDC Discovery §3).
 */
export function isSafeIdentityUrl(url: URL): boolean {
  if (url.username !== '' || url.password !== '' || url.hash !== '') return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/**
 * Validates the configured issuer list and returns it de-duplicated. Issuers are kept exactly as written because a
 * token's `iss` must equal one of them character for character, and principals are built from that string.
 */
export function parseTrustedIssuers(issuers: readonly string[]): string[] {
  const trusted: string[] = [];
  for (const issuer of issuers) {
    let url: URL;
    try {
      url = new URL(issuer);
    } catch {
      throw new IssuerConfigError(`AUTH_ISSUERS: "${issuer}" is not a URL`);
    }
    if (!isSafeIdentityUrl(url) || url.search !== '') {
      throw new IssuerConfigError(
        `AUTH_ISSUERS: "${issuer}" is not allowed; issuers must be https:// URLs without query or fragment ` +
          '(http:// only on loopback: localhost, 127.0.0.0/8, [::1])',
      );
    }
    if (!trusted.includes(issuer)) trusted.push(issuer);
  }
  return trusted;
}

/** `{issuer}/.well-known/openid-configuration`, with a trailing slash of the issuer removed (OIDC Discovery §4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/** `{issuer}/{path}` for the issuer's own APIs (the ids API of reference §2.3). */
export function issuerApiUrl(issuer: string, path: string): string {
  return `${issuer.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
}

/** Issuers compare without trailing slashes: `https://idp.example.com/` and `https://idp.example.com` are one. */
export function issuerKey(issuer: string): string {
  return issuer.replace(/\/+$/, '');
}

/** The configured issuer a string names (modulo a trailing slash), or undefined when it names none. */
export function findTrustedIssuer(trusted: readonly string[], candidate: string): string | undefined {
  const key = issuerKey(candidate);
  return trusted.find((issuer) => issuerKey(issuer) === key);
}
