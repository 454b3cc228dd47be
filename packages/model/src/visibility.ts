import { SELF } from './action-maps';
import { isAllowed } from './is-allowed';
import { answersAcross } from './reach-answers';
import type { Caller, DocumentLookup, TeamWithId } from './types';

/**
 * What a caller may learn of a document (CONTRACT §4.10): the one rule every route that reveals anything about a
 * document goes through, so that no route tells more than another.
 *
 * - **existence** (that a document exists at a subject, that it is an ancestor or heir of another, that it is in a
 *   scope): the caller may `read` or `admin` the document's `_self`, by the full engine (inheritance, teams, roles,
 *   vetoes). A document the caller may not see is answered exactly as a subject without a document.
 * - **content** (the document itself, its `_metadata` and `sharedWith`, who can access it, its properties as heir
 *   details): the caller may `admin` it, as `GET /az-permissions` requires (reference §6.6).
 *
 * A request without a user (`principal: null`) sees what wildcards grant it, nothing more.
 */
export interface VisibilityContext {
  lookup: DocumentLookup;
  caller: Caller;
  /** The caller's teams with their roles (roles grant `_self` actions on resources under their bases). */
  teamsWithRoles: readonly TeamWithId[];
}

function allows(context: VisibilityContext, subject: string, action: string): boolean {
  const { lookup, caller, teamsWithRoles } = context;
  return isAllowed(lookup, subject, { property: SELF, action }, caller, teamsWithRoles).allowed === true;
}

/** The document exists and the caller may know it does (else it must look exactly like a missing one). */
export function mayKnowOf(context: VisibilityContext, subject: string): boolean {
  if (!context.lookup(subject)) return false;
  return allows(context, subject, 'read') || allows(context, subject, 'admin');
}

/** The document exists and the caller may see what it says (content, metadata, who it is shared with). */
export function mayReadContent(context: VisibilityContext, subject: string): boolean {
  if (!context.lookup(subject)) return false;
  return allows(context, subject, 'admin');
}

/** What the caller may learn of one document: nothing (as if missing), that it exists, or also its content. */
export type Knowledge = 'nothing' | 'existence' | 'content';

/**
 * `mayKnowOf` and `mayReadContent` for every document reachable from `subjects` (their ancestors included), in one
 * pass over the loaded graph instead of one walk per document: a listing of a long chain, or a route that judges a
 * document and every ancestor, stays linear in the documents loaded. Subjects without a document are `nothing`.
 */
export function knowledgeAcross(
  context: VisibilityContext,
  subjects: readonly string[],
): (subject: string) => Knowledge {
  const { lookup, caller, teamsWithRoles } = context;
  const read = answersAcross(lookup, subjects, { property: SELF, action: 'read' }, caller, teamsWithRoles);
  const admin = answersAcross(lookup, subjects, { property: SELF, action: 'admin' }, caller, teamsWithRoles);
  return (subject) => {
    if (admin.get(subject) === true) return 'content';
    return read.get(subject) === true ? 'existence' : 'nothing';
  };
}

/** The subjects of `subjects` the caller may know of, in their order (scopes, ancestors, heirs, listings). */
export function visibleSubjects(context: VisibilityContext, subjects: readonly string[]): string[] {
  const knowledge = knowledgeAcross(context, subjects);
  return subjects.filter((subject) => knowledge(subject) !== 'nothing');
}
