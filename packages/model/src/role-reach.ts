import { reachableDocuments } from './ancestor-walk';
import { canonicalBase } from './roles';
import type { DocumentLookup } from './types';

/** Which role bases may decide for a resource. */
export type BaseFilter = (base: string) => boolean;

/**
 * The role bases that may decide for `subject` (a fix beyond the reference): any base when the subject has no
 * document, otherwise only a base whose document the subject's document reaches through inheritance.
 *
 * Why: anyone may create a document for an unclaimed URL, so bob can govern `…/o` while alice governs `…/o/acme`,
 * which does not inherit from it. Roles are allowed on a base its governor names (W1); if they covered every URL
 * below the base, bob's team role `{"…/o": {"/*": ["govern"]}}` would let him read, rewrite and delete alice's
 * document. A document owner consents to a base's roles by inheriting from the base, as every org's resources do.
 * The base is read by `canonicalBase`, as the role matching and the teams' W1 check read it.
 */
export function basesReaching(lookup: DocumentLookup, subject: string): BaseFilter {
  if (!lookup(subject)) return () => true;
  const { documents, missing } = reachableDocuments(lookup, [subject]);
  // A parent whose document is gone still names the base the owner chose to inherit from.
  const reached = new Set([...documents.map((d) => d.subject), ...missing]);
  return (base) => reached.has(canonicalBase(base));
}
