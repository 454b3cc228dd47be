import {
  assertDocumentSize,
  mapPrincipals,
  principalsToNormalise,
  validateDocument,
  withMetadata,
  type PermissionsDocument,
} from '@permissions/model';
import type { OnBehalfOf, PrincipalNormaliser } from '@permissions/auth';

/** What decides where documents may be created (CONTRACT §4.8), from the configuration. */
export interface DocumentAuthority {
  /** The services' own client at each trusted issuer (`servicesClientPrincipals`). */
  servicesClients: readonly string[];
  /** `LEGACY_RBAC_URL`: documents under its orgs are created by the migration first. Unset: no legacy orgs. */
  legacyRbacUrl: string | undefined;
}

/**
 * The part of preparing a document that needs no stored data, done before the write transaction: validation and
 * bounds (400 stops the request, B25), size, and e-mail → id normalisation (which asks the issuers, and must not
 * hold locks while it does). Whoever creates the document (maintenance's POST, a team's `_permissions`) then checks
 * it against stored data inside the write (`checkNewDocument`: parents, cycle, depth, where it may be created and
 * whether it is a namespace, whether someone can repair it).
 */
export async function prepareDocumentBody(
  normaliser: PrincipalNormaliser,
  body: unknown,
  on: OnBehalfOf,
): Promise<PermissionsDocument> {
  const document = validateDocument(body);
  assertDocumentSize(document, `permissions for ${document._subject}`);
  return normaliseDocument(normaliser, document, on);
}

/** The server-built `_metadata` of a new document (creator, created, sharedWith, and the namespace mark). */
export function withCreationMetadata(
  document: PermissionsDocument,
  acting: string | null,
  now: string,
  namespace = false,
): PermissionsDocument {
  return withMetadata(document, undefined, { principal: acting, now, isCreate: true, namespace });
}

/**
 * Replaces e-mail principals by ids through the issuers' ids API (reference §2.3; unknown ones are a 400) and writes
 * every issuer in the configured spelling, in principals and in `_constraints.validIssuers` alike: `{iss}/#anyone`
 * stored beside tokens of `{iss}` would be an issuer nobody has (CONTRACT §4.10). `on` names the acting principal,
 * whose lookups are bounded and throttled, and the principals already stored.
 */
export async function normaliseDocument(
  normaliser: PrincipalNormaliser,
  doc: PermissionsDocument,
  on: OnBehalfOf,
): Promise<PermissionsDocument> {
  return (await documentNormalisation(normaliser, doc, on))(doc);
}

/**
 * `normaliseDocument` as a function of the document, so that the issuers' answers about `doc` can be applied again
 * to the same change re-made on the version locked inside the write. A principal the issuers were not asked about
 * is kept: it can only come from a stored document, whose principals were normalised when it was written.
 */
export async function documentNormalisation(
  normaliser: PrincipalNormaliser,
  doc: PermissionsDocument,
  on: OnBehalfOf,
): Promise<(doc: PermissionsDocument) => PermissionsDocument> {
  return batchNormalisation(normaliser, [doc], on);
}

/**
 * `documentNormalisation` for many documents at once (a bulk write): one batch of lookups per issuer for all their
 * principals, bounded and throttled as one request on behalf of `on.actor`.
 */
export async function batchNormalisation(
  normaliser: PrincipalNormaliser,
  docs: readonly PermissionsDocument[],
  on: OnBehalfOf,
): Promise<(doc: PermissionsDocument) => PermissionsDocument> {
  const principals = [...new Set(docs.flatMap((doc) => principalsToNormalise(doc)))];
  const resolved = principals.length === 0 ? new Map<string, string>() : await normaliser.resolve(principals, on);
  return (document) => {
    const mapped = mapPrincipals(document, (principal) => resolved.get(principal) ?? principal);
    const issuers = mapped._constraints?.validIssuers;
    if (issuers === undefined) return mapped;
    const canonical = [...new Set(issuers.map((issuer) => normaliser.canonicalIssuer(issuer)))];
    return { ...mapped, _constraints: { ...mapped._constraints, validIssuers: canonical } };
  };
}
