import { actionMapOf, SELF } from './action-maps';
import { reachableDocuments } from './ancestor-walk';
import { applicableEntries, excludedByValidIssuers, forbidsWidening, grantingEntry } from './opinion';
import { unique } from './plain-data';
import { basesReaching } from './role-reach';
import { roleActions, teamsOfCaller } from './roles';
import type { Caller, DocumentLookup, PermissionsDocument, TeamWithId } from './types';

export interface AllowedActions {
  actions: string[];
  /** A constraint applied (an issuer veto or a `wideningForbidden` document): role fallback must not add actions. */
  restricted: boolean;
}

/**
 * Actions the caller may do on `property` of `subject`, from documents only (`/az-allowed-actions-for-resource`).
 *
 * Invariant: an action is listed iff `isAllowedByDocuments` answers `true` for it. The reference's tree evaluation
 * (§6.5), even with the B8 intersection fixed, breaks it: a `wideningForbidden` node adds its own grants to the
 * union of its unrestricted parents, so a parent's grant that the node vetoes is listed. Written directly from the
 * walk's rule instead (reachable set R, each document once, missing documents contribute nothing):
 * - some document of R excludes the caller's issuer → every action is vetoed → `[]`, restricted;
 * - else an action is allowed iff some document of R grants it (only actions named in an action map can be
 *   granted) and every `wideningForbidden` document of R grants it too (otherwise that one vetoes).
 * Actions are listed in the order they are first met in the walk (the resource's own document first).
 */
export function allowedActions(
  lookup: DocumentLookup,
  subject: string,
  property: string | undefined,
  caller: Caller,
): AllowedActions {
  const { documents } = reachableDocuments(lookup, [subject]);
  if (documents.some(({ doc }) => excludedByValidIssuers(doc, caller))) return { actions: [], restricted: true };
  const granted: string[] = [];
  const narrowing: Array<Set<string>> = [];
  for (const { subject: visited, doc } of documents) {
    const grants = grantedActions(doc, property ?? SELF, caller, visited !== subject);
    granted.push(...grants);
    if (forbidsWidening(doc)) narrowing.push(new Set(grants));
  }
  return {
    actions: unique(granted).filter((action) => narrowing.every((grants) => grants.has(action))),
    restricted: narrowing.length > 0,
  };
}

/**
 * Actions whose list in this document covers the caller (same rule as `documentOpinion`, fix of W11); `inherited`
 * when the question is about a document inheriting from this one (see `applicableEntries`).
 */
export function grantedActions(
  doc: PermissionsDocument,
  property: string,
  caller: Caller,
  inherited = false,
): string[] {
  const map = actionMapOf(doc, property);
  if (map === undefined) return [];
  return Object.keys(map).filter(
    (action) => grantingEntry(applicableEntries(doc, property, action, inherited), caller) !== undefined,
  );
}

/**
 * `/az-allowed-actions`: document actions plus, when no constraint applied and the property is `_self`, the actions
 * of the caller's team roles (a missing resource document gives role actions only). Consistent with `isAllowed`:
 * an action is listed iff `isAllowed(...).allowed === true`, because without constraints the documents answer
 * `true` or `null`, never `false`, and `null` is exactly when roles decide.
 */
export function allowedActionsWithRoles(
  lookup: DocumentLookup,
  subject: string,
  property: string | undefined,
  caller: Caller,
  teamsWithRoles: readonly TeamWithId[],
): AllowedActions {
  const fromDocuments = allowedActions(lookup, subject, property, caller);
  if (fromDocuments.restricted || (property ?? SELF) !== SELF) return fromDocuments;
  const teams = teamsOfCaller(teamsWithRoles, caller);
  const roles = roleActions(teams, subject, basesReaching(lookup, subject));
  return { actions: unique([...fromDocuments.actions, ...roles]), restricted: false };
}
