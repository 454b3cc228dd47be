import { actionMapOf, SELF } from './action-maps';
import { unique } from './plain-data';
import type { DocumentMetadata, PermissionsDocument } from './types';

export interface MetadataContext {
  /** Who makes the change; `null` for a client acting without a user (then creator/modifier are left out). */
  principal: string | null;
  /** ISO timestamp supplied by the caller: the model has no clock. */
  now: string;
  isCreate: boolean;
  /** On create: the document is a namespace (decided by `placeNewDocument`). */
  namespace?: boolean;
}

/**
 * Server-maintained `_metadata` (reference §3.1). On update the creator and creation time are carried over from the
 * previous metadata (fix of B11: the reference overwrote them on every PATCH), and so are the document's identity
 * marks (`incarnation`, `namespace`), which the database also keeps whatever a writer sends. On create the
 * incarnation is not known yet: the database sets it to the create's sequence number.
 */
export function buildMetadata(
  doc: PermissionsDocument,
  previous: DocumentMetadata | undefined,
  context: MetadataContext,
): DocumentMetadata {
  const stamps: Omit<DocumentMetadata, 'sharedWith'> = {};
  if (context.isCreate) {
    if (context.principal !== null) stamps.creator = context.principal;
    stamps.created = context.now;
    if (context.namespace === true) stamps.namespace = true;
  } else {
    if (previous?.creator !== undefined) stamps.creator = previous.creator;
    if (previous?.created !== undefined) stamps.created = previous.created;
    if (context.principal !== null) stamps.modifier = context.principal;
    stamps.modified = context.now;
    if (typeof previous?.incarnation === 'number') stamps.incarnation = previous.incarnation;
    if (previous?.namespace === true) stamps.namespace = true;
  }
  return { ...stamps, sharedWith: sharedWithOf(doc) };
}

/** The document with its server-built `_metadata` (whatever `_metadata` it came with is replaced). */
export function withMetadata(
  doc: PermissionsDocument,
  previous: DocumentMetadata | undefined,
  context: MetadataContext,
): PermissionsDocument {
  const { _metadata: _replaced, ...content } = doc;
  return { ...content, _metadata: buildMetadata(content, previous, context) };
}

/**
 * The document as the decision engine needs it, for caches: the `_metadata` it reads (the identity marks of
 * namespaces.ts) without what only costs memory there (stamps, `sharedWith`).
 */
export function forEvaluation(doc: PermissionsDocument): PermissionsDocument {
  const { _metadata: metadata, ...rest } = doc;
  if (metadata === undefined || metadata === null || typeof metadata !== 'object') return rest;
  const marks: Partial<DocumentMetadata> = {};
  if (typeof metadata.incarnation === 'number') marks.incarnation = metadata.incarnation;
  if (metadata.namespace === true) marks.namespace = true;
  return Object.keys(marks).length === 0 ? rest : { ...rest, _metadata: marks as DocumentMetadata };
}

/** Distinct principals of every `_self` action list, sorted so equal documents get equal metadata. */
export function sharedWithOf(doc: PermissionsDocument): string[] {
  const self = actionMapOf(doc, SELF);
  if (self === undefined) return [];
  const principals = Object.values(self).flatMap((list) => (Array.isArray(list) ? list : []));
  return unique(principals.filter((entry): entry is string => typeof entry === 'string')).sort();
}
