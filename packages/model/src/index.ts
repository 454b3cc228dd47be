/**
 * The document model and decision engine: pure functions over plain data, no I/O. Services load documents and
 * teams, then call these.
 */
export * from './types';
export * from './errors';
export { isPlainObject } from './plain-data';
export {
  issuerOf,
  actorsOf,
  actorSetOf,
  isTeamUrl,
  isWildcardPrincipal,
  describeCaller,
  looksLikeEmail,
} from './principals';
export {
  SELF,
  PERMISSIONS_HEIRS,
  isActionMapProperty,
  actionMapOf,
  actionList,
  actionMapsOf,
  parentsOf,
} from './action-maps';
export { MAX_DOCUMENT_BYTES, documentSize, assertDocumentSize } from './document-size';
export { MAX_JSON_DEPTH, RESERVED_MEMBER_NAMES, assertSafeJson } from './safe-json';
export { validateDocument } from './validate-document';
export { principalsToNormalise, mapPrincipals } from './document-principals';
export { buildMetadata, sharedWithOf, type MetadataContext } from './metadata';
export { validateTeam } from './validate-team';
export {
  documentOpinion,
  explainOpinion,
  excludedByValidIssuers,
  forbidsWidening,
  grantingEntry,
  type Opinion,
} from './opinion';
export {
  isAllowedByDocuments,
  reachableDocuments,
  snapshotLookup,
  type DocumentsAnswer,
  type DocumentDecision,
  type ReachableDocuments,
} from './ancestor-walk';
export {
  roleDecision,
  roleActions,
  roleMatches,
  matchTeamRoles,
  restAfterBase,
  canonicalBase,
  sortPatterns,
  patternMatches,
  teamsOfCaller,
  type RoleDecision,
  type RoleMatch,
} from './roles';
export { basesReaching, type BaseFilter } from './role-reach';
export { roleIndexOf, matchRoleIndex, type RoleIndex, type CompiledMatch } from './role-index';
export { isAllowed, type IsAllowedAnswer } from './is-allowed';
export { decide, allowedActionsFor, type Evidence } from './question-evidence';
export { allowedActions, allowedActionsWithRoles, grantedActions, type AllowedActions } from './allowed-actions';
export {
  checkInheritanceChange,
  type InheritanceChange,
  type InheritanceDecision,
  type InheritanceRefusal,
} from './inheritance-change';
export { combineAll, anyAllowed } from './combine-answers';
export { rootDocument, ROOT_SUBJECT } from './root-document';
export { mayKnowOf, mayReadContent, visibleSubjects, type VisibilityContext } from './visibility';
