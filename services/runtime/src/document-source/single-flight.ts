/**
 * Concurrent callers asking for the same key share one in-flight promise, so a burst of misses on one resource
 * costs one query (STYLE: cache → single-flight → loader).
 */
export function createSingleFlight<K, V>() {
  const inFlight = new Map<K, Promise<V>>();
  return {
    run(key: K, work: () => Promise<V>): Promise<V> {
      const existing = inFlight.get(key);
      if (existing) return existing;
      const promise = work().finally(() => inFlight.delete(key));
      inFlight.set(key, promise);
      return promise;
    },
    get size() {
      return inFlight.size;
    },
  };
}
