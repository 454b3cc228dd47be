import { ForbiddenError, UnauthorizedError } from '@permissions/model';
import type { CallerIdentity } from '@permissions/http-kit';
import { then, type MaybePromise } from '../slices';

export type AskerRule = 'self-or-delegated' | 'self-or-nobody';

/**
 * Who may ask about whom (reference §5.2). `self-or-delegated` (allowed-actions, is-allowed, inherit-from): `user`
 * must be the token's user, or a trusted client in `X-Client-Authorization` that may read `az-permissions` of `/`
 * asks on the user's behalf. `self-or-nobody` (are-any): `user` may be left out (a question about "no user") or
 * must be the token's user. Returns the principal the question is about (synchronously unless a client's right must
 * be computed). A client asking on a user's behalf is answered as that user would be, scopes included: it learns
 * what the user may know, no more.
 */
export function principalAskedAbout(
  rule: AskerRule,
  user: string | undefined,
  identity: CallerIdentity,
  clientMayReadPermissions: (client: string) => MaybePromise<boolean>,
): MaybePromise<string | null> {
  const tokenUser = identity.user?.principal ?? null;
  if (user !== undefined && user === tokenUser) return user;
  if (rule === 'self-or-nobody') {
    if (user === undefined) return null;
    throw mismatch(user, tokenUser);
  }
  if (user !== undefined && identity.client !== null) {
    const client = identity.client.principal;
    return then(clientMayReadPermissions(client), (may) => {
      if (may) return user;
      throw new UnauthorizedError(
        'client in x-client-authorization token does not have permission to read permissions',
        { client },
      );
    });
  }
  if (identity.user === null) throw new UnauthorizedError('must provide valid Bearer token');
  throw mismatch(user, tokenUser);
}

function mismatch(user: string | undefined, tokenUser: string | null): Error {
  return new ForbiddenError('user must be provided in querystring and must match user in token', {
    querystringUser: user ?? null,
    tokenUser,
  });
}
