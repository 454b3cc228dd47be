import {
  assertInheritanceDepth,
  assertRepairable,
  checkInheritanceChange,
  MAX_INHERITANCE_DEPTH,
  parentsOf,
  PERMISSIONS_HEIRS,
  reachableDocuments,
  repairCandidates,
  ROOT_SUBJECT,
  type DocumentLookup,
  type PermissionsDocument,
  BadRequestError,
  ForbiddenError,
  enclosingPrefixes,
  legacyOrgOf,
  mayKnowOf,
  misplacedParents,
  placeNewDocument,
  refusalToTell,
} from '@permissions/model';
import type { StoreReader, StoreTx } from '@permissions/store';
import { createAuthorizer, visibilityFor, type Authorizer, type RequestCaller } from './authorizer';
import type { DocumentAuthority } from './prepare-document';

/**
 * Every check a write depends on holds at commit (CONTRACT §4.8): writers decide inside their write transaction,
 * on rows locked until it ends, never on a read made before it. This authorizer is the one to decide with there:
 * each document it reads (with its whole inheritance chain) is share-locked, and so are the caller's teams, so
 * that no parent is deleted, no grant revoked, no membership ended and no cycle closed between the decision and the
 * commit. Teams are locked before documents, as every writer does.
 */
export function lockingAuthorizer(tx: StoreTx, component: string): Authorizer {
  const reader: StoreReader = {
    ...tx,
    getDocumentsWithAncestors: (subjects) => tx.lockDocumentsWithAncestors(subjects),
    getTeamsOfPrincipal: (principal) => tx.lockTeamsOfPrincipal(principal),
  };
  return createAuthorizer(reader, component);
}

const HEIRS_ADD = { property: PERMISSIONS_HEIRS, action: 'add' } as const;

/**
 * What a new document's checks read, locked, in one call: its parents with their ancestors, `/`, the prefixes where
 * its nearest namespace may be and, for a legacy subject, its org's document.
 */
export function newDocumentLookup(
  authorizer: Authorizer,
  document: PermissionsDocument,
  authority: DocumentAuthority,
): Promise<DocumentLookup> {
  return authorizer.lookup([...parentsOf(document), ROOT_SUBJECT, ...placementSubjects(document._subject, authority)]);
}

/** Where a subject's placement is decided: the prefixes that may hold its namespace, and its legacy org document. */
export function placementSubjects(subject: string, authority: DocumentAuthority): string[] {
  const legacyOrg = legacyOrgOf(subject, authority.legacyRbacUrl);
  return [...enclosingPrefixes(subject), ...(legacyOrg ? [legacyOrg.orgUrl] : [])];
}

/** Who creates a new document, for the checks that depend on it. */
export interface NewDocumentContext {
  authority: DocumentAuthority;
  /** A team's own permissions document, created with its team (POST /az-teams). */
  ofTeam?: boolean;
  /**
   * Teams written in the same transaction after this check (a team's own document may name the team as its
   * governor): their members.
   */
  newTeams?: ReadonlyMap<string, readonly string[]>;
}

/**
 * The checks of a new document that depend on stored data, inside the write: the caller may add heirs to each
 * parent (403), no cycle (400), the chain stays within MAX_INHERITANCE_DEPTH (400), it may be created where it is
 * and is a namespace or not (403, `placeNewDocument`, CONTRACT §4.8), and someone can still read and repair it
 * (400). `lookup` is `newDocumentLookup`'s. Returns its scopes (itself and its ancestors) and whether it is a
 * namespace.
 */
export async function checkNewDocument(
  tx: StoreTx,
  authorizer: Authorizer,
  lookup: DocumentLookup,
  document: PermissionsDocument,
  caller: RequestCaller,
  context: NewDocumentContext,
): Promise<{ scopes: string[]; namespace: boolean }> {
  const decide: Authorizer['decide'] = (...args) => authorizer.decide(...args);
  const judged = judgeNewDocument(decide, lookup, document, caller, context);
  await assertRepairableAfter(tx, lookup, document, context.newTeams);
  return judged;
}

/**
 * `checkNewDocument` but for repairability, with nothing to load: `lookup` holds the parents with their ancestors,
 * `/`, the subject's enclosing prefixes and its legacy org document. Throws the error the create answers with.
 */
export function judgeNewDocument(
  decide: Authorizer['decide'],
  lookup: DocumentLookup,
  document: PermissionsDocument,
  caller: RequestCaller,
  context: Pick<NewDocumentContext, 'authority' | 'ofTeam'>,
): { scopes: string[]; namespace: boolean } {
  const subject = document._subject;
  const parents = parentsOf(document);
  for (const parent of parents) {
    if (decide(lookup, parent, HEIRS_ADD, caller).allowed !== true) {
      // A parent the caller may not know of is answered exactly like a missing one (CONTRACT §4.10).
      const known = mayKnowOf(visibilityFor(lookup, caller), parent);
      throw new ForbiddenError(
        `user ${caller.principal} is not allowed to inherit permissions from ${parent}: ` +
          (known
            ? `that needs _permissionsHeirs.add on ${parent}`
            : 'there is no permissions document there that you may see'),
      );
    }
  }
  const ancestors = reachableDocuments(lookup, parents).documents.map((visited) => visited.subject);
  if (ancestors.includes(subject)) {
    throw new BadRequestError('may not inherit from specified resources', {
      reason: `may not add cycle to permissions inheritance: ${subject} is already an ancestor of its parents`,
    });
  }
  assertInheritanceDepth(lookup, subject, parents, 0);
  const { servicesClients, legacyRbacUrl } = context.authority;
  const isServicesClient = caller.principal !== null && servicesClients.includes(caller.principal);
  const placement = placeNewDocument(
    lookup,
    { subject, parents, legacyOrg: legacyOrgOf(subject, legacyRbacUrl), ofTeam: context.ofTeam },
    {
      isServicesClient,
      mayCreateNamespaces:
        isServicesClient || decide(lookup, ROOT_SUBJECT, { action: 'govern' }, caller).allowed === true,
      servicesClients,
    },
  );
  if (!placement.allowed) throw new ForbiddenError(placement.reason, { subject });
  return { scopes: [subject, ...ancestors], namespace: placement.namespace };
}

