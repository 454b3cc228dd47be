import { actionList, parentsOf, SELF } from './action-maps';
import { ConflictError } from './errors';
import { isTeamUrl } from './principals';
import { ROOT_SUBJECT } from './root-document';
import type { DocumentLookup, PermissionsDocument } from './types';

/** What deleting a document with `cascade=true` does to it and to the documents that inherit from it. */
export interface DeletionPlan {
  /** The document and the heirs deleted with it, the document first. */
  deleted: string[];
  /** Heirs kept, each without the deleted parents: the document to store in its place. */
  detached: Array<{ subject: string; document: PermissionsDocument }>;
}

/**
 * A governor of a document can always delete it (CONTRACT §4.10), whoever attached heirs under it:
 * - walking down from the document, an heir the caller governs is deleted with it, and the walk goes on below it;
 * - an heir the caller does not govern (someone else's, protected by a veto), and a team's own document (a team is
 *   deleted through its own route), is kept and detached: the deleted documents leave its `_inheritsPermissionsOf`;
 *   documents below a kept heir are not touched (they inherit from the heir, which stays);
 * - a detached heir left with neither a parent nor a governor of its own would be invalid and unrepairable, so it
 *   inherits from `/` instead, whose governors can then repair it (not possible when `/` itself goes: 409).
 *
 * `lookup` holds the document, every transitive heir and their ancestors; `heirs` lists the transitive heirs;
 * `governs` answers whether the caller governs a subject, by the full engine.
 */
export function planDeletion(
  lookup: DocumentLookup,
  subject: string,
  heirs: readonly string[],
  governs: (subject: string) => boolean,
): DeletionPlan {
  const heirsOf = new Map<string, string[]>();
  for (const heir of heirs) {
    const doc = lookup(heir);
    if (!doc) continue;
    for (const parent of parentsOf(doc)) heirsOf.set(parent, [...(heirsOf.get(parent) ?? []), heir]);
  }
  const deleted = new Set([subject]);
  const kept = new Set<string>();
  const queue = [subject];
  while (queue.length > 0) {
    for (const heir of heirsOf.get(queue.shift() as string) ?? []) {
      if (deleted.has(heir) || kept.has(heir)) continue;
      if (!isTeamUrl(heir) && governs(heir)) {
        deleted.add(heir);
        queue.push(heir);
      } else kept.add(heir);
    }
  }
  const detached = [...kept].map((heir) => ({ subject: heir, document: detach(lookup(heir)!, deleted) }));
  return { deleted: [...deleted], detached };
}

function detach(doc: PermissionsDocument, deleted: ReadonlySet<string>): PermissionsDocument {
  const parents = parentsOf(doc).filter((parent) => !deleted.has(parent));
  if (parents.length === 0 && actionList(doc, SELF, 'govern').length === 0) {
    if (deleted.has(ROOT_SUBJECT)) {
      throw new ConflictError(
        `${doc._subject} inherits only from documents being deleted and has no governor of its own; give it one first`,
        { heir: doc._subject },
      );
    }
    parents.push(ROOT_SUBJECT);
  }
  return { ...doc, _inheritsPermissionsOf: parents };
}
