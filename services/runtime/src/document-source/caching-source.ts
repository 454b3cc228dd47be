import { LRUCache } from 'lru-cache';
import { parentsOf, type DocumentLookup, type PermissionsDocument } from '@permissions/model';
import type { AncestorLoader, DocumentSource, SubjectEntry } from './types';
import { createInvalidationGuard } from './invalidation-guard';
import { createSingleFlight } from './single-flight';

export interface CachingSourceOptions {
  maxDocuments: number;
  /** How long "no document" is believed without asking again (CONTRACT §4.5). */
  negativeTtlMs: number;
  onLookup?: (result: 'hit' | 'miss' | 'negative') => void;
}

/** Frozen so that no caller can change what other requests will read. */
function freeze(document: PermissionsDocument): PermissionsDocument {
  const { _metadata: _ignored, ...rest } = document; // the engine never reads _metadata; drop its memory
  return deepFreeze(rest) as PermissionsDocument;
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
  const cache = new LRUCache<string, SubjectEntry>({ max: options.maxDocuments });
  const guard = createInvalidationGuard(Math.max(10_000, options.maxDocuments));
  const flights = createSingleFlight<string, Map<string, SubjectEntry | null>>();

  async function fill(subjects: string[]): Promise<Map<string, SubjectEntry | null>> {
    const started = guard.begin();
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

  /** Subjects reachable from `roots` known neither to the cache nor to `local`, walking through known documents. */
  function unknownReachable(roots: string[], local: Map<string, SubjectEntry | null>): string[] {
    const unknown: string[] = [];
    const seen = new Set<string>();
    const stack = [...roots];
    while (stack.length > 0) {
      const subject = stack.pop() as string;
      if (seen.has(subject)) continue;
      seen.add(subject);
      const entry = cache.get(subject) ?? local.get(subject);
      if (entry === undefined) {
        unknown.push(subject);
        continue;
      }
      if (entry?.document) for (const parent of parentsOf(entry.document)) stack.push(parent);
    }
    return unknown;
  }

  return {
    async load(subjects) {
      // What this call loaded but could not cache (an invalidation raced the fill) still answers this call only.
      const local = new Map<string, SubjectEntry | null>();
      let unknown = unknownReachable(subjects, local);
      if (options.onLookup) {
        for (const s of subjects) {
          options.onLookup(unknown.includes(s) ? 'miss' : cache.peek(s)?.document ? 'hit' : 'negative');
        }
      }
      // Usually zero or one round trip: a fill brings every ancestor. Another round is needed only when an
      // ancestor was evicted while its heir stayed cached.
      for (let round = 0; unknown.length > 0 && round < 5; round++) {
        const key = unknown.length === 1 ? unknown[0] : unknown.slice().sort().join('\n');
        const loaded = await flights.run(key, () => fill(unknown));
        for (const [subject, entry] of loaded) local.set(subject, entry);
        unknown = unknownReachable(subjects, local);
      }
      const lookup: DocumentLookup = (subject) => {
        const entry = cache.get(subject) ?? local.get(subject);
        return entry?.document ?? null;
      };
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
