import {
  batchNormalisation,
  bulkParentChanges,
  bulkRepairTeams,
  bulkSubjects,
  lockingAuthorizer,
  planBulk,
  type BulkCandidate,
  type BulkItemError,
  type BulkPlan,
} from '@permissions/authorizer';
import type { PrincipalNormaliser } from '@permissions/auth';
import {
  AppError,
  BadRequestError,
  MAX_BULK_DOCUMENTS,
  MAX_INHERITANCE_DEPTH,
  isPlainObject,
  principalsToNormalise,
  validateDocument,
  type PermissionsDocument,
} from '@permissions/model';
import type { Seq } from '@permissions/store';
import type { CommandContext, Requester } from './context';
import { authorizeCreation, mayCreate } from './creation-right';

export interface BulkPermissionsResult {
  created: number;
  updated: number;
  unchanged: number;
  /**
   * The highest seq among the batch's documents as they now stand (written or unchanged): a question asked with
   * `atLeast` = this sees every one of them. `null` for an empty batch.
   */
  sequence: Seq | null;
}

/** Documents judged between two turns of the event loop: a 10 000-document batch must not hold it for seconds. */
const SLICE = 200;

/**
 * `POST /az-permissions-bulk` (CONTRACT §5): up to MAX_BULK_DOCUMENTS documents in any order, written in one
 * transaction with the rules of one-by-one writes (see `planBulk`), all or nothing. In the order of answers:
 * - `az-permissions.create` on `/` (401/403, as `POST /az-permissions`, before the body is read);
 * - the body's shape and bound (400);
 * - each document's validation and its principals' syntax, all of them (400 naming every refused one; nothing is
 *   looked up while any is refused);
 * - e-mail → id normalisation, one batch for the whole request on behalf of the acting principal (bounded and
 *   throttled as any request; ids, which cannot be guessed, are bounded by the batch size, e-mails as usual);
 * - inside the write, on locked rows: the create right again, then every document judged (400 naming every
 *   refused one, nothing stored), then one statement per table for all that is created or changed, one event each.
 */
export function createBulkPermissions(ctx: CommandContext) {
  return {
    async execute(input: { body: unknown; requester: Requester }): Promise<BulkPermissionsResult> {
      const { requester } = input;
      const acting = requester.user ?? requester.client;
      await authorizeCreation(ctx.authorizer, requester);
      const documents = documentsOf(input.body);
      if (documents.length === 0) return { created: 0, updated: 0, unchanged: 0, sequence: null };
      const validated = await validateAll(documents, ctx.normaliser);

      const subjects = validated.map(({ document }) => document._subject);
      const before = await ctx.store.getDocumentsWithAncestors(subjects);
      const verified = subjects.flatMap((subject) => {
        const stored = before.get(subject);
        return stored ? principalsToNormalise(stored.document) : [];
      });
      const normalise = await normalisation(ctx.normaliser, validated, documents.length, {
        actor: acting,
        verified,
        idLookups: MAX_BULK_DOCUMENTS,
      });
      const candidates = validated.map(({ index, document }) => ({ index, document: normalise(document) }));
      const now = ctx.now();

      const written = await ctx.store.write(async (tx) => {
        const authorizer = lockingAuthorizer(tx, 'maintenance');
        const caller = await authorizer.callerOf(acting);
        const client =
          requester.client === null || requester.client === acting
            ? caller
            : await authorizer.callerOf(requester.client);
        const batch = candidates.map(({ document }) => document);
        const locked = await tx.lockDocumentsForUpdate(subjects);
        const stored = await authorizer.lookup(bulkSubjects(batch, ctx.authority));
        mayCreate(authorizer, stored, requester, client);
        const [heirsDepths, teamMembers] = await Promise.all([
          tx.getHeirsDepths(bulkParentChanges(batch, stored), MAX_INHERITANCE_DEPTH),
          tx.getTeamMembers(bulkRepairTeams(batch, stored)),
        ]);
        const plan = await inSlices(
          planBulk(candidates, {
            stored,
            storedSeq: (subject) => locked.get(subject)?.seq,
            caller,
            decide: (...args) => authorizer.decide(...args),
            authority: ctx.authority,
            teamMembers,
            heirsDepth: (subject) => heirsDepths.get(subject) ?? 0,
            stamp: { acting, now },
          }),
        );
        if (plan.errors.length > 0) throw refused(plan.errors, documents.length);
        await tx.createDocuments(plan.creates);
        await tx.updateDocuments(plan.updates);
        return plan;
      });
      const { result: plan } = written;
      const seqs = [written.seq ?? 0, ...plan.unchanged.map(({ seq }) => seq)];
      return {
        created: plan.creates.length,
        updated: plan.updates.length,
        unchanged: plan.unchanged.length,
        sequence: Math.max(...seqs),
      };
    },
  };
}

