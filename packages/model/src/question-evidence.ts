import { SELF } from './action-maps';
import { allowedActions, allowedActionsWithRoles } from './allowed-actions';
import { isAllowedByDocuments } from './ancestor-walk';
import { isAllowed, type IsAllowedAnswer } from './is-allowed';
import { basesReaching } from './role-reach';
import { roleActions, roleDecision, teamsOfCaller } from './roles';
import type { ActionQuery, Caller, DocumentLookup, TeamWithId } from './types';

/**
 * What a question route weighs (reference §5.1): documents and the role fallback (`/az-is-allowed`), documents only
 * (`…-for-resource`, `/az-are-any-resources-allowed`) or team roles only (`…-base-and-path`).
 */
export type Evidence = 'all' | 'documents' | 'roles';

/**
 * The one engine call behind every question route. Whatever the evidence, a veto met on the resource's documents
 * (`validIssuers`, `wideningForbidden`) is final (CONTRACT §4.10): the roles-only routes once answered `true` for a
 * document that forbids widening, because they never looked at documents. Roles decide only `_self`, only from the
 * caller's own teams, and only for live roles on bases that reach the resource (`basesReaching`: its document inherits
 * from the base's, or it has none and the base is its nearest namespace), as in `isAllowed`.
 */
export function decide(
  evidence: Evidence,
  lookup: DocumentLookup,
  subject: string,
  query: ActionQuery,
  caller: Caller,
  teamsWithRoles: readonly TeamWithId[],
): IsAllowedAnswer {
  if (evidence === 'all') return isAllowed(lookup, subject, query, caller, teamsWithRoles);
  const documents = isAllowedByDocuments(lookup, subject, query, caller);
  if (evidence === 'documents' || documents.allowed === false) return documents;
  const unanswered: IsAllowedAnswer = { allowed: null, scopes: [], decidedBy: [], missing: documents.missing };
  if ((query.property ?? SELF) !== SELF) return unanswered;
  const role = roleDecision(
    teamsOfCaller(teamsWithRoles, caller),
    subject,
    query.action,
    basesReaching(lookup, subject),
  );
  if (!role.allowed || role.base === undefined) return unanswered;
  return { ...unanswered, allowed: true, scopes: [role.base], role };
}

/**
 * The actions `decide` answers `true` for, for `/az-allowed-actions*`: an action is listed iff `decide(evidence, …)`
 * answers `true` for it, so the two kinds of route never disagree (a vetoed role action is not listed either).
 */
export function allowedActionsFor(
  evidence: Evidence,
  lookup: DocumentLookup,
  subject: string,
  property: string | undefined,
  caller: Caller,
  teamsWithRoles: readonly TeamWithId[],
): string[] {
  if (evidence === 'all') return allowedActionsWithRoles(lookup, subject, property, caller, teamsWithRoles).actions;
  if (evidence === 'documents') return allowedActions(lookup, subject, property, caller).actions;
  if ((property ?? SELF) !== SELF) return [];
  const actions = roleActions(teamsOfCaller(teamsWithRoles, caller), subject, basesReaching(lookup, subject));
  return actions.filter(
    (action) => isAllowedByDocuments(lookup, subject, { property, action }, caller).allowed !== false,
  );
}
