import type { DocumentLookup, PermissionsDocument } from '@permissions/model';
import type { CacheStats } from '@permissions/http-kit';
import type { MaybePromise } from '../slices';

/** A subject's state as the runtime knows it: its document (null = none) and the event seq it was written at. */
export interface SubjectEntry {
  document: PermissionsDocument | null;
  seq: number;
}

/** The documents needed to answer questions about some resources: each resource and all its ancestors. */
export interface DocumentSource {
  /**
   * Ensures every subject and all its ancestors are known; returns a synchronous lookup over them (a snapshot: it
   * does not change while the request uses it), without a promise when all of them were cached.
   */
  load(subjects: readonly string[]): MaybePromise<DocumentLookup>;
  /** An event announced that `subject` changed at `seq`: forget it, and never re-cache an older version. */
  invalidate(subject: string, seq: number): void;
  /** Forget everything (the listener fell behind the event retention window). */
  reset(): void;
  /** Drops entries whose time is up ("no document" is believed for a while only). */
  purgeStale(): void;
  stats(): CacheStats;
}

/** Loads subjects and all their ancestors in one round trip. Subjects without a document map to null. */
export type AncestorLoader = (subjects: string[]) => Promise<Map<string, SubjectEntry | null>>;
