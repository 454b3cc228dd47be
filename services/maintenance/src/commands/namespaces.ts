import { actionList, incarnationOf, ROOT_SUBJECT, SELF, BadRequestError } from '@permissions/model';
import type { CommandContext, Requester } from './context';

export interface NamespaceEntry {
  subject: string;
  incarnation: number | undefined;
  creator: string | undefined;
  governors: string[];
}

export const MAX_NAMESPACES_PAGE = 1000;

/**
 * `GET /az-namespaces[?limit=N][&cursor=C]`: the namespaces handed out under `/` (CONTRACT §4.8), in subject order,
 * with who created and who governs each, for the governors of `/` only. With `GET /az-roles?{namespace}` (teams)
 * they see which teams hold roles on each, and end a role (`DELETE /az-roles`) or a whole namespace (`DELETE
 * /az-permissions?{namespace}`).
 */
export function createNamespaceListing(ctx: CommandContext) {
  return {
    async execute(input: {
      limit: number;
      cursor: string | undefined;
      requester: Requester;
    }): Promise<{ namespaces: NamespaceEntry[]; next: string | null }> {
      const caller = await ctx.authorizer.callerOf(input.requester.user ?? input.requester.client);
      await ctx.authorizer.require(ROOT_SUBJECT, { action: 'govern' }, caller);
      const found = await ctx.store.getNamespaces(input.cursor ?? '', input.limit + 1);
      const page = found.slice(0, input.limit);
      return {
        namespaces: page.map(({ document }) => ({
          subject: document._subject,
          incarnation: incarnationOf(document),
          creator: document._metadata?.creator,
          governors: actionList(document, SELF, 'govern'),
        })),
        next: found.length > input.limit ? (page.at(-1)?.document._subject ?? null) : null,
      };
    },
  };
}

/** `limit`: 1 to MAX_NAMESPACES_PAGE, 100 when absent. */
export function pageLimit(value: unknown): number {
  if (value === undefined) return 100;
  const limit = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= MAX_NAMESPACES_PAGE)) {
    throw new BadRequestError(`limit must be an integer from 1 to ${MAX_NAMESPACES_PAGE}`, { limit: value });
  }
  return limit;
}
