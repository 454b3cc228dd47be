import { actionMapOf, SELF } from './action-maps';
import { unique } from './plain-data';
import type { DocumentMetadata, PermissionsDocument } from './types';

export interface MetadataContext {
  /** Who makes the change; `null` for a client acting without a user (then creator/modifier are left out). */
  principal: string | null;
  /** ISO timestamp supplied by the caller: the model has no clock. */
  now: string;
  isCreate: boolean;
}

/**
 * Server-maintained `_metadata` (reference §3.1). On update the creator and creation time are carried over from the
 * previous metadata (fix of B11: the reference overwrote them on every PATCH).
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
  } else {
    if (previous?.creator !== undefined) stamps.creator = previous.creator;
    if (previous?.created !== undefined) stamps.created = previous.created;
    if (context.principal !== null) stamps.modifier = context.principal;
    stamps.modified = context.now;
  }
  return { ...stamps, sharedWith: sharedWithOf(doc) };
}

/** Distinct principals of every `_self` action list, sorted so equal documents get equal metadata. */
export function sharedWithOf(doc: PermissionsDocument): string[] {
  const self = actionMapOf(doc, SELF);
  if (self === undefined) return [];
  const principals = Object.values(self).flatMap((list) => (Array.isArray(list) ? list : []));
  return unique(principals.filter((entry): entry is string => typeof entry === 'string')).sort();
}
