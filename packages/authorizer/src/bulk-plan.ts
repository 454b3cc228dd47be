import { isDeepStrictEqual } from 'node:util';
import {
  AppError,
  ConflictError,
  buildMetadata,
  mayKnowOf,
  orderBulk,
  parentsOf,
  ROOT_SUBJECT,
  type DocumentLookup,
  type PermissionsDocument,
} from '@permissions/model';
import type { DocumentUpdate, Seq } from '@permissions/store';
import { refusal, visibilityFor, type Authorizer, type RequestCaller } from './authorizer';
import { withCreationMetadata, type DocumentAuthority } from './prepare-document';
import {
  changesParents,
  judgeDocumentChange,
  judgeNewDocument,
  judgeRepairable,
  placementSubjects,
  repairTeams,
} from './write-checks';

/** A document of a bulk write, validated and normalised (no `_metadata`), with its index in the request. */
export interface BulkCandidate {
  index: number;
  document: PermissionsDocument;
}

/** A refused document of a bulk write: its index in the request, its subject, and why. */
export interface BulkItemError {
  index: number;
  subject: string;
  msg: string;
  /**
   * Parents it names (anew) that have no document the caller may see: a client importing a file in chunks may send
   * the document again once those parents are written.
   */
  missingParents?: string[];
  /** The index of the refused document of the batch it inherits from (it was refused for that reason alone). */
  dependsOn?: number;
}

type Refusal = Omit<BulkItemError, 'index' | 'subject'>;

/** What a bulk write judges with, all loaded (and locked) before: judging reads nothing more. */
export interface BulkContext {
  /** The stored documents `bulkSubjects` reached: the batch's subjects, their parents' chains, `/`, placement. */
  stored: DocumentLookup;
  /** The stored seq of each batch subject that has a document. */
  storedSeq(subject: string): Seq | undefined;
  caller: RequestCaller;
  decide: Authorizer['decide'];
  authority: DocumentAuthority;
  /** Members of `bulkRepairTeams`. */
  teamMembers: ReadonlyMap<string, readonly string[]>;
  /** Depth of the stored heirs below each of `bulkParentChanges`. */
  heirsDepth(subject: string): number;
  /** Who writes (the creator or modifier), and when. */
  stamp: { acting: string | null; now: string };
}

export interface BulkPlan {
  /** Every refused document, by index. Nothing may be written when there is one. */
  errors: BulkItemError[];
  /** New documents with their `_metadata`, parents before heirs. */
  creates: PermissionsDocument[];
  updates: DocumentUpdate[];
  /** Documents equal to the stored ones: nothing to write. */
  unchanged: Array<{ subject: string; seq: Seq }>;
}

const GOVERN = { action: 'govern' } as const;

/**
 * A bulk write (CONTRACT §5) judged as the same documents written one by one, parents first (`orderBulk`): each
 * document is judged on the stored documents and those of the batch judged before it, by the same functions as
 * `POST /az-permissions` (a new subject) and a PATCH replacing the document (a stored one):
 * - a stored subject needs `govern`, as a PATCH does; one the caller may not know of answers as a create of an
 *   existing subject does (409's words: it exists), never more;
 * - equal to the stored document (its `_metadata` aside): unchanged, nothing written (a re-import changes nothing);
 * - otherwise an update: the inheritance checks of a PATCH when its parents change, then repairability;
 * - a new subject: the checks of a create (parents, cycle, depth, placement and namespace, repairability).
 * Every document is judged, so that every refusal is named; a document inheriting from a refused one is refused
 * for that reason, as are the documents of a cycle the batch forms. Yields after each document, so that the caller
 * can give the event loop back during a large batch; returns the plan.
 */
