import { LRUCache } from 'lru-cache';
import { stringBytes } from '../caches/byte-size';

export interface InvalidationGuardOptions {
  maxKeys: number;
  /** The invalidation times kept are bounded in bytes too (their keys are subjects and principals). */
  maxBytes: number;
}

/**
 * Settles the race between a cache fill and an invalidation (reference B23): a fill may only store what it read
 * if no invalidation of that key happened since the fill started, and never a version older than one an event
 * announced. Invalidation times are kept per key in a bounded LRU; when one is evicted, its epoch raises a floor
 * below which every fill is considered stale (safe: at worst a fill is not cached).
 */
export function createInvalidationGuard(options: InvalidationGuardOptions) {
  let epoch = 0;
  let evictedFloor = 0;
  const invalidated = new LRUCache<string, { epoch: number; seq: number }>({
    max: options.maxKeys,
    // A sixteenth of the cache's own budget: these are only keys and two numbers each.
    maxSize: Math.max(64 * 1024, Math.floor(options.maxBytes / 16)),
    sizeCalculation: (_value, key) => 64 + stringBytes(key),
    dispose: (value, _key, reason) => {
      if (reason === 'evict') evictedFloor = Math.max(evictedFloor, value.epoch);
    },
  });
  return {
    /** Call before starting a fill; pass the result to `mayStore`. */
    begin(): number {
      return epoch;
    },
    invalidate(key: string, seq: number): void {
      epoch += 1;
      const previous = invalidated.get(key);
      // A key too large to be kept raises the floor instead: fills started before now are not stored.
      if (!invalidated.set(key, { epoch, seq: Math.max(seq, previous?.seq ?? 0) }).has(key)) evictedFloor = epoch;
    },
    /** Everything before now is stale for fills that started before now. */
    invalidateAll(): void {
      epoch += 1;
      evictedFloor = epoch;
      invalidated.clear();
    },
    /** `seq` null = "no document" (a deletion's event seq cannot be compared with an absent row). */
    mayStore(key: string, fillStartedAt: number, seq: number | null): boolean {
      if (fillStartedAt < evictedFloor) return false;
      const entry = invalidated.peek(key);
      if (entry === undefined) return true;
      return entry.epoch <= fillStartedAt && (seq === null || seq >= entry.seq);
    },
  };
}
