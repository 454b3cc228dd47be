import { LRUCache } from 'lru-cache';
import { forEvaluation, parentsOf, snapshotLookup, type DocumentLookup } from '@permissions/model';
import { freezeAndMeasure, MAX_CACHED_KEY_LENGTH, stringBytes } from '../caches/byte-size';
import { inSlices } from '../slices';
import type { AncestorLoader, DocumentSource, SubjectEntry } from './types';
import { createInvalidationGuard } from './invalidation-guard';
import { createSingleFlight } from './single-flight';

export interface CachingSourceOptions {
  maxDocuments: number;
  /** Bound of the estimated bytes held, keys and negative entries included. */
  maxBytes: number;
  /** How long "no document" is believed without asking again (CONTRACT §4.5). */
  negativeTtlMs: number;
  /** Monotonic clock in ms for the negative TTL; injectable so tests can pass the TTL without waiting. */
  now?: () => number;
}

/** An entry with what it costs: the document (frozen, with only the `_metadata` the engine reads) and its key. */
interface Sized extends SubjectEntry {
  size: number;
}

/** Besides the key: the entry object, the LRU's slots and the key's map entry. */
const ENTRY_OVERHEAD = 192;

/**
 * Frozen so that no caller can change what other requests will read. Of `_metadata` only the identity marks the
 * engine reads are kept (`forEvaluation`: a role's liveness, namespaces); the stamps and `sharedWith` only cost memory.
 */
function frozenEntry(subject: string, entry: SubjectEntry | null): Sized | null {
  if (!entry?.document) return null;
  const document = forEvaluation(entry.document);
  const size = ENTRY_OVERHEAD + stringBytes(subject) + freezeAndMeasure(document);
  return Object.freeze({ document, seq: entry.seq, size });
}

/**
 * The runtime's documents: a bounded LRU (entries and bytes) of subject → document, or "none" with a TTL, filled by
 * one recursive query per miss (the resource and every ancestor), shared by concurrent misses, and guarded against
 * re-caching a version an event already replaced. Subjects longer than any real one could be are answered but never
 * kept.
 */
export function createCachingSource(loader: AncestorLoader, options: CachingSourceOptions): DocumentSource {
  const clock = options.now;
  const cache = new LRUCache<string, Sized>({
    max: options.maxDocuments,
    maxSize: options.maxBytes,
    sizeCalculation: (entry) => entry.size,
    ...(clock ? { perf: { now: clock }, ttlResolution: 0 } : {}),
  });
  const guard = createInvalidationGuard({
    maxKeys: Math.max(10_000, options.maxDocuments),
    maxBytes: options.maxBytes,
  });
  const flights = createSingleFlight<string, Map<string, SubjectEntry | null>>();
  const counts = { hits: 0, misses: 0, negative: 0 };

  async function fill(subjects: string[], started: number): Promise<Map<string, SubjectEntry | null>> {
    const loaded = await loader(subjects);
    const entries = [...loaded];
    // Freezing and measuring 600 documents of 95 KB is real work: done in slices like any large question.
    await inSlices(entries.length, (i) => {
      const [subject, entry] = entries[i];
      const sized = frozenEntry(subject, entry);
      loaded.set(subject, sized);
      if (subject.length > MAX_CACHED_KEY_LENGTH || !guard.mayStore(subject, started, sized ? sized.seq : null)) return;
      if (sized) cache.set(subject, sized);
      else {
        const none: Sized = { document: null, seq: 0, size: ENTRY_OVERHEAD + stringBytes(subject) };
        cache.set(subject, none, { ttl: options.negativeTtlMs });
      }
    });
    return loaded;
  }

  /**
   * Walks from `roots` through known documents, copying every entry met into `local` (the request's snapshot) and
   * returning the subjects known neither there nor to the cache. Answering from the snapshot keeps one request
   * consistent even if an event or the LRU removes an entry while it is being answered.
   */
  function snapshotReachable(roots: readonly string[], local: Map<string, SubjectEntry | null>): string[] {
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

  function lookupOver(local: Map<string, SubjectEntry | null>): DocumentLookup {
    // A snapshot: the engine may share walks between the questions of this request.
    return snapshotLookup((subject) => local.get(subject)?.document ?? null);
  }

  function count(subjects: readonly string[], local: Map<string, SubjectEntry | null>, unknown: string[]): void {
    const missed = unknown.length === 0 ? undefined : new Set(unknown);
    for (const subject of subjects) {
      if (missed?.has(subject)) counts.misses++;
      else if (local.get(subject)?.document) counts.hits++;
      else counts.negative++;
    }
  }

  async function loadMissing(
    subjects: readonly string[],
    local: Map<string, SubjectEntry | null>,
    unknown: string[],
  ): Promise<DocumentLookup> {
    // Usually one round trip: a fill brings every ancestor. Another is needed only when an ancestor was evicted
    // while its heir stayed cached.
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
    return lookupOver(local);
  }

  return {
    load(subjects) {
      const local = new Map<string, SubjectEntry | null>();
      const unknown = snapshotReachable(subjects, local);
      count(subjects, local, unknown);
      return unknown.length === 0 ? lookupOver(local) : loadMissing(subjects, local, unknown);
    },
    invalidate(subject, seq) {
      guard.invalidate(subject, seq);
      cache.delete(subject);
    },
    reset() {
      guard.invalidateAll();
      cache.clear();
    },
    purgeStale() {
      cache.purgeStale();
    },
    stats: () => ({
      entries: cache.size,
      bytes: cache.calculatedSize,
      maxBytes: options.maxBytes,
      hits: counts.hits,
      misses: counts.misses,
      negative: counts.negative,
    }),
  };
}
