import {
  documentNotFound,
  lockingAuthorizer,
  refusal,
  visibilityFor,
  type Authorizer,
  type RequestCaller,
} from '@permissions/authorizer';
import {
  buildMetadata,
  isNamespace,
  isTeamUrl,
  mayKnowOf,
  planDeletion,
  visibleSubjects,
  ConflictError,
  NotFoundError,
  ROOT_SUBJECT,
} from '@permissions/model';
import { appended, type StoredDocument, type StoreTx } from '@permissions/store';
import type { CommandContext, Requester } from './context';

export interface DeletePermissionsResult {
  deleted: StoredDocument;
  /** Heirs deleted with it when the caller asked to cascade. */
  cascaded: string[];
  /** Heirs kept when the caller asked to cascade, detached from the deleted documents. */
  detached: string[];
  seq: number;
}

const GOVERN = { action: 'govern' } as const;

/**
 * `DELETE /az-permissions?{subject}` (reference §7.4) with B15 fixed: a document that heirs still inherit from is
 * not deleted (409, naming them) unless the caller asks to cascade. Then, in one transaction (see `planDeletion`),
 * every heir the caller governs is deleted with it and every other heir is detached from the deleted documents
 * (an update event each), so that a governor can always delete what he governs, whoever attached heirs under it
 * (CONTRACT §4.10).
 *
 * Everything is decided inside the write: the document is locked for update first, which stops any heir from being
 * attached anywhere below it (attaching share-locks the parent's whole chain) until this commits.
 */
export function createDeletePermissions(ctx: CommandContext) {
  return {
    async execute(input: {
      subject: string;
      cascade: boolean;
      requester: Requester;
    }): Promise<DeletePermissionsResult> {
      const { subject } = input;
      const acting = input.requester.user ?? input.requester.client;
      const written = await ctx.store.write(async (tx) => {
        const authorizer = lockingAuthorizer(tx, 'maintenance');
        const caller = await authorizer.callerOf(acting);
        const stored = await tx.getDocumentForUpdate(subject);
        if (!stored) throw new NotFoundError('permissions not found for subject', { subject });
        await authorizeDelete(authorizer, subject, caller);
        if (isTeamUrl(subject) && (await tx.getTeam(subject))) {
          // Without its document nobody could read, change or delete the team any more.
          throw new ConflictError(`${subject} is the permissions document of a team: it is deleted with the team`, {
            team: subject,
          });
        }

        if (!input.cascade) {
          const direct = await tx.getHeirs(subject);
          if (direct.length > 0) {
            // Only heirs the caller may know of are named (CONTRACT §4.10); the refusal itself stands.
            const known = visibleSubjects(visibilityFor(await authorizer.lookup(direct), caller), direct);
            throw inheritedBy(subject, known);
          }
          await tx.deleteDocument(subject);
          return { deleted: stored, cascaded: [], detached: [] };
        }
        return deleteWithHeirs(tx, authorizer, caller, stored, { acting, now: ctx.now() });
      });
      const { result, seq } = appended(written);
      return { ...result, seq };
    },
  };
}

async function deleteWithHeirs(
  tx: StoreTx,
  authorizer: Authorizer,
  caller: RequestCaller,
  stored: StoredDocument,
  stamp: { acting: string | null; now: string },
): Promise<Omit<DeletePermissionsResult, 'seq'>> {
  const subject = stored.document._subject;
  const heirs = await lockTransitiveHeirs(tx, subject);
  // One query for the heirs' documents and all their ancestors (no N+1); the ancestors are share-locked.
  const lookup = await authorizer.lookup([subject, ...heirs]);
  const plan = planDeletion(
    lookup,
    subject,
    heirs,
    (heir) => authorizer.decide(lookup, heir, GOVERN, caller).allowed === true,
  );
  for (const { document } of plan.detached) {
    await tx.updateDocument({
      ...document,
      _metadata: buildMetadata(document, document._metadata, {
        principal: stamp.acting,
        now: stamp.now,
        isCreate: false,
      }),
    });
  }
  for (const deleted of plan.deleted) await tx.deleteDocument(deleted);
  return {
    deleted: stored,
    cascaded: plan.deleted.filter((deleted) => deleted !== subject).sort(),
    detached: plan.detached.map((detached) => detached.subject).sort(),
  };
}

/**
 * Locks every transitive heir for update, in subject order. With the document itself locked no heir can be added
 * below it, but one read before its lock may have changed: read again until the locked set covers what is read.
 */
async function lockTransitiveHeirs(tx: StoreTx, subject: string): Promise<string[]> {
  const locked = new Set<string>();
  for (let round = 0; round < 8; round++) {
    const heirs = await tx.getTransitiveHeirs(subject);
    const unlocked = heirs.filter((heir) => !locked.has(heir));
    if (unlocked.length === 0) return heirs;
    for (const heir of (await tx.lockDocumentsForUpdate(unlocked)).keys()) locked.add(heir);
  }
  throw new ConflictError(`the heirs of ${subject} kept changing while it was being deleted; try again`);
}

/**
 * `govern` on the document, or, for a namespace, on `/`: the governors of `/` handed namespaces out and may end
 * them (with them every role granted on them: see role-reach.ts), even when they gave someone else its governance.
 * A caller who may not know of the document gets the answer for a missing one (CONTRACT §4.10).
 */
async function authorizeDelete(authorizer: Authorizer, subject: string, caller: RequestCaller): Promise<void> {
  const lookup = await authorizer.lookup([subject, ROOT_SUBJECT]);
  if (authorizer.decide(lookup, subject, GOVERN, caller).allowed === true) return;
  const governsRoot = () => authorizer.decide(lookup, ROOT_SUBJECT, GOVERN, caller).allowed === true;
  if (isNamespace(lookup(subject)) && governsRoot()) return;
  if (!mayKnowOf(visibilityFor(lookup, caller), subject)) throw documentNotFound(subject);
  throw refusal('maintenance', subject, GOVERN, caller);
}

function inheritedBy(subject: string, heirs: string[]): ConflictError {
  return new ConflictError(
    `permissions for ${subject} are inherited by other documents; detach them first or delete with cascade`,
    { heirs },
  );
}
