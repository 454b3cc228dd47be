import { randomBytes } from 'node:crypto';
import type { PermissionsDocument, Team } from '@permissions/model';
import type { Store } from '../../types';
import type { RawReads } from '../raw-reads';

/** What each conformance test gets: the store under test, raw reads of it, and names no other test uses. */
export interface ConformanceContext {
  store(): Store;
  raw(): RawReads;
  /** A subject (or team id, principal) unique to the running test: `name('a')` → `/conf-1a2b3c/a`. */
  name(local: string): string;
  /** Whether some write is blocked on a lock right now. */
  waitingForLock(): Promise<boolean>;
}

export function uniquePrefix(): string {
  return `/conf-${randomBytes(5).toString('hex')}`;
}

export function documentFor(
  subject: string,
  options: { parents?: string[]; sharedWith?: string[]; extra?: Record<string, unknown> } = {},
): PermissionsDocument {
  return {
    _subject: subject,
    ...(options.parents ? { _inheritsPermissionsOf: options.parents } : {}),
    _self: { govern: ['https://issuer.example#owner'], read: options.sharedWith ?? [] },
    _metadata: { creator: 'https://issuer.example#owner', sharedWith: options.sharedWith ?? [] },
    'test-data': true,
    ...options.extra,
  };
}

/**
 * The document as the store keeps it: as given, with its incarnation (the seq of its create) in `_metadata`, which
 * the database sets and keeps (CONTRACT §4.8).
 */
export function asStored(document: PermissionsDocument, incarnation: number | null | undefined): PermissionsDocument {
  return { ...document, _metadata: { sharedWith: [], ...document._metadata, incarnation: incarnation ?? undefined } };
}

export function teamWith(members: string[], extra: Record<string, unknown> = {}): Team {
  return { isA: 'Team', name: 'conformance team', members, ...extra };
}

/**
 * Creates documents in one write (so a parent may be listed after its heir, and a cycle closed: every parent must
 * exist only when the write commits) and returns their seqs.
 */
export async function createDocuments(store: Store, documents: PermissionsDocument[]): Promise<number[]> {
  const { result } = await store.write(async (tx) => {
    const seqs: number[] = [];
    for (const document of documents) seqs.push(await tx.createDocument(document));
    return seqs;
  });
  return result;
}

/** The rejection of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but it resolved');
}