/** The body is `{"documents": [...]}` with at most MAX_BULK_DOCUMENTS entries. */
function documentsOf(body: unknown): unknown[] {
  const documents = isPlainObject(body) ? body.documents : undefined;
  if (!Array.isArray(documents)) {
    throw new BadRequestError('invalid JSON: the body must be {"documents": [permissions documents…]}');
  }
  if (documents.length > MAX_BULK_DOCUMENTS) {
    throw new BadRequestError(
      `at most ${MAX_BULK_DOCUMENTS} documents may be written in one request (this one has ${documents.length})`,
      { limit: MAX_BULK_DOCUMENTS, count: documents.length },
    );
  }
  return documents;
}

/**
 * Every document validated as `POST /az-permissions` validates it, its principals' syntax checked (no lookup), and
 * each subject given once; 400 naming every refused document.
 */
async function validateAll(documents: unknown[], normaliser: PrincipalNormaliser): Promise<BulkCandidate[]> {
  const errors: BulkItemError[] = [];
  const candidates: BulkCandidate[] = [];
  const firstIndex = new Map<string, number>();
  for (const [index, body] of documents.entries()) {
    if (index > 0 && index % SLICE === 0) await nextTurn();
    const subject = isPlainObject(body) && typeof body._subject === 'string' ? body._subject : '';
    try {
      const document = validateDocument(body);
      const malformed = normaliser.malformed(principalsToNormalise(document));
      if (malformed.length > 0) {
        throw new BadRequestError(
          `users and clients must be of the form {issuer}#{id} where issuer is a trusted issuer: ${malformed.slice(0, 5).join(', ')}`,
        );
      }
      const first = firstIndex.get(document._subject);
      if (first !== undefined) {
        throw new BadRequestError(`${document._subject} is written more than once (first at index ${first})`);
      }
      firstIndex.set(document._subject, index);
      candidates.push({ index, document });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      errors.push({ index, subject, msg: error.message });
    }
  }
  if (errors.length > 0) throw refused(errors, documents.length);
  return candidates;
}

/**
 * The normaliser's refusal of unknown e-mails or ids names the values (at most five to an actor): each document
 * naming one of them is listed as refused for it.
 */
async function normalisation(
  normaliser: PrincipalNormaliser,
  candidates: BulkCandidate[],
  total: number,
  on: Parameters<typeof batchNormalisation>[2],
): Promise<(document: PermissionsDocument) => PermissionsDocument> {
  try {
    return await batchNormalisation(
      normaliser,
      candidates.map(({ document }) => document),
      on,
    );
  } catch (error) {
    const values = error instanceof BadRequestError ? error.details.ids : undefined;
    if (!Array.isArray(values) || !(error instanceof BadRequestError)) throw error;
    const named = new Set(values.filter((value): value is string => typeof value === 'string'));
    const errors = candidates
      .map(({ index, document }) => {
        const unknown = principalsToNormalise(document).filter((principal) => named.has(principal));
        return { index, subject: document._subject, msg: `${error.message}: ${unknown.join(', ')}`, unknown };
      })
      .filter((entry) => entry.unknown.length > 0)
      .map(({ index, subject, msg }) => ({ index, subject, msg }));
    throw new BadRequestError(
      `${errors.length} of ${total} documents were refused (${error.message}); nothing was stored`,
      { ...error.details, errors },
    );
  }
}

function refused(errors: BulkItemError[], total: number): BadRequestError {
  return new BadRequestError(`${errors.length} of ${total} documents were refused; nothing was stored`, { errors });
}

/** Runs the plan, giving the event loop back every SLICE documents (other requests go on meanwhile). */
async function inSlices(plan: Generator<void, BulkPlan>): Promise<BulkPlan> {
  for (let step = 1; ; step++) {
    const next = plan.next();
    if (next.done) return next.value;
    if (step % SLICE === 0) await nextTurn();
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
