import { NotFoundError } from '@permissions/model';
import type { StoredDocument } from '@permissions/store';
import type { CommandContext, Requester } from './context';

/** `GET /az-permissions?{subject}`: the database first (404), then `_self.admin` (reference §7.2). */
export function createReadPermissions(ctx: CommandContext) {
  return {
    async execute(input: { subject: string; requester: Requester }): Promise<StoredDocument> {
      const stored = await ctx.store.getDocument(input.subject);
      if (!stored) throw new NotFoundError('permissions not found for subject', { subject: input.subject });
      const caller = await ctx.authorizer.callerOf(input.requester.user ?? input.requester.client);
      await ctx.authorizer.require(input.subject, { action: 'admin' }, caller);
      return stored;
    },
  };
}
