import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { LeanHistogram } from './lean-histogram';

/**
 * What a cache reports: plain counters it keeps itself (an increment on the hot path, never a prom-client call),
 * read when /metrics is scraped.
 */
export interface CacheStats {
  entries: number;
  /** Estimated bytes held (keys included). */
  bytes: number;
  /** The byte bound. */
  maxBytes: number;
  hits: number;
  misses: number;
  /** Lookups answered by a cached "nothing there" (the document cache's negative entries). */
  negative?: number;
}

export interface Metrics {
  registry: Registry;
  /** Labels: service, method, status. */
  httpDuration: LeanHistogram;
  /** Adds a cache to `cache_lookups_total`, `cache_entries`, `cache_bytes` and `cache_max_bytes` under `name`. */
  registerCache(name: string, stats: () => CacheStats): void;
}

/** One registry per process; the all-in-one shares it between services (the `service` label tells them apart). */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const caches = new Map<string, () => CacheStats>();
  const each = (read: (name: string, stats: CacheStats) => void) => {
    for (const [name, stats] of caches) read(name, stats());
  };
  new Counter({
    name: 'cache_lookups_total',
    help: 'Cache lookups by cache and result (hit, miss, negative)',
    labelNames: ['cache', 'result'],
    registers: [registry],
    collect() {
      this.reset();
      each((cache, s) => {
        this.inc({ cache, result: 'hit' }, s.hits);
        this.inc({ cache, result: 'miss' }, s.misses);
        if (s.negative !== undefined) this.inc({ cache, result: 'negative' }, s.negative);
      });
    },
  });
  const gauge = (name: string, help: string, read: (s: CacheStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['cache'],
      registers: [registry],
      collect() {
        this.reset();
        each((cache, s) => this.set({ cache }, read(s)));
      },
    });
  gauge('cache_entries', 'Entries held by each cache', (s) => s.entries);
  gauge('cache_bytes', 'Estimated bytes held by each cache, keys included', (s) => s.bytes);
  gauge('cache_max_bytes', 'Byte bound of each cache (CACHE_MAX_BYTES, shared out)', (s) => s.maxBytes);
  return {
    registry,
    httpDuration: new LeanHistogram(
      'http_request_duration_seconds',
      'HTTP request latency',
      ['service', 'method', 'status'],
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registry,
    ),
    registerCache(name, stats) {
      caches.set(name, stats);
    },
  };
}
