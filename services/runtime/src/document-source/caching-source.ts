import { LRUCache } from 'lru-cache';
import { forEvaluation, parentsOf, type DocumentLookup, type PermissionsDocument } from '@permissions/model';
import type { AncestorLoader, DocumentSource, SubjectEntry } from './types';
import { createInvalidationGuard } from './invalidation-guard';
import { createSingleFlight } from './single-flight';

export interface CachingSourceOptions {
  maxDocuments: number;
  /** How long "no document" is believed without asking again (CONTRACT §4.5). */
  negativeTtlMs: number;
  onLookup?: (result: 'hit' | 'miss' | 'negative') => void;
  /** Monotonic clock in ms for the negative TTL; injectable so tests can pass the TTL without waiting. */
  now?: () => number;
}

/** Frozen so that no caller can change what other requests will read. */
function freeze(document: PermissionsDocument): PermissionsDocument {
  return deepFreeze(forEvaluation(document)); // only the _metadata the engine reads: drop the rest's memory
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

/**
 * The runtime's documents: a bounded LRU of subject → document (or "none", with a TTL), filled by one recursive
 * query per miss (the resource and every ancestor), shared by concurrent misses, and guarded against re-caching a
 * version an event already replaced.
 */
export function createCachingSource(loader: AncestorLoader, options: CachingSourceOptions): DocumentSource {
  const clock = options.now;
  const cache = new LRUCache<string, SubjectEntry>({
    max: options.maxDocuments,
    ...(clock ? { perf: { now: clock }, ttlResolution: 0 } : {}),
  });
  const guard = createInvalidationGuard(Math.max(10_000, options.maxDocuments));
  const flights = createSingleFlight<string, Map<string, SubjectEntry | null>>();

  async function fill(subjects: string[], started: number): Promise<Map<string, SubjectEntry | null>> {
    const loaded = await loader(subjects);
    for (const [subject, entry] of loaded) {
      const frozen = entry?.document ? { document: freeze(entry.document), seq: entry.seq } : null;
      loaded.set(subject, frozen);
      if (!guard.mayStore(subject, started, frozen ? frozen.seq : null)) continue;
      if (frozen) cache.set(subject, frozen);
      else cache.set(subject, { document: null, seq: 0 }, { ttl: options.negativeTtlMs });
    }
    return loaded;
  }

  /**
   * Walks from `roots` through known documents, copying every entry met into `local` (the request's snapshot) and
   * returning the subjects known neither there nor to the cache. Answering from the snapshot keeps one request
   * consistent even if an event or the LRU removes an entry while it is being answered.
   */
  function snapshotReachable(roots: string[], local: Map<string, SubjectEntry | null>): string[] {
    const unknown: string[] = [];
    const seen = new Set<string>();
    const stack = [...roots];
    while (stack.length > 0) {
      const subject = stack.pop() as string;
      if (seen.has(subject)) continue;
      seen.add(subject);
      let entry = local.get(subject);
      if (entry === undefined) {
        entry = cache.get(subject);
        if (entry === undefined) {
          unknown.push(subject);
          continue;
        }
        local.set(subject, entry);
      }
      if (entry?.document) for (const parent of parentsOf(entry.document)) stack.push(parent);
    }
    return unknown;
  }

  return {
    async load(subjects) {
      const local = new Map<string, SubjectEntry | null>();
      let unknown = snapshotReachable(subjects, local);
      if (options.onLookup) {
        const missed = new Set(unknown);
        for (const s of subjects) {
          options.onLookup(missed.has(s) ? 'miss' : local.get(s)?.document ? 'hit' : 'negative');
        }
      }
      // Usually zero or one round trip: a fill brings every ancestor. Another round is needed only when an
      // ancestor was evicted while its heir stayed cached.
      for (let round = 0; unknown.length > 0 && round < 5; round++) {
        // The epoch is part of the key: a caller arriving after an invalidation must not join a fill that started
        // before it, or it would be answered from the version the event replaced (read-your-writes, B23).
        const started = guard.begin();
        const toLoad = unknown;
        const key = `${started}\n${toLoad.length === 1 ? toLoad[0] : toLoad.slice().sort().join('\n')}`;
        // What was loaded but not cached (an invalidation raced the fill) still answers this request.
        const loaded = await flights.run(key, () => fill(toLoad, started));
        for (const [subject, entry] of loaded) local.set(subject, entry);
        unknown = snapshotReachable(subjects, local);
      }
      const lookup: DocumentLookup = (subject) => local.get(subject)?.document ?? null;
      return lookup;
    },
    invalidate(subject, seq) {
      guard.invalidate(subject, seq);
      cache.delete(subject);
    },
    reset() {
      guard.invalidateAll();
      cache.clear();
    },
    stats: () => ({ documents: cache.size }),
  };
}