/** What the checks of a change of `before` into `after` read: its chain before and after, `/`, its placement. */
export function changeSubjects(
  before: PermissionsDocument,
  after: PermissionsDocument,
  authority: DocumentAuthority,
): string[] {
  const subject = after._subject;
  return [subject, ...parentsOf(before), ...parentsOf(after), ROOT_SUBJECT, ...placementSubjects(subject, authority)];
}

/** Whether a change of `before` into `after` changes its parents (the only changes with inheritance checks). */
export function changesParents(before: PermissionsDocument, after: PermissionsDocument): boolean {
  return !sameSet(parentsOf(before), parentsOf(after));
}

/**
 * The checks of a changed document inside the write, `before` being its locked stored version: a change of parents
 * needs `admin` on it, `remove` on each parent left and `add` on each parent added, closes no cycle and keeps the
 * chain (with the heirs below it) within MAX_INHERITANCE_DEPTH; and after any change someone can still read and
 * repair it.
 */
export async function checkDocumentChange(
  tx: StoreTx,
  authorizer: Authorizer,
  before: PermissionsDocument,
  after: PermissionsDocument,
  caller: RequestCaller,
  authority: DocumentAuthority,
): Promise<void> {
  const lookup = await authorizer.lookup(changeSubjects(before, after, authority));
  const heirsBelow = changesParents(before, after) ? await tx.getHeirsDepth(after._subject, MAX_INHERITANCE_DEPTH) : 0;
  judgeDocumentChange(lookup, before, after, caller, authority, heirsBelow);
  await assertRepairableAfter(tx, lookup, after);
}

/**
 * `checkDocumentChange` but for repairability, with nothing to load: `lookup` holds `changeSubjects` with their
 * ancestors, `heirsBelow` is the depth of the heirs below the document (read only when its parents change).
 */
export function judgeDocumentChange(
  lookup: DocumentLookup,
  before: PermissionsDocument,
  after: PermissionsDocument,
  caller: RequestCaller,
  authority: DocumentAuthority,
  heirsBelow: number,
): void {
  if (!changesParents(before, after)) return;
  const subject = after._subject;
  const currentParents = parentsOf(before);
  const newParents = parentsOf(after);
  const change = refusalToTell(
    checkInheritanceChange(lookup, { subject, currentParents, newParents }, caller),
    lookup,
    caller,
    newParents.filter((parent) => !currentParents.includes(parent)),
  );
  if (!change.allowed) throw new BadRequestError('may not inherit from specified resources', { reason: change.reason });
  assertInheritanceDepth(lookup, subject, newParents, heirsBelow);
  // Inside a namespace or a legacy org a document must go on inheriting from it (CONTRACT §4.8).
  const legacyOrg = legacyOrgOf(subject, authority.legacyRbacUrl);
  const misplaced = misplacedParents(lookup, { subject, parents: newParents, legacyOrg }, authority.servicesClients);
  if (misplaced !== undefined) throw new ForbiddenError(misplaced, { subject });
}

/** `lookup` holds the document's chain after the change and `/`; the document is read as `document`. */
async function assertRepairableAfter(
  tx: StoreTx,
  lookup: DocumentLookup,
  document: PermissionsDocument,
  newTeams: ReadonlyMap<string, readonly string[]> = new Map(),
): Promise<void> {
  const members = new Map<string, readonly string[]>(await tx.getTeamMembers(repairTeams(lookup, document)));
  for (const [team, teamMembers] of newTeams) members.set(team, teamMembers);
  judgeRepairable(lookup, document, members);
}

/** The teams whose members may repair `document` once it replaces its subject in `lookup` (load their members). */
export function repairTeams(lookup: DocumentLookup, document: PermissionsDocument): string[] {
  return repairCandidates(withDocument(lookup, document), document._subject).teams;
}

/**
 * 400 unless, once `document` replaces its subject in `lookup`, some governor or administrator of its chain or of
 * `/` may still read and repair it. `members` holds the members of `repairTeams` (more teams do no harm).
 */
export function judgeRepairable(
  lookup: DocumentLookup,
  document: PermissionsDocument,
  members: ReadonlyMap<string, readonly string[]>,
): void {
  const after = withDocument(lookup, document);
  assertRepairable(after, document._subject, repairCandidates(after, document._subject), members);
}

function withDocument(lookup: DocumentLookup, document: PermissionsDocument): DocumentLookup {
  const subject = document._subject;
  return (s) => (s === subject ? document : lookup(s));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
