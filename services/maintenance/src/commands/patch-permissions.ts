import {
  assertDocumentSize,
  buildMetadata,
  isPlainObject,
  principalsToNormalise,
  validateDocument,
  type PermissionsDocument,
  BadRequestError,
  NotFoundError,
} from '@permissions/model';
import { applyPatchBody, assertIfMatch } from '@permissions/http-kit';
import {
  checkDocumentChange,
  lockingAuthorizer,
  documentNormalisation,
  type Authorizer,
  type RequestCaller,
} from '@permissions/authorizer';
import { appended, type StoredDocument, type StoreTx, type WriteResult } from '@permissions/store';
import type { CommandContext, Requester } from './context';
import { previewChange, type PatchPreview } from './patch-preview';

export interface PatchPermissionsInput {
  subject: string;
  contentType: string | undefined;
  ifMatch: string | undefined;
  patch: unknown;
  requester: Requester;
}

const GOVERN = { action: 'govern' } as const;

/**
 * `PATCH /az-permissions?{subject}` in the original's observable order (reference §7.3): read (404), `govern`
 * (403), apply the patch (400, so a bad content type wins over a missing If-Match), If-Match (412), then
 * validation and the inheritance rules. Fixes: `_subject` is immutable (W7), unchanged parents are not re-checked
 * (B21), creator/created survive (B11).
 *
 * Every step that depends on stored data is taken inside the write, on the document locked for update and its chain
 * locked for share (CONTRACT §4.8): the If-Match is compared with the version the update replaces, so it is never
 * lost, and no concurrent change (a revoked grant, a parent deleted, the other half of a cycle) slips between the
 * checks and the commit. The first pass, before the transaction, asks the issuers about e-mail principals (never
 * while holding locks) and answers early; the second applies the same patch to the locked version.
 */
export function createPatchPermissions(ctx: CommandContext) {
  return {
    async execute(input: PatchPermissionsInput): Promise<{ document: PermissionsDocument; seq: number }> {
      const written = await patchWrite(input, async (tx, document, stored) => {
        await tx.updateDocument(document, stored.seq);
        return document;
      });
      const { result, seq } = appended(written);
      return { document: result, seq };
    },

    /**
     * `PATCH …&dryRun=true`: every step of `execute`, with the same answers for the same mistakes (404, 403, 400,
     * 412, 429), on the same locked rows; then, instead of the update, who would gain or lose what
     * (`previewChange`). Nothing is written: no event, no sequence number taken.
     */
    async preview(
      input: PatchPermissionsInput,
    ): Promise<{ preview: { document: PermissionsDocument } & PatchPreview; seq: number }> {
      const written = await patchWrite(input, async (tx, document, stored, authorizer, caller) => ({
        preview: { document, ...(await previewChange(tx, authorizer, caller, document)) },
        // The version previewed: a PATCH sent with it as If-Match makes exactly this change, or is refused (412).
        seq: stored.seq,
      }));
      return written.result;
    },
  };

  async function patchWrite<T>(
    input: PatchPermissionsInput,
    finish: (
      tx: StoreTx,
      document: PermissionsDocument,
      stored: StoredDocument,
      authorizer: Authorizer,
      caller: RequestCaller,
    ) => Promise<T>,
  ): Promise<WriteResult<T>> {
    const { subject, requester } = input;
    const acting = requester.user ?? requester.client;

    const first = await patchedVersion(ctx.authorizer, () => ctx.store.getDocument(subject), input);
    const normalise = await documentNormalisation(ctx.normaliser, first.document, {
      actor: acting,
      verified: principalsToNormalise(first.stored.document),
    });

    return ctx.store.write(async (tx) => {
      const authorizer = lockingAuthorizer(tx, 'maintenance');
      const {
        stored,
        document: patched,
        caller,
      } = await patchedVersion(authorizer, () => tx.getDocumentForUpdate(subject), input);
      const document = normalise(patched);
      await checkDocumentChange(tx, authorizer, stored.document, document, caller, ctx.authority);
      const metadata = buildMetadata(document, stored.document._metadata, {
        principal: acting,
        now: ctx.now(),
        isCreate: false,
      });
      return finish(tx, { ...document, _metadata: metadata }, stored, authorizer, caller);
    });
  }

  /**
   * Steps 1–4 and validation, on the document `load` reads: plainly before the write, locked for update inside it.
   * The caller's teams are read (and inside the write, locked) before the document: teams before documents, as
   * every writer locks them.
   */
  async function patchedVersion(
    authorizer: Authorizer,
    load: () => Promise<StoredDocument | null>,
    input: PatchPermissionsInput,
  ): Promise<{ stored: StoredDocument; document: PermissionsDocument; caller: RequestCaller }> {
    const { subject, requester } = input;
    const caller = await authorizer.callerOf(requester.user ?? requester.client);
    const stored = await load();
    if (!stored) throw new NotFoundError('permissions not found for subject', { subject });
    await authorizer.requireVisible(subject, GOVERN, caller);

    const current: Record<string, unknown> = { ...stored.document };
    delete current._metadata;
    const patched: unknown = applyPatchBody(input.contentType, current, input.patch);

    assertIfMatch(input.ifMatch, stored.seq);

    // A JSON patch may replace the whole document (path ""), even by null or a number.
    if (!isPlainObject(patched)) throw new BadRequestError('the patched permissions document must be a JSON object');
    if (patched._subject !== subject) {
      throw new BadRequestError(`_subject may not be changed (it is ${subject})`);
    }
    const document = validateDocument(patched);
    assertDocumentSize(document, `permissions for ${subject}`);
    return { stored, document, caller };
  }
}
