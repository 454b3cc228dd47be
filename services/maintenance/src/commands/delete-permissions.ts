import { ConflictError, NotFoundError } from '@permissions/model/src/errors';
import type { StoredDocument } from '@permissions/store';
import type { CommandContext, Requester } from './context';

export interface DeletePermissionsResult {
  deleted: StoredDocument;
  /** Heirs deleted with it when the caller asked to cascade. */
  cascaded: string[];
  seq: number;
}

/**
 * `DELETE /az-permissions?{subject}` (reference §7.4) with B15 fixed: a document that heirs still inherit from is
 * not deleted (409, naming them) unless the caller asks to cascade; then the document and every transitive heir
 * go in one transaction, and the caller must govern each of them.
 */
export function createDeletePermissions(ctx: CommandContext) {
  return {
    async execute(input: {
      subject: string;
      cascade: boolean;
      requester: Requester;
    }): Promise<DeletePermissionsResult> {
      const { subject } = input;
      const stored = await ctx.store.getDocument(subject);
      if (!stored) throw new NotFoundError('permissions not found for subject', { subject });
      const caller = await ctx.authorizer.callerOf(input.requester.user ?? input.requester.client);
      await ctx.authorizer.require(subject, { action: 'govern' }, caller);

      const heirs = await transitiveHeirs(ctx, subject);
      if (heirs.length > 0 && !input.cascade) {
        throw new ConflictError(
          `permissions for ${subject} are inherited by other documents; detach them first or delete with cascade`,
          { heirs },
        );
      }
      for (const heir of heirs) await ctx.authorizer.require(heir, { action: 'govern' }, caller);

      const { result, seq } = await ctx.store.write(async (tx) => {
        const deleted = await tx.deleteDocument(subject, stored.seq);
        for (const heir of heirs) await tx.deleteDocument(heir);
        return deleted.deleted;
      });
      return { deleted: result, cascaded: heirs, seq: seq as number };
    },
  };
}

/** Heirs at any depth, breadth first, each once (cycles cannot exist, but the walk would not loop anyway). */
async function transitiveHeirs(ctx: CommandContext, subject: string): Promise<string[]> {
  const found: string[] = [];
  const seen = new Set([subject]);
  let frontier = [subject];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const s of frontier) {
      for (const heir of await ctx.store.getHeirs(s)) {
        if (!seen.has(heir)) {
          seen.add(heir);
          found.push(heir);
          next.push(heir);
        }
      }
    }
    frontier = next;
  }
  return found;
}
