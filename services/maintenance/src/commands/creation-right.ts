import type { Authorizer, RequestCaller } from '@permissions/authorizer';
import {
  ForbiddenError,
  ROOT_SUBJECT,
  UnauthorizedError,
  type DocumentLookup,
  type Requester,
} from '@permissions/model';

const CREATE = { property: 'az-permissions', action: 'create' } as const;

/**
 * `az-permissions.create` on `/`: evaluated for the trusted client when `X-Client-Authorization` is present (its
 * refusal is a 403), otherwise for the user (a refusal is the original's 401 asking for a client). Decided before
 * the body is read, so that 401/403 come before 400 as in the original; writers decide it again inside the write.
 */
export async function authorizeCreation(authorizer: Authorizer, requester: Requester): Promise<void> {
  const caller = await authorizer.callerOf(requester.client ?? requester.user);
  mayCreate(authorizer, await authorizer.lookup([ROOT_SUBJECT]), requester, caller);
}

/** The decision of `authorizeCreation` on `lookup`, which holds `/`, for `caller` (the client, or else the user). */
export function mayCreate(
  authorizer: Authorizer,
  lookup: DocumentLookup,
  requester: Requester,
  caller: RequestCaller,
): void {
  if (authorizer.decide(lookup, ROOT_SUBJECT, CREATE, caller).allowed === true) return;
  if (requester.client !== null) {
    throw new ForbiddenError(`client ${requester.client} may not create permissions documents`);
  }
  throw new UnauthorizedError('must provide x-client-authorization header to create permissions', {
    user: requester.user,
  });
}
