import { reachableDocuments } from './ancestor-walk';
import { incarnationOf, nearestNamespace } from './namespaces';
import { isPlainObject, ownValue } from './plain-data';
import { canonicalBase } from './roles';
import type { DocumentLookup, Team } from './types';

/** Which role bases, of which team, may decide for a resource. */
export type BaseFilter = (base: string, team: Team) => boolean;

const NO_BASE: BaseFilter = () => false;

/**
 * The incarnation of the base's document that a team's roles on `base` (canonical) were granted on. The teams
 * service records it in the team's `rolesGrantedOn` whenever it writes roles for a base, after checking that the
 * writer governs that document; clients can neither send nor change it.
 */
export function grantedOn(team: Team, base: string): number | undefined {
  const grants = ownValue(team, 'rolesGrantedOn');
  const incarnation = isPlainObject(grants) ? ownValue(grants, base) : undefined;
  return typeof incarnation === 'number' ? incarnation : undefined;
}

/**
 * A role is bound to the base document it was granted on (CONTRACT §4.8): it decides only while that very document
 * is the base's document. Deleting the document ends it, and a document created later at the same subject (even by
 * the same principal) has another incarnation, so it never revives it.
 */
export function roleIsLive(lookup: DocumentLookup, team: Team, base: string): boolean {
  const canonical = canonicalBase(base);
  const granted = grantedOn(team, canonical);
  return granted !== undefined && incarnationOf(lookup(canonical)) === granted;
}

/**
 * The role bases that may decide for `subject` (CONTRACT §4.8), each only while its role is live (`roleIsLive`):
 * - a resource with a document: a base whose document the resource's document reaches through inheritance. Anyone
 *   may create a document for an unclaimed URL, so bob can govern `…/o` while alice governs `…/o/acme`; a document's
 *   owner consents to a base's roles by inheriting from the base, as every org's resources do.
 * - a resource without a document: only its nearest enclosing namespace (see namespaces.ts), whose document the
 *   lookup must hold (`namespaceCandidates`). Other documents above it were not handed out by the authority over
 *   `/`: claiming `http:` or a host decides nothing, and an inner namespace hides the outer one.
 * The base is read by `canonicalBase`, as the role matching and the teams' govern check read it.
 */
export function basesReaching(lookup: DocumentLookup, subject: string): BaseFilter {
  if (!lookup(subject)) {
    const namespace = nearestNamespace(lookup, subject);
    if (namespace === undefined) return NO_BASE;
    return (base, team) => canonicalBase(base) === namespace && roleIsLive(lookup, team, namespace);
  }
  const reached = new Set(reachableDocuments(lookup, [subject]).documents.map((d) => d.subject));
  return (base, team) => {
    const canonical = canonicalBase(base);
    return reached.has(canonical) && roleIsLive(lookup, team, canonical);
  };
}
