import {
  checkInheritanceChange,
  isAllowedByDocuments,
  mayKnowOf,
  parentsOf,
  PERMISSIONS_HEIRS,
  type DocumentLookup,
  type InheritanceDecision,
  type VisibilityContext,
} from '@permissions/model';
import type { Actors, ActorsSource } from '../actors/actors-source';
import type { DocumentSource } from '../document-source/types';

/**
 * `/az-is-allowed-to-inherit-from` (reference §6.7, B6 fixed) as its principal may see it (CONTRACT §4.10): a new
 * parent he may neither know of (visibility.ts) nor inherit from is answered exactly as one without a document
 * (`parent-not-found`, never `may-not-add`, which would tell that it exists), and the ancestors listed as scopes are
 * only those he may know of, the parents he named and may inherit from, and the current parents of the document
 * he administers.
 */
export function inheritanceAsSeen(
  lookup: DocumentLookup,
  who: Actors,
  subject: string | undefined,
  sharingSet: readonly string[],
): InheritanceDecision {
  const context: VisibilityContext = { lookup, caller: who.caller, teamsWithRoles: who.teamsWithRoles };
  const current = subject === undefined ? null : lookup(subject);
  const currentParents = current ? parentsOf(current) : [];
  const mayAdd = (parent: string) =>
    isAllowedByDocuments(lookup, parent, { property: PERMISSIONS_HEIRS, action: 'add' }, who.caller).allowed === true;
  const hidden = new Set(
    sharingSet.filter((parent) => !currentParents.includes(parent) && !mayKnowOf(context, parent) && !mayAdd(parent)),
  );
  const seen: DocumentLookup = hidden.size === 0 ? lookup : (s) => (hidden.has(s) ? null : lookup(s));
  const decision = checkInheritanceChange(seen, { subject, currentParents, newParents: [...sharingSet] }, who.caller);
  if (!decision.allowed) return decision;
  const named = new Set([...sharingSet, ...currentParents]);
  return { allowed: true, scopes: decision.scopes.filter((s) => named.has(s) || mayKnowOf(context, s)) };
}

/** The question over the cached sources: documents first (they may import a legacy org), then the actors. */
export function createInheritanceQuestion(documents: DocumentSource, actors: ActorsSource) {
  return async (principal: string | null, subject: string | undefined, sharingSet: readonly string[]) => {
    const lookup = await documents.load(subject === undefined ? sharingSet : [subject, ...sharingSet]);
    const who = await actors.actorsOf(principal);
    return inheritanceAsSeen(lookup, who, subject, sharingSet);
  };
}

export type InheritanceQuestion = ReturnType<typeof createInheritanceQuestion>;
