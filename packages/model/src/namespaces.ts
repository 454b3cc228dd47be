import { isPlainObject, ownValue } from './plain-data';
import { ROOT_SUBJECT } from './root-document';
import { TEAM_PREFIX, type DocumentLookup, type PermissionsDocument } from './types';

/**
 * Namespaces (CONTRACT §4.8). Anyone may create a document for a URL nobody documented, so a document proves only
 * that its creator got there first. A **namespace** is a document the server marked as handed out by the authority
 * over `/`: created by a governor of `/` (or by the services' own client, as the migration of a legacy org) with no
 * parent other than `/`. Only a namespace's team roles decide for resources that have no document, and only the
 * nearest enclosing namespace's: claiming `http:`, a host or a prefix of someone else's URLs gives nothing.
 *
 * Every document has an **incarnation**, the sequence number of the event that created it, kept in
 * `_metadata.incarnation`; a document deleted and created again at the same subject has another one. Both marks are
 * set by the server when the document is created and never change (the database keeps them on every update).
 */

/** Deepest namespace, in path segments: bounds how many subjects a question about an undocumented resource loads. */
export const MAX_NAMESPACE_SEGMENTS = 32;
/** Longest namespace subject, in characters, for the same reason. */
export const MAX_NAMESPACE_LENGTH = 2048;

/** The document's incarnation: the sequence number of its create. `undefined` for data written without one. */
export function incarnationOf(doc: PermissionsDocument | null | undefined): number | undefined {
  const metadata = doc ? ownValue(doc, '_metadata') : undefined;
  const incarnation = isPlainObject(metadata) ? ownValue(metadata, 'incarnation') : undefined;
  return typeof incarnation === 'number' && Number.isSafeInteger(incarnation) ? incarnation : undefined;
}

/** Whether the server marked the document as a namespace when it was created. */
export function isNamespace(doc: PermissionsDocument | null | undefined): boolean {
  const metadata = doc ? ownValue(doc, '_metadata') : undefined;
  return isPlainObject(metadata) && ownValue(metadata, 'namespace') === true;
}

/**
 * The path-segment prefixes of `resource` that could be namespaces, shortest first: every `P` such that the resource
 * continues `P` after a `/`, `P` not ending in `/` (`…/o/acme/` reads as `…/o/acme`, as role bases do), neither `/`
 * nor empty, within the bounds above. `http://apigee.com/o/acme/apps` gives `http:`, `http://apigee.com`,
 * `http://apigee.com/o`, `http://apigee.com/o/acme`. The resource itself is not one of them.
 */
export function enclosingPrefixes(resource: string): string[] {
  const prefixes: string[] = [];
  const end = Math.min(resource.length, MAX_NAMESPACE_LENGTH + 1);
  for (let i = 1; i < end && prefixes.length < MAX_NAMESPACE_SEGMENTS; i++) {
    if (resource.charCodeAt(i) === 0x2f /* / */ && resource.charCodeAt(i - 1) !== 0x2f) {
      prefixes.push(resource.slice(0, i));
    }
  }
  return prefixes;
}

/** Whether a document at `subject` may be a namespace: a canonical URL within the bounds, not `/`, not a team's. */
export function isNamespaceSubject(subject: string): boolean {
  if (subject === ROOT_SUBJECT || subject === '' || subject.endsWith('/') || subject.startsWith(TEAM_PREFIX)) {
    return false;
  }
  return subject.length <= MAX_NAMESPACE_LENGTH && enclosingPrefixes(subject).length < MAX_NAMESPACE_SEGMENTS;
}

/**
 * The nearest namespace strictly enclosing `resource` (its longest prefix whose document is a namespace), or
 * `undefined`. The lookup must hold the resource's `enclosingPrefixes`; a prefix it does not know counts as none.
 */
export function nearestNamespace(lookup: DocumentLookup, resource: string): string | undefined {
  const prefixes = enclosingPrefixes(resource);
  for (let i = prefixes.length - 1; i >= 0; i--) {
    if (isNamespace(lookup(prefixes[i]))) return prefixes[i];
  }
  return undefined;
}

/**
 * What a decision about `resources` needs beyond their documents and ancestors: for each resource without a
 * document, the prefixes one of which may be its nearest namespace. Callers load these in a second round trip,
 * only when some resource has no document.
 */
export function namespaceCandidates(lookup: DocumentLookup, resources: readonly string[]): string[] {
  const candidates = new Set<string>();
  for (const resource of resources) {
    if (lookup(resource)) continue;
    for (const prefix of enclosingPrefixes(resource)) candidates.add(prefix);
  }
  return [...candidates];
}

/** A lookup that answers from `first`, then from `second`. */
export function overlayLookups(first: DocumentLookup, second: DocumentLookup): DocumentLookup {
  return (subject) => first(subject) ?? second(subject);
}
