import { prepareNewDocument } from '@permissions/authorizer';
import { type PermissionsDocument, ForbiddenError, UnauthorizedError } from '@permissions/model';
import type { CommandContext, Requester } from './context';

export interface CreatePermissionsResult {
  document: PermissionsDocument;
  seq: number;
  /** The subject and its ancestors at creation time (reference §7.1 step 8). */
  scopes: string[];
}

/** `POST /az-permissions` (reference §7.1), with every validation error stopping the request (B25). */
export function createCreatePermissions(ctx: CommandContext) {
  return {
    async execute(input: { body: unknown; requester: Requester }): Promise<CreatePermissionsResult> {
      const { requester } = input;
      await authorizeCreation(ctx, requester);
      const { document, scopes } = await prepareNewDocument(ctx, input.body, requester.user ?? requester.client);
      const { result: incarnation } = await ctx.store.write((tx) => tx.createDocument(document));
      // The database stamps the document's identity (its create's seq) into _metadata; answer what it stored.
      const stored = {
        ...document,
        _metadata: { ...document._metadata, sharedWith: document._metadata?.sharedWith ?? [], incarnation },
      };
      return { document: stored, seq: incarnation, scopes };
    },
  };
}

/**
 * `az-permissions.create` on `/`: evaluated for the trusted client when `X-Client-Authorization` is present (its
 * refusal is a 403), otherwise for the user (a refusal is the original's 401 asking for a client).
 */
async function authorizeCreation(ctx: CommandContext, requester: Requester): Promise<void> {
  const query = { property: 'az-permissions', action: 'create' };
  const caller = await ctx.authorizer.callerOf(requester.client ?? requester.user);
  const lookup = await ctx.authorizer.lookup(['/']);
  if (ctx.authorizer.decide(lookup, '/', query, caller).allowed === true) return;
  if (requester.client !== null) {
    throw new ForbiddenError(`client ${requester.client} may not create permissions documents`);
  }
  throw new UnauthorizedError('must provide x-client-authorization header to create permissions', {
    user: requester.user,
  });
}