export function* planBulk(candidates: readonly BulkCandidate[], context: BulkContext): Generator<void, BulkPlan> {
  const { stored, caller, decide, authority, teamMembers, stamp } = context;
  const order = orderBulk(
    candidates.map(({ document }) => ({ subject: document._subject, parents: parentsOf(document) })),
    stored,
  );
  const applied = new Map<string, PermissionsDocument>();
  const current: DocumentLookup = (subject) => applied.get(subject) ?? stored(subject);
  const refused = new Map<number, Refusal>();
  for (const [position, cycle] of order.cycles) {
    const subject = candidates[position].document._subject;
    const others = cycle.filter((member) => member !== subject);
    refused.set(position, {
      msg: `may not inherit from specified resources: may not add cycle to permissions inheritance: ${subject} would inherit from itself through ${others.join(', ')}`,
    });
  }

  /** The parents `document` names anew that have no document the caller may see (yet). */
  function unseenParents(document: PermissionsDocument): string[] {
    const before = stored(document._subject);
    const kept = before ? parentsOf(before) : [];
    const visibility = visibilityFor(current, caller);
    return parentsOf(document).filter((parent) => !kept.includes(parent) && !mayKnowOf(visibility, parent));
  }
  const plan: BulkPlan = { errors: [], creates: [], updates: [], unchanged: [] };

  function judge(document: PermissionsDocument): void {
    const subject = document._subject;
    const before = stored(subject);
    if (!before) {
      const { namespace } = judgeNewDocument(decide, current, document, caller, { authority });
      const written = withCreationMetadata(document, stamp.acting, stamp.now, namespace);
      judgeRepairable(current, written, teamMembers);
      applied.set(subject, written);
      plan.creates.push(written);
      return;
    }
    if (decide(current, subject, GOVERN, caller).allowed !== true) {
      if (mayKnowOf(visibilityFor(current, caller), subject)) throw refusal('maintenance', subject, GOVERN, caller);
      throw new ConflictError(`a permissions document for ${subject} already exists`);
    }
    const seq = context.storedSeq(subject) as Seq;
    if (sameContent(before, document)) {
      plan.unchanged.push({ subject, seq });
      return;
    }
    const heirsBelow = changesParents(before, document) ? context.heirsDepth(subject) : 0;
    judgeDocumentChange(current, before, document, caller, authority, heirsBelow);
    const metadata = buildMetadata(document, before._metadata, {
      principal: stamp.acting,
      now: stamp.now,
      isCreate: false,
    });
    const written = { ...document, _metadata: metadata };
    judgeRepairable(current, written, teamMembers);
    applied.set(subject, written);
    plan.updates.push({ document: written, expectedSeq: seq });
  }

  for (const position of order.order) {
    yield;
    if (refused.has(position)) continue;
    const blocking = order.dependsOn[position].find((dependency) => refused.has(dependency));
    if (blocking !== undefined) {
      const { index, document } = candidates[blocking];
      refused.set(position, {
        msg: `not written: it inherits from ${document._subject} (index ${index}), which was refused`,
        dependsOn: index,
      });
      continue;
    }
    const { document } = candidates[position];
    try {
      judge(document);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const missing = unseenParents(document);
      refused.set(position, { msg: messageOf(error), ...(missing.length > 0 ? { missingParents: missing } : {}) });
    }
  }
  for (const [position, refusal] of refused) {
    const { index, document } = candidates[position];
    plan.errors.push({ index, subject: document._subject, ...refusal });
  }
  plan.errors.sort((a, b) => a.index - b.index);
  return plan;
}

/** What a bulk write reads (locked) before judging: its subjects and parents with their chains, `/`, placement. */
export function bulkSubjects(documents: readonly PermissionsDocument[], authority: DocumentAuthority): string[] {
  const subjects = new Set<string>([ROOT_SUBJECT]);
  for (const document of documents) {
    subjects.add(document._subject);
    for (const parent of parentsOf(document)) subjects.add(parent);
    for (const subject of placementSubjects(document._subject, authority)) subjects.add(subject);
  }
  return [...subjects];
}

/** The stored subjects of the batch whose parents change: their heirs' depth is read before judging. */
export function bulkParentChanges(documents: readonly PermissionsDocument[], stored: DocumentLookup): string[] {
  return documents
    .filter((document) => {
      const before = stored(document._subject);
      return before !== null && before !== undefined && changesParents(before, document);
    })
    .map((document) => document._subject);
}

/**
 * The teams whose members may repair the batch's documents, as they will stand: read through the batch's versions
 * over the stored ones (judging reads no other: a document is judged after every batch document on its chain).
 */
export function bulkRepairTeams(documents: readonly PermissionsDocument[], stored: DocumentLookup): string[] {
  const batch = new Map(documents.map((document) => [document._subject, document]));
  const after: DocumentLookup = (subject) => batch.get(subject) ?? stored(subject);
  return [...new Set(documents.flatMap((document) => repairTeams(after, document)))];
}

/** A document equal to the stored one but for `_metadata` (server-kept): JSON equality, key order aside. */
function sameContent(stored: PermissionsDocument, document: PermissionsDocument): boolean {
  const { _metadata: _kept, ...content } = stored;
  return isDeepStrictEqual(content, document);
}

/** The refusal of one document, as its entry in the 400's `errors` tells it. */
function messageOf(error: AppError): string {
  const reason = error.details.reason;
  return typeof reason === 'string' ? `${error.message}: ${reason}` : error.message;
}
