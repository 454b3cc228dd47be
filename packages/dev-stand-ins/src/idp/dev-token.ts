import { decodeProtectedHeader } from 'jose';
import { devIdentityPath, readDevIdentity } from './dev-identity-file';
import { DEFAULT_USERS, type DevUser } from './fixtures';
import { TOKEN_PATH } from './oauth-routes';

/** Why no token could be given; `message` says what to do, for a person at a terminal. */
export type DevTokenProblem = 'unknown-user' | 'not-initialised' | 'not-running' | 'other-provider';

export class DevTokenError extends Error {
  constructor(
    message: string,
    readonly problem: DevTokenProblem,
  ) {
    super(message);
  }
}

export interface DevTokenRequest {
  /** The data directory of the running `pnpm start` (where `dev-idp.json` is kept). */
  dataDir: string;
  username: string;
  users?: readonly DevUser[];
  /** How long to wait for the identity provider. Default 5 s. */
  timeoutMs?: number;
}

/**
 * A token of the running development identity provider for a development user, asked of the provider itself
 * (password grant) at the issuer kept in the data directory, so it is exactly what `pnpm start` trusts. Refuses with
 * a `DevTokenError` when the identity was never created, the provider is not running, or the provider on that port
 * is not this data directory's (its keys differ).
 */
export async function requestDevToken(request: DevTokenRequest): Promise<string> {
  const users = request.users ?? DEFAULT_USERS;
  const user = users.find((u) => u.username === request.username);
  if (!user) {
    throw new DevTokenError(
      `no development user named "${request.username}": the users are ${users.map((u) => u.username).join(', ')}`,
      'unknown-user',
    );
  }
  const identity = await readDevIdentity(request.dataDir);
  if (!identity) {
    throw new DevTokenError(
      `no development identity in ${request.dataDir} (${devIdentityPath(request.dataDir)} is missing): start the ` +
        'services first with `pnpm start`, which creates it, or set DATA_DIR to the data directory it runs with',
      'not-initialised',
    );
  }
  let answer: Response;
  try {
    answer = await fetch(`${identity.issuer}${TOKEN_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: user.username, password: user.password }),
      signal: AbortSignal.timeout(request.timeoutMs ?? 5000),
    });
  } catch {
    throw new DevTokenError(
      `the development identity provider ${identity.issuer} is not running: start the services with \`pnpm start\` ` +
        '(or `pnpm start:split`) and ask again',
      'not-running',
    );
  }
  const body = (await answer.json().catch(() => ({}))) as { access_token?: unknown };
  const token = typeof body.access_token === 'string' ? body.access_token : undefined;
  const kid = token === undefined ? undefined : safeKid(token);
  if (!answer.ok || token === undefined || !identity.signingKeys.some((k) => k.kid === kid)) {
    throw new DevTokenError(
      `what answers at ${identity.issuer} is not the development identity provider of ${request.dataDir} ` +
        `(HTTP ${answer.status}${token === undefined ? ', no token' : ', a token signed with other keys'}): is ` +
        'another checkout, or another DATA_DIR, running `pnpm start` on that port?',
      'other-provider',
    );
  }
  return token;
}

function safeKid(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).kid;
  } catch {
    return undefined;
  }
}
