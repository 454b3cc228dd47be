import { isAllowedByDocuments, type DocumentsAnswer } from './ancestor-walk';
import { SELF } from './action-maps';
import { basesReaching } from './role-reach';
import { roleDecision, teamsOfCaller, type RoleDecision } from './roles';
import type { ActionQuery, Caller, DocumentLookup, TeamWithId } from './types';

export interface IsAllowedAnswer extends DocumentsAnswer {
  /** Set when the documents had no opinion and a team role granted (its base is also appended to `scopes`). */
  role?: RoleDecision;
}

/**
 * The full answer of `/az-is-allowed` for one resource: documents first; only when they have no opinion (`null`)
 * and the property is `_self` do the caller's team roles decide (reference §6.4). A veto is final and a document
 * grant needs no role. Roles never turn `null` into `false`: a role that does not grant leaves `null`. Only the
 * entries of `teamsWithRoles` whose id is one of the caller's teams are used, and only bases the resource's
 * document inherits from (or its nearest namespace, for a resource without a document), each only while its role is
 * live: see `basesReaching`.
 */
export function isAllowed(
  lookup: DocumentLookup,
  subject: string,
  query: ActionQuery,
  caller: Caller,
  teamsWithRoles: readonly TeamWithId[],
): IsAllowedAnswer {
  const answer: IsAllowedAnswer = isAllowedByDocuments(lookup, subject, query, caller);
  if (answer.allowed !== null || (query.property ?? SELF) !== SELF) return answer;
  const role = roleDecision(
    teamsOfCaller(teamsWithRoles, caller),
    subject,
    query.action,
    basesReaching(lookup, subject),
  );
  if (!role.allowed || role.base === undefined) return answer;
  // The base is usually an ancestor already visited (see basesReaching): listed once.
  const scopes = answer.scopes.includes(role.base) ? answer.scopes : [...answer.scopes, role.base];
  return { ...answer, allowed: true, scopes, role };
}
