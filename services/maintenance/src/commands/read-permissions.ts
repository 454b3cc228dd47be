import { documentNotFound } from '@permissions/authorizer';
import type { StoredDocument } from '@permissions/store';
import type { CommandContext, Requester } from './context';

/**
 * `GET /az-permissions?{subject}`: the database first (404), then `_self.admin` (reference §7.2); a document the
 * caller may not know of is a 404 too, exactly as a missing one (CONTRACT §4.10).
 */
export function createReadPermissions(ctx: CommandContext) {
  return {
    async execute(input: { subject: string; requester: Requester }): Promise<StoredDocument> {
      const stored = await ctx.store.getDocument(input.subject);
      if (!stored) throw documentNotFound(input.subject);
      const caller = await ctx.authorizer.callerOf(input.requester.user ?? input.requester.client);
      await ctx.authorizer.requireVisible(input.subject, { action: 'admin' }, caller);
      return stored;
    },
  };
}
