import {
  assertDocumentSize,
  buildMetadata,
  mapPrincipals,
  parentsOf,
  principalsToNormalise,
  reachableDocuments,
  validateDocument,
  type PermissionsDocument,
  BadRequestError,
  ForbiddenError,
  mayKnowOf,
} from '@permissions/model';
import type { OnBehalfOf, PrincipalNormaliser } from '@permissions/auth';
import { visibilityFor, type Authorizer } from './authorizer';

export interface DocumentPreparationDeps {
  authorizer: Authorizer;
  normaliser: PrincipalNormaliser;
  now(): string;
}

/**
 * Everything a new permissions document goes through before it is stored, whoever creates it (maintenance's
 * POST, a team's `_permissions`, the migration): validation (400 stops the request, B25), size, e-mail → id
 * normalisation, `_permissionsHeirs.add` on every parent for the acting principal (403), no cycle (400), and the
 * server-built `_metadata`. Returns the document and its scopes (itself and its ancestors).
 */
export async function prepareNewDocument(
  deps: DocumentPreparationDeps,
  body: unknown,
  acting: string | null,
): Promise<{ document: PermissionsDocument; scopes: string[] }> {
  let document = validateDocument(body);
  assertDocumentSize(document, `permissions for ${document._subject}`);
  document = await normaliseDocument(deps.normaliser, document, { actor: acting });

  const subject = document._subject;
  const parents = parentsOf(document);
  if (parents.length > 0) {
    const caller = await deps.authorizer.callerOf(acting);
    const lookup = await deps.authorizer.lookup(parents);
    for (const parent of parents) {
      const decision = deps.authorizer.decide(lookup, parent, { property: '_permissionsHeirs', action: 'add' }, caller);
      if (decision.allowed !== true) {
        // A parent the caller may not know of is answered exactly like a missing one (CONTRACT §4.10).
        const known = mayKnowOf(visibilityFor(lookup, caller), parent);
        throw new ForbiddenError(
          `user ${acting} is not allowed to inherit permissions from ${parent}: ` +
            (known
              ? `that needs _permissionsHeirs.add on ${parent}`
              : 'there is no permissions document there that you may see'),
        );
      }
    }
    const ancestors = reachableDocuments(lookup, parents).documents.map((d) => d.subject);
    if (ancestors.includes(subject)) {
      throw new BadRequestError('may not inherit from specified resources', {
        reason: `may not add cycle to permissions inheritance: ${subject} is already an ancestor of its parents`,
      });
    }
    document = withMetadata(document, acting, deps.now());
    return { document, scopes: [subject, ...ancestors] };
  }
  return { document: withMetadata(document, acting, deps.now()), scopes: [subject] };
}

function withMetadata(document: PermissionsDocument, acting: string | null, now: string): PermissionsDocument {
  return { ...document, _metadata: buildMetadata(document, undefined, { principal: acting, now, isCreate: true }) };
}

/**
 * Replaces e-mail principals by ids through the issuers' ids API (reference §2.3); unknown ones are a 400. `on` names
 * the acting principal, whose lookups are bounded and throttled, and the principals already stored.
 */
export async function normaliseDocument(
  normaliser: PrincipalNormaliser,
  doc: PermissionsDocument,
  on: OnBehalfOf,
): Promise<PermissionsDocument> {
  const principals = [...new Set(principalsToNormalise(doc))];
  if (principals.length === 0) return doc;
  const resolved = await normaliser.resolve(principals, on);
  return mapPrincipals(doc, (principal) => resolved.get(principal) ?? principal);
}
