import { createCachingSource, type SubjectEntry } from '@permissions/runtime';

/**
 * Heap bytes per cached document, measured in a process of its own (run with --expose-gc): the runtime's caching
 * source is filled with N typical documents (two parents, five actions with two principals each, metadata) and the
 * heap is compared after full collections. Printed beside the bytes the cache's own estimate counts for them, which
 * is what CACHE_MAX_BYTES bounds: the estimate should not be below the heap.
 */
const COUNT = Number(process.argv[2] ?? 20_000);
const ISSUER = 'https://login.example.com';

function typicalDocument(i: number) {
  const p = (n: number) => `${ISSUER}#${(i * 7 + n).toString(16).padStart(8, '0')}-5b2c-4d3e-9a51-0a1f3e6d7a01`;
  return {
    _subject: `https://api.example.com/v1/o/org${i % 100}/apps/app-${i}`,
    _inheritsPermissionsOf: [
      `https://api.example.com/v1/o/org${i % 100}`,
      `/az-tm-amber-birch-${(i % 100).toString(16).padStart(24, '0')}`,
    ],
    _self: { read: [p(1), p(2)], update: [p(1)], delete: [p(1)], admin: [p(3)], govern: [p(3)] },
    _permissionsHeirs: { add: [p(1)], read: [p(2)], remove: [p(1)] },
    _metadata: { creator: p(1), created: new Date().toISOString(), sharedWith: [p(1), p(2), p(3)] },
  };
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const source = createCachingSource(
    async (subjects) => {
      const map = new Map<string, SubjectEntry | null>();
      for (const s of subjects) map.set(s, { document: typicalDocument(Number(s)), seq: Number(s) + 1 });
      // Parents are answered as absent so that only the N documents themselves are cached.
      for (const s of subjects)
        for (const parent of typicalDocument(Number(s))._inheritsPermissionsOf) map.set(parent, null);
      return map;
    },
    { maxDocuments: COUNT * 4, maxBytes: 2 ** 40, negativeTtlMs: 3_600_000 },
  );
  const ids = Array.from({ length: COUNT }, (_, i) => String(i));
  await source.load(['warm-up']);
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (const id of ids) await source.load([id]);
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  const stats = source.stats();
  process.stdout.write(
    JSON.stringify({
      documents: COUNT,
      cacheEntries: stats.entries,
      bytesPerDocument: Math.round((after - before) / COUNT),
      estimatedBytesPerDocument: Math.round(stats.bytes / COUNT),
      documentJsonBytes: JSON.stringify(typicalDocument(0)).length,
    }),
  );
}

void main();
