import { refusal, type RequestCaller } from '@permissions/authorizer';
import { ConflictError, NotFoundError, isNamespace, isTeamUrl, ROOT_SUBJECT } from '@permissions/model';
import type { StoredDocument } from '@permissions/store';
import type { CommandContext, Requester } from './context';

export interface DeletePermissionsResult {
  deleted: StoredDocument;
  /** Heirs deleted with it when the caller asked to cascade. */
  cascaded: string[];
  seq: number;
}

const GOVERN = { action: 'govern' } as const;

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
      await authorizeDelete(ctx, subject, caller);
      if (isTeamUrl(subject) && (await ctx.store.getTeam(subject))) {
        // Without its document nobody could read, change or delete the team any more.
        throw new ConflictError(`${subject} is the permissions document of a team: it is deleted with the team`, {
          team: subject,
        });
      }

      if (!input.cascade) {
        const direct = await ctx.store.getHeirs(subject);
        if (direct.length > 0) throw inheritedBy(subject, direct);
      }
      // One recursive query for the heirs at every depth, one for their documents and ancestors (no N+1).
      const heirs = input.cascade ? await ctx.store.getTransitiveHeirs(subject) : [];
      if (heirs.length > 0) {
        const lookup = await ctx.authorizer.lookup(heirs);
        for (const heir of heirs) {
          if (ctx.authorizer.decide(lookup, heir, GOVERN, caller).allowed !== true) {
            throw refusal('maintenance', heir, GOVERN, caller);
          }
        }
      }

      const { result, seq } = await ctx.store.write(async (tx) => {
        const deleted = await tx.deleteDocument(subject, stored.seq);
        // An heir attached since the check above was not authorized for deletion, and must not be left dangling.
        const now = await tx.getTransitiveHeirs(subject);
        const unchecked = now.filter((heir) => !heirs.includes(heir));
        if (unchecked.length > 0) throw inheritedBy(subject, unchecked);
        for (const heir of now) await tx.deleteDocument(heir);
        return { deleted: deleted.deleted, cascaded: now };
      });
      return { deleted: result.deleted, cascaded: result.cascaded, seq: seq as number };
    },
  };
}

/**
 * `govern` on the document, or, for a namespace, on `/`: the governors of `/` handed namespaces out and may end
 * them (with them every role granted on them: see role-reach.ts), even when they gave someone else its governance.
 */
async function authorizeDelete(ctx: CommandContext, subject: string, caller: RequestCaller): Promise<void> {
  const lookup = await ctx.authorizer.lookup([subject, ROOT_SUBJECT]);
  if (ctx.authorizer.decide(lookup, subject, GOVERN, caller).allowed === true) return;
  const governsRoot = () => ctx.authorizer.decide(lookup, ROOT_SUBJECT, GOVERN, caller).allowed === true;
  if (isNamespace(lookup(subject)) && governsRoot()) return;
  throw refusal('maintenance', subject, GOVERN, caller);
}

function inheritedBy(subject: string, heirs: string[]): ConflictError {
  return new ConflictError(
    `permissions for ${subject} are inherited by other documents; detach them first or delete with cascade`,
    { heirs },
  );
}
