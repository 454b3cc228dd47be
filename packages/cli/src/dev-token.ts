import { DEFAULT_IDP_PORT, DEFAULT_USERS } from '@permissions/dev-stand-ins/idp';
import { UsageError } from './exit-codes';

/**
 * A token of the development identity provider that `pnpm start` runs, for one of its users (password grant; the
 * passwords of the development users are their names). The issuer is `--issuer`, else DEV_IDP_ISSUER, else the
 * provider's default port on this machine.
 */
export async function devToken(username: string, issuer: string): Promise<string> {
  const user = DEFAULT_USERS.find((u) => u.username === username);
  if (!user) {
    throw new UsageError(
      `no development user named "${username}": the users are ${DEFAULT_USERS.map((u) => u.username).join(', ')}`,
    );
  }
  let res: Response;
  try {
    res = await fetch(`${issuer.replace(/\/+$/, '')}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: user.username, password: user.password }),
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    throw new Error(
      `the development identity provider ${issuer} does not answer: start the services with \`pnpm start\``,
    );
  }
  const body = (await res.json().catch(() => ({}))) as { access_token?: unknown };
  if (!res.ok || typeof body.access_token !== 'string') {
    throw new Error(`${issuer} gave no token for ${username} (HTTP ${res.status})`);
  }
  return body.access_token;
}

export function defaultIssuer(env: NodeJS.ProcessEnv): string {
  return env.DEV_IDP_ISSUER ?? `http://127.0.0.1:${env.DEV_IDP_PORT ?? DEFAULT_IDP_PORT}`;
}
