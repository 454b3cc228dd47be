import {
  assertDocumentSize,
  buildMetadata,
  checkInheritanceChange,
  isPlainObject,
  parentsOf,
  validateDocument,
  type PermissionsDocument,
  BadRequestError,
  NotFoundError,
} from '@permissions/model';
import { applyPatchBody, assertIfMatch } from '@permissions/http-kit';
import type { CommandContext, Requester } from './context';
import { assertParentsKeepPlacement, normaliseDocument } from '@permissions/authorizer';

export interface PatchPermissionsInput {
  subject: string;
  contentType: string | undefined;
  ifMatch: string | undefined;
  patch: unknown;
  requester: Requester;
}

/**
 * `PATCH /az-permissions?{subject}` in the original's observable order (reference §7.3): read (404), `govern`
 * (403), apply the patch (400, so a bad content type wins over a missing If-Match), If-Match (412), then
 * validation and the inheritance rules. Fixes: `_subject` is immutable (W7), unchanged parents are not re-checked
 * (B21), creator/created survive (B11), a lost race is a 412 (B17).
 */
export function createPatchPermissions(ctx: CommandContext) {
  return {
    async execute(input: PatchPermissionsInput): Promise<{ document: PermissionsDocument; seq: number }> {
      const { subject, requester } = input;
      const stored = await ctx.store.getDocument(subject);
      if (!stored) throw new NotFoundError('permissions not found for subject', { subject });
      const acting = requester.user ?? requester.client;
      const caller = await ctx.authorizer.callerOf(acting);
      await ctx.authorizer.require(subject, { action: 'govern' }, caller);

      const { _metadata: previousMetadata, ...current } = stored.document;
      const patched: unknown = applyPatchBody(input.contentType, current, input.patch);

      assertIfMatch(input.ifMatch, stored.seq);

      // A JSON patch may replace the whole document (path ""), even by null or a number.
      if (!isPlainObject(patched)) throw new BadRequestError('the patched permissions document must be a JSON object');
      if (patched._subject !== subject) {
        throw new BadRequestError(`_subject may not be changed (it is ${subject})`);
      }
      let document = validateDocument(patched);
      assertDocumentSize(document, `permissions for ${subject}`);
      document = await normaliseDocument(ctx.normaliser, document);

      const oldParents = parentsOf(stored.document);
      const newParents = parentsOf(document);
      if (!sameSet(oldParents, newParents)) {
        const lookup = await ctx.authorizer.lookup([subject, ...oldParents, ...newParents]);
        const change = checkInheritanceChange(lookup, { subject, currentParents: oldParents, newParents }, caller);
        if (!change.allowed) {
          throw new BadRequestError('may not inherit from specified resources', { reason: change.reason });
        }
        await assertParentsKeepPlacement(ctx, subject, newParents);
      }

      document = {
        ...document,
        _metadata: buildMetadata(document, previousMetadata, { principal: acting, now: ctx.now(), isCreate: false }),
      };
      const { seq } = await ctx.store.write((tx) => tx.updateDocument(document, stored.seq));
      return { document, seq: seq as number };
    },
  };
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
