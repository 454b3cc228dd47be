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
export {
  MAX_SUBJECT_BYTES,
  MAX_PRINCIPAL_BYTES,
  MAX_PARENTS_PER_DOCUMENT,
  MAX_PRINCIPALS_PER_DOCUMENT,
  MAX_INHERITANCE_DEPTH,
  MAX_TEAMS_PER_MEMBER,
  MAX_BULK_DOCUMENTS,
  MAX_REMOVAL_TARGETS,
  utf8Length,
  assertSubjectLength,
  assertPrincipalLength,
} from './write-bounds';
export { principalsToNormalise, mapPrincipals } from './document-principals';
export { buildMetadata, forEvaluation, sharedWithOf, withMetadata, type MetadataContext } from './metadata';
export { validateTeam } from './validate-team';
export { isLeaving } from './team-leaving';
export {
  documentOpinion,
  explainOpinion,
  excludedByValidIssuers,
  forbidsWidening,
  applicableEntries,
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
export { basesReaching, grantedOn, roleIsLive, type BaseFilter } from './role-reach';
export { roleIndexOf, matchRoleIndex, type RoleIndex, type CompiledMatch } from './role-index';
export { basesGrantedAnew, bindRoles } from './role-binding';
export {
  MAX_NAMESPACE_LENGTH,
  MAX_NAMESPACE_SEGMENTS,
  enclosingPrefixes,
  incarnationOf,
  isNamespace,
  isNamespaceSubject,
  namespaceCandidates,
  nearestNamespace,
  overlayLookups,
} from './namespaces';
export { misplacedParents, placeNewDocument, type Creator, type NewDocument, type Placement } from './placement';
export { isMigratedOrgDocument, legacyOrgOf, legacyOrgRoots, type LegacyOrgRef } from './legacy-orgs';
export { servicesClientPrincipals } from './services-client';
export { isAllowed, type IsAllowedAnswer } from './is-allowed';
export { decide, allowedActionsFor, type Evidence } from './question-evidence';
export { allowedActions, allowedActionsWithRoles, grantedActions, type AllowedActions } from './allowed-actions';
export {
  checkInheritanceChange,
  type InheritanceChange,
  type InheritanceDecision,
  type InheritanceRefusal,
} from './inheritance-change';
export { refusalToTell } from './inheritance-refusal';
export { combineAll, anyAllowed } from './combine-answers';
export { inheritanceDepth, assertInheritanceDepth } from './inheritance-depth';
export { repairCandidates, mayRepair, assertRepairable, type RepairCandidates } from './repairability';
export { planDeletion, type DeletionPlan } from './deletion-plan';
export { orderBulk, compareSubjects, type BulkItem, type BulkOrder } from './bulk-order';
export { rootDocument, ROOT_SUBJECT } from './root-document';
export {
  knowledgeAcross,
  mayKnowOf,
  mayReadContent,
  visibleSubjects,
  type Knowledge,
  type VisibilityContext,
} from './visibility';
export { answersAcross } from './reach-answers';
export {
  accessMatrix,
  rowKindOf,
  type AccessMatrix,
  type AccessRow,
  type AccessCell,
  type AccessRowKind,
} from './access-matrix';
export { accessChanges, type AccessChange } from './access-changes';
export { withoutPrincipal, teamWithoutMember, type RemovedEntries } from './principal-removal';
