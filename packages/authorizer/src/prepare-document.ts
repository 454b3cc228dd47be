import {
  assertDocumentSize,
  enclosingPrefixes,
  legacyOrgOf,
  mapPrincipals,
  misplacedParents,
  parentsOf,
  placeNewDocument,
  principalsToNormalise,
  reachableDocuments,
  validateDocument,
  withMetadata,
  ROOT_SUBJECT,
  type PermissionsDocument,
  BadRequestError,
  ForbiddenError,
} from '@permissions/model';
import type { PrincipalNormaliser } from '@permissions/auth';
import type { Authorizer } from './authorizer';

/** What decides where documents may be created (CONTRACT §4.8), from the configuration. */
export interface DocumentAuthority {
  /** The services' own client at each trusted issuer (`servicesClientPrincipals`). */
  servicesClients: readonly string[];
  /** `LEGACY_RBAC_URL`: documents under its orgs are created by the migration first. Unset: no legacy orgs. */
  legacyRbacUrl: string | undefined;
}

export interface DocumentPreparationDeps {
  authorizer: Authorizer;
  normaliser: PrincipalNormaliser;
  authority: DocumentAuthority;
  now(): string;
}

/**
 * Everything a new permissions document goes through before it is stored, whoever creates it (maintenance's
 * POST, a team's `_permissions`): validation (400 stops the request, B25), size, e-mail → id normalisation,
 * `_permissionsHeirs.add` on every parent for the acting principal (403), no cycle (400), where it may be created
 * and whether it is a namespace (403, `placeNewDocument`), and the server-built `_metadata`. Returns the document
 * and its scopes (itself and its ancestors).
 */
export async function prepareNewDocument(
  deps: DocumentPreparationDeps,
  body: unknown,
  acting: string | null,
  options: { ofTeam?: boolean } = {},
): Promise<{ document: PermissionsDocument; scopes: string[] }> {
  let document = validateDocument(body);
  assertDocumentSize(document, `permissions for ${document._subject}`);
  document = await normaliseDocument(deps.normaliser, document);

  const subject = document._subject;
  const parents = parentsOf(document);
  const legacyOrg = legacyOrgOf(subject, deps.authority.legacyRbacUrl);
  const caller = await deps.authorizer.callerOf(acting);
  // One load for every rule below: the parents and their ancestors, `/`, where the subject's namespace may be, and
  // its legacy org's document.
  const lookup = await deps.authorizer.lookup([
    ...parents,
    ROOT_SUBJECT,
    ...enclosingPrefixes(subject),
    ...(legacyOrg ? [legacyOrg.orgUrl] : []),
  ]);
  for (const parent of parents) {
    const decision = deps.authorizer.decide(lookup, parent, { property: '_permissionsHeirs', action: 'add' }, caller);
    if (decision.allowed !== true) {
      throw new ForbiddenError(`user ${acting} is not allowed to inherit permissions from ${parent}`);
    }
  }
  const ancestors = reachableDocuments(lookup, parents).documents.map((d) => d.subject);
  if (ancestors.includes(subject)) {
    throw new BadRequestError('may not inherit from specified resources', {
      reason: `may not add cycle to permissions inheritance: ${subject} is already an ancestor of its parents`,
    });
  }

  const { servicesClients } = deps.authority;
  const isServicesClient = acting !== null && servicesClients.includes(acting);
  const placement = placeNewDocument(
    lookup,
    { subject, parents, legacyOrg, ofTeam: options.ofTeam },
    {
      isServicesClient,
      mayCreateNamespaces:
        isServicesClient || deps.authorizer.decide(lookup, ROOT_SUBJECT, { action: 'govern' }, caller).allowed === true,
      servicesClients,
    },
  );
  if (!placement.allowed) throw new ForbiddenError(placement.reason, { subject });

  document = withMetadata(document, undefined, {
    principal: acting,
    now: deps.now(),
    isCreate: true,
    namespace: placement.namespace,
  });
  return { document, scopes: [subject, ...ancestors] };
}

/**
 * A PATCH that changes a document's parents keeps it where it may be (`misplacedParents`): inside a namespace or a
 * legacy org it must go on inheriting from it (403 otherwise).
 */
export async function assertParentsKeepPlacement(
  deps: Pick<DocumentPreparationDeps, 'authorizer' | 'authority'>,
  subject: string,
  parents: string[],
): Promise<void> {
  const legacyOrg = legacyOrgOf(subject, deps.authority.legacyRbacUrl);
  const lookup = await deps.authorizer.lookup([
    subject,
    ...parents,
    ...enclosingPrefixes(subject),
    ...(legacyOrg ? [legacyOrg.orgUrl] : []),
  ]);
  const reason = misplacedParents(lookup, { subject, parents, legacyOrg }, deps.authority.servicesClients);
  if (reason !== undefined) throw new ForbiddenError(reason, { subject });
}

/** Replaces e-mail principals by ids through the issuers' ids API (reference §2.3); unknown ones are a 400. */
export async function normaliseDocument(
  normaliser: PrincipalNormaliser,
  doc: PermissionsDocument,
): Promise<PermissionsDocument> {
  const principals = [...new Set(principalsToNormalise(doc))];
  if (principals.length === 0) return doc;
  const resolved = await normaliser.resolve(principals);
  return mapPrincipals(doc, (principal) => resolved.get(principal) ?? principal);
}
