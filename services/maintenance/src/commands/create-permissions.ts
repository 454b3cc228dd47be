import {
  checkNewDocument,
  lockingAuthorizer,
  newDocumentLookup,
  prepareDocumentBody,
  withCreationMetadata,
  type Authorizer,
  type RequestCaller,
} from '@permissions/authorizer';
import {
  ROOT_SUBJECT,
  type DocumentLookup,
  type PermissionsDocument,
  ForbiddenError,
  UnauthorizedError,
} from '@permissions/model';
import { appended } from '@permissions/store';
import type { CommandContext, Requester } from './context';

const CREATE = { property: 'az-permissions', action: 'create' } as const;

export interface CreatePermissionsResult {
  document: PermissionsDocument;
  seq: number;
  /** The subject and its ancestors at creation time (reference §7.1 step 8). */
  scopes: string[];
}

/**
 * `POST /az-permissions` (reference §7.1), with every validation error stopping the request (B25). The right to
 * create and the checks on the parents are decided again inside the write, on locked rows (CONTRACT §4.8): a parent
 * deleted or a grant revoked meanwhile refuses the create instead of leaving a child that names a missing parent.
 * The first decision, before the body is read, keeps the original's order of answers (401/403 before 400).
 */
export function createCreatePermissions(ctx: CommandContext) {
  return {
    async execute(input: { body: unknown; requester: Requester }): Promise<CreatePermissionsResult> {
      const { requester } = input;
      const acting = requester.user ?? requester.client;
      await authorizeCreation(ctx.authorizer, requester);
      const prepared = await prepareDocumentBody(ctx.normaliser, input.body, { actor: acting });
      const written = await ctx.store.write(async (tx) => {
        const authorizer = lockingAuthorizer(tx, 'maintenance');
        const caller = await authorizer.callerOf(acting);
        const client =
          requester.client === null || requester.client === acting
            ? caller
            : await authorizer.callerOf(requester.client);
        const lookup = await newDocumentLookup(authorizer, prepared, ctx.authority);
        mayCreate(authorizer, lookup, requester, client);
        const { scopes, namespace } = await checkNewDocument(tx, authorizer, lookup, prepared, caller, {
          authority: ctx.authority,
        });
        const document = withCreationMetadata(prepared, acting, ctx.now(), namespace);
        const incarnation = await tx.createDocument(document);
        // The database stamps the document's identity (its create's seq) into _metadata; answer what it stored.
        const metadata = { ...document._metadata, sharedWith: document._metadata?.sharedWith ?? [], incarnation };
        return { document: { ...document, _metadata: metadata }, scopes };
      });
      const { result, seq } = appended(written);
      return { ...result, seq };
    },
  };
}

/**
 * `az-permissions.create` on `/`: evaluated for the trusted client when `X-Client-Authorization` is present (its
 * refusal is a 403), otherwise for the user (a refusal is the original's 401 asking for a client).
 */
async function authorizeCreation(authorizer: Authorizer, requester: Requester): Promise<void> {
  const caller = await authorizer.callerOf(requester.client ?? requester.user);
  mayCreate(authorizer, await authorizer.lookup([ROOT_SUBJECT]), requester, caller);
}

/** The decision of `authorizeCreation` on `lookup`, which holds `/`, for `caller` (the client, or else the user). */
function mayCreate(authorizer: Authorizer, lookup: DocumentLookup, requester: Requester, caller: RequestCaller): void {
  if (authorizer.decide(lookup, ROOT_SUBJECT, CREATE, caller).allowed === true) return;
  if (requester.client !== null) {
    throw new ForbiddenError(`client ${requester.client} may not create permissions documents`);
  }
  throw new UnauthorizedError('must provide x-client-authorization header to create permissions', {
    user: requester.user,
  });
}
