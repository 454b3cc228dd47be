import {
  checkNewDocument,
  lockingAuthorizer,
  newDocumentLookup,
  prepareDocumentBody,
  withCreationMetadata,
} from '@permissions/authorizer';
import type { PermissionsDocument } from '@permissions/model';
import { appended } from '@permissions/store';
import type { CommandContext, Requester } from './context';
import { authorizeCreation, mayCreate } from './creation-right';

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
