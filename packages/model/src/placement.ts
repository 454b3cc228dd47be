import { reachableDocuments } from './ancestor-walk';
import { isMigratedOrgDocument, type LegacyOrgRef } from './legacy-orgs';
import { isNamespace, isNamespaceSubject, nearestNamespace } from './namespaces';
import { isTeamUrl } from './principals';
import { ROOT_SUBJECT } from './root-document';
import type { DocumentLookup } from './types';

/** Who creates a document, as far as where it may be created is concerned. */
export interface Creator {
  /** Governs `/` (by the engine: directly, through a team or a role) or is the services' own client. */
  mayCreateNamespaces: boolean;
  /** Is the services' own client: the identity of the migration. */
  isServicesClient: boolean;
  /** The principals of the services' own client, to tell the org documents the migration wrote. */
  servicesClients: readonly string[];
}

export interface NewDocument {
  subject: string;
  parents: readonly string[];
  /** The legacy org the subject belongs to (`legacyOrgOf`), when a legacy system is configured. */
  legacyOrg?: LegacyOrgRef;
  /** A team's own permissions document, created with its team (POST /az-teams). */
  ofTeam?: boolean;
}

export type Placement = { allowed: true; namespace: boolean } | { allowed: false; reason: string };

/**
 * Where a new document may be created, and whether it is a namespace (CONTRACT §4.8). `lookup` must hold the
 * parents with their ancestors, the subject's `enclosingPrefixes` and, for a legacy subject, its org document.
 *
 * - A team's URL holds only that team's own document, created with the team: otherwise whoever created
 *   `/az-tm-{id}` first would decide who may read, change or delete the team.
 * - Under a legacy org (either URL form), before the migration wrote the org document only the services' client may
 *   create the org document itself; afterwards, like in any namespace, a document must inherit from it.
 * - Inside a namespace (strictly under its subject), a document must inherit (at any depth) from the nearest one,
 *   so that the namespace's `_permissionsHeirs.add` decides who may document its resources: otherwise bob could
 *   create a document for an undocumented resource of alice's namespace and take it out of her roles' reach.
 * - A document is a namespace when its creator may create namespaces, it inherits from nothing but `/`, and its
 *   subject may be one (`isNamespaceSubject`). Such a creator may place a namespace anywhere, inside another one too:
 *   the authority over `/` is above every namespace.
 */
export function placeNewDocument(lookup: DocumentLookup, doc: NewDocument, creator: Creator): Placement {
  const { subject, parents } = doc;
  if (isTeamUrl(subject)) {
    return doc.ofTeam
      ? { allowed: true, namespace: false }
      : refused(`${subject} is a team's URL: its permissions document is created with the team (POST /az-teams)`);
  }
  const namespace =
    creator.mayCreateNamespaces && parents.every((parent) => parent === ROOT_SUBJECT) && isNamespaceSubject(subject);
  const legacy = doc.legacyOrg;
  if (legacy !== undefined) {
    if (subject === legacy.orgUrl) {
      return creator.isServicesClient
        ? { allowed: true, namespace: isNamespaceSubject(subject) }
        : refused(`${subject} is the document of legacy org ${legacy.org}: only its migration creates it`);
    }
    if (!isMigratedOrgDocument(lookup(legacy.orgUrl), creator.servicesClients)) {
      return refused(
        `${subject} belongs to legacy org ${legacy.org}, which is not migrated yet: only the migration may create documents there`,
      );
    }
    return reaches(lookup, parents, legacy.orgUrl) || namespace
      ? { allowed: true, namespace }
      : refused(`${subject} belongs to legacy org ${legacy.org}: a document there must inherit from ${legacy.orgUrl}`);
  }
  const enclosing = nearestNamespace(lookup, subject);
  if (enclosing === undefined || reaches(lookup, parents, enclosing) || namespace) {
    return { allowed: true, namespace };
  }
  return refused(
    `${subject} is inside namespace ${enclosing}: a document there must inherit (at any depth) from ${enclosing}`,
  );
}

/**
 * Whether an existing document may take `parents` as its parents (a PATCH that changes them): inside a namespace or
 * a legacy org it must keep inheriting from it, or its governor could take it out of the namespace's reach. A
 * namespace itself is free to choose. `lookup` must hold what `placeNewDocument` needs. The reason, or undefined.
 */
export function misplacedParents(
  lookup: DocumentLookup,
  doc: Omit<NewDocument, 'ofTeam'>,
  servicesClients: readonly string[],
): string | undefined {
  const { subject, parents, legacyOrg } = doc;
  if (isNamespace(lookup(subject))) return undefined;
  if (legacyOrg !== undefined && subject !== legacyOrg.orgUrl) {
    if (
      isMigratedOrgDocument(lookup(legacyOrg.orgUrl), servicesClients) &&
      reaches(lookup, parents, legacyOrg.orgUrl)
    ) {
      return undefined;
    }
    return `${subject} belongs to legacy org ${legacyOrg.org}: it must inherit from ${legacyOrg.orgUrl}`;
  }
  const enclosing = nearestNamespace(lookup, subject);
  if (enclosing === undefined || reaches(lookup, parents, enclosing)) return undefined;
  return `${subject} is inside namespace ${enclosing}: it must inherit (at any depth) from ${enclosing}`;
}

function reaches(lookup: DocumentLookup, parents: readonly string[], target: string): boolean {
  return reachableDocuments(lookup, parents).documents.some((d) => d.subject === target);
}

function refused(reason: string): Placement {
  return { allowed: false, reason };
}
