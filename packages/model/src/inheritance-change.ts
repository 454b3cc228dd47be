import { PERMISSIONS_HEIRS, SELF } from './action-maps';
import { isAllowedByDocuments, reachableDocuments } from './ancestor-walk';
import { unique } from './plain-data';
import { describeCaller } from './principals';
import type { Caller, DocumentLookup } from './types';

export interface InheritanceChange {
  /** The document whose parents change; absent when a new document is being created. */
  subject?: string;
  /**
   * With `creating: true` the subject is the document about to be created: it is used for the cycle test only
   * (an existing document may still name it as a dangling parent, B15) and no `admin` is required on it.
   */
  creating?: boolean;
  currentParents: readonly string[];
  newParents: readonly string[];
}

export type InheritanceRefusal = 'not-admin' | 'cycle' | 'may-not-remove' | 'may-not-add' | 'parent-not-found';

/** Always carries `allowed` (fix of B6, where refusals crashed or used a `result` key). */
export type InheritanceDecision =
  | { allowed: true; scopes: string[] }
  | { allowed: false; reason: string; refusal: InheritanceRefusal; resource?: string };

/**
 * `/az-is-allowed-to-inherit-from` (reference §6.7). The lookup must hold the subject, the old and new parents and
 * all their ancestors. Rules:
 * 1. an existing subject (not `creating`) needs `_self.admin` (inherited check);
 * 2. the new parents and their ancestors must not reach the subject (no cycle);
 * 3. each removed parent needs `_permissionsHeirs.remove`, each added parent `_permissionsHeirs.add`; parents kept
 *    unchanged are not checked (B21). Removing a parent that has no document is allowed (nobody can hold
 *    `remove` on it, and heirs of a deleted document must be repairable, B15); adding one is refused;
 * 4. success scopes = unique(existing ancestors ∪ potential ancestors), existing documents only, subject excluded.
 */
export function checkInheritanceChange(
  lookup: DocumentLookup,
  change: InheritanceChange,
  caller: Caller,
): InheritanceDecision {
  const { subject } = change;
  const who = describeCaller(caller);
  if (subject !== undefined && change.creating !== true) {
    if (isAllowedByDocuments(lookup, subject, { property: SELF, action: 'admin' }, caller).allowed !== true) {
      return refuse('not-admin', `${who} may not administer the permissions of ${subject}`, subject);
    }
  }
  const potential = reachableDocuments(lookup, change.newParents);
  if (
    subject !== undefined &&
    (potential.missing.includes(subject) || potential.documents.some((visited) => visited.subject === subject))
  ) {
    return refuse('cycle', 'may not add cycle to permissions inheritance', subject);
  }
  for (const parent of change.currentParents) {
    if (change.newParents.includes(parent) || isMissing(lookup, parent)) continue;
    if (!heirsAllow(lookup, parent, 'remove', caller)) {
      return refuse('may-not-remove', `${who} may not remove permissions inheritance from ${parent}`, parent);
    }
  }
  for (const parent of change.newParents) {
    if (change.currentParents.includes(parent)) continue;
    if (isMissing(lookup, parent)) {
      return refuse(
        'parent-not-found',
        `no permissions document for ${parent}, so it cannot be inherited from`,
        parent,
      );
    }
    if (!heirsAllow(lookup, parent, 'add', caller)) {
      return refuse('may-not-add', `${who} may not add permissions inheritance from ${parent}`, parent);
    }
  }
  const existing = reachableDocuments(lookup, change.currentParents).documents;
  const scopes = unique([...existing, ...potential.documents].map((visited) => visited.subject));
  return { allowed: true, scopes: scopes.filter((scope) => scope !== subject) };
}

function heirsAllow(lookup: DocumentLookup, parent: string, action: 'add' | 'remove', caller: Caller): boolean {
  return isAllowedByDocuments(lookup, parent, { property: PERMISSIONS_HEIRS, action }, caller).allowed === true;
}

function isMissing(lookup: DocumentLookup, subject: string): boolean {
  const doc = lookup(subject);
  return doc === null || doc === undefined;
}

function refuse(refusal: InheritanceRefusal, reason: string, resource?: string): InheritanceDecision {
  return resource === undefined ? { allowed: false, reason, refusal } : { allowed: false, reason, refusal, resource };
}
