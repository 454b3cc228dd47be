import type { PermissionsDocument } from '@permissions/model';
import { createCachingSource } from '../src/document-source/caching-source';
import { countingLoader } from './fakes';

const doc = (subject: string, parents: string[] = [], read: string[] = ['u']): PermissionsDocument => ({
  _subject: subject,
  ...(parents.length > 0 ? { _inheritsPermissionsOf: parents } : {}),
  _self: { read },
  _metadata: { sharedWith: read },
});

/** /a inherits from /p, which inherits from /g; /b stands alone. */
function setup(options: { maxDocuments?: number; maxBytes?: number } = {}) {
  const table = countingLoader({
    '/g': doc('/g'),
    '/p': doc('/p', ['/g']),
    '/a': doc('/a', ['/p']),
    '/b': doc('/b'),
  });
  let clock = 1_000;
  const source = createCachingSource(table.load, {
    maxDocuments: options.maxDocuments ?? 100,
    maxBytes: options.maxBytes ?? 1024 * 1024,
    negativeTtlMs: 5_000,
    now: () => clock,
  });
  return {
    table,
    source,
    lookups: () => {
      const { hits, misses, negative } = source.stats();
      return { hits, misses, negative };
    },
    advance(ms: number) {
      clock += ms;
    },
  };
}

test('a miss loads the resource and all its ancestors in one loader call; hits make no call', async () => {
  const { table, source, lookups } = setup();
  const lookup = await source.load(['/a']);
  expect(table.calls).toEqual([['/a']]);
  expect(lookup('/a')?._subject).toBe('/a');
  expect(lookup('/p')?._subject).toBe('/p');
  expect(lookup('/g')?._subject).toBe('/g');

  const again = await source.load(['/a']);
  const ancestor = await source.load(['/p', '/g']);
  expect(table.calls).toEqual([['/a']]);
  expect(again('/g')?._subject).toBe('/g');
  expect(ancestor('/p')?._inheritsPermissionsOf).toEqual(['/g']);
  expect(lookups()).toEqual({ hits: 3, misses: 1, negative: 0 });
  expect(source.stats().entries).toBe(3);
});

test('cached documents are frozen and carry no _metadata', async () => {
  const { source } = setup();
  const lookup = await source.load(['/b']);
  const b = lookup('/b') as PermissionsDocument;
  expect(b).toEqual({ _subject: '/b', _self: { read: ['u'] } });
  expect(Object.isFrozen(b)).toBe(true);
  expect(Object.isFrozen(b._self?.read)).toBe(true);
});

test('concurrent misses for the same resource share one loader call', async () => {
  const { table, source } = setup();
  const held = table.hold();
  const first = source.load(['/a']);
  const second = source.load(['/a']);
  held.open();
  const [one, two] = await Promise.all([first, second]);
  expect(table.calls).toEqual([['/a']]);
  expect(one('/g')?._subject).toBe('/g');
  expect(two('/g')?._subject).toBe('/g');
});

test('"no document" is cached for the negative TTL, then asked again', async () => {
  const { table, source, lookups, advance } = setup();
  expect((await source.load(['/none']))('/none')).toBeNull();
  advance(4_999);
  expect((await source.load(['/none']))('/none')).toBeNull();
  expect(table.calls).toEqual([['/none']]);

  advance(2);
  table.put(doc('/none'));
  expect((await source.load(['/none']))('/none')?._subject).toBe('/none');
  expect(table.calls).toEqual([['/none'], ['/none']]);
  expect(lookups()).toEqual({ hits: 0, misses: 2, negative: 1 });
});

test('a missing ancestor is cached as absent with the rest of the chain', async () => {
  const { table, source } = setup();
  table.put(doc('/orphan', ['/gone']));
  const lookup = await source.load(['/orphan']);
  expect(lookup('/gone')).toBeNull();
  await source.load(['/orphan', '/gone']);
  expect(table.calls).toEqual([['/orphan']]);
});

test('an invalidation removes exactly its subject: the next load reads only that one', async () => {
  const { table, source } = setup();
  await source.load(['/a', '/b']);
  expect(table.calls).toEqual([['/a', '/b']]);

  const seq = table.put(doc('/p', ['/g'], ['v']));
  source.invalidate('/p', seq);
  expect(source.stats().entries).toBe(3);
  const lookup = await source.load(['/a', '/b']);
  expect(table.calls).toEqual([['/a', '/b'], ['/p']]);
  expect(lookup('/p')?._self).toEqual({ read: ['v'] });
  expect(lookup('/a')?._self).toEqual({ read: ['u'] });
});

test('an invalidation also clears a cached "no document"', async () => {
  const { table, source } = setup();
  await source.load(['/late']);
  source.invalidate('/late', table.put(doc('/late')));
  expect((await source.load(['/late']))('/late')?._subject).toBe('/late');
  expect(table.calls).toEqual([['/late'], ['/late']]);
});

test('a fill racing an invalidation does not cache the version the event replaced', async () => {
  const { table, source } = setup();
  const held = table.hold();
  const racing = source.load(['/b']); // reads the old /b, then waits
  await Promise.resolve();
  source.invalidate('/b', table.put(doc('/b', [], ['v2'])));
  held.open();
  // The racing request was concurrent with the write: either version is a correct answer for it.
  expect((await racing)('/b')?._subject).toBe('/b');

  const next = await source.load(['/b']);
  expect(table.calls).toEqual([['/b'], ['/b']]);
  expect(next('/b')?._self).toEqual({ read: ['v2'] });
});

test('a request arriving after an invalidation does not join a fill that started before it', async () => {
  const { table, source } = setup();
  const held = table.hold();
  const before = source.load(['/b']);
  await Promise.resolve();
  source.invalidate('/b', table.put(doc('/b', [], ['v2'])));
  const after = source.load(['/b']);
  held.open();
  const [, fresh] = await Promise.all([before, after]);
  expect(table.calls).toEqual([['/b'], ['/b']]);
  expect(fresh('/b')?._self).toEqual({ read: ['v2'] });
  // The later fill read the announced version, so it was cached.
  await source.load(['/b']);
  expect(table.calls).toHaveLength(2);
});

test('a fill never caches a version older than the one an event announced', async () => {
  const { table, source } = setup();
  // The event for /b's next version arrives before any fill: a read still returning the older row must not stick.
  source.invalidate('/b', 1_000);
  expect((await source.load(['/b']))('/b')?._subject).toBe('/b');
  await source.load(['/b']);
  expect(table.calls).toEqual([['/b'], ['/b']]);
});

test('reset drops every entry, documents and negatives, and any fill in flight', async () => {
  const { table, source } = setup();
  await source.load(['/a', '/none']);
  source.reset();
  expect(source.stats().entries).toBe(0);
  await source.load(['/a', '/none']);
  expect(table.calls).toEqual([
    ['/a', '/none'],
    ['/a', '/none'],
  ]);

  const held = table.hold();
  const racing = source.load(['/b']);
  await Promise.resolve();
  source.reset();
  held.open();
  await racing;
  await source.load(['/b']);
  expect(table.calls.slice(2)).toEqual([['/b'], ['/b']]);
});

test('with a cache smaller than a chain, the request is still answered from everything it loaded', async () => {
  const { table, source } = setup({ maxDocuments: 2 });
  const lookup = await source.load(['/a']);
  expect([lookup('/a'), lookup('/p'), lookup('/g')].map((d) => d?._subject)).toEqual(['/a', '/p', '/g']);
  // /a was evicted by its own ancestors; the next load fetches what is missing again, still one call per round.
  const again = await source.load(['/a']);
  expect(again('/g')?._subject).toBe('/g');
  expect(table.calls[0]).toEqual(['/a']);
});

test('a load answered entirely from the cache needs no promise', async () => {
  const { source } = setup();
  await source.load(['/a']);
  const cached = source.load(['/a', '/p']);
  expect(cached).not.toBeInstanceOf(Promise);
});

test('the cache is bounded in bytes as well as entries, keys and "no document" entries included (issue 10.6)', async () => {
  const rows: Record<string, PermissionsDocument> = {};
  for (let i = 0; i < 50; i++) rows[`/big${i}`] = doc(`/big${i}`, [], [`u${'x'.repeat(2000)}`]);
  const table = countingLoader(rows);
  const source = createCachingSource(table.load, { maxDocuments: 1000, maxBytes: 20_000, negativeTtlMs: 5_000 });
  for (let i = 0; i < 50; i++) await source.load([`/big${i}`]);
  for (let i = 0; i < 50; i++) await source.load([`/none${i}-${'y'.repeat(500)}`]);
  const { entries, bytes, maxBytes } = source.stats();
  expect(bytes).toBeLessThanOrEqual(maxBytes);
  expect(entries).toBeLessThan(100);
  // The most recent entries are the ones kept.
  expect(source.load([`/none49-${'y'.repeat(500)}`])).not.toBeInstanceOf(Promise);
});

test('a subject longer than 16 KiB is answered but never kept, as a document or as "no document" (issue 18.9)', async () => {
  const { table, source } = setup();
  const huge = `/${'x'.repeat(900 * 1024)}`;
  for (let i = 0; i < 3; i++) expect((await source.load([huge]))(huge)).toBeNull();
  expect(table.calls).toHaveLength(3);
  expect(source.stats()).toMatchObject({ entries: 0, bytes: 0 });
});

test('expired "no document" entries are purged, not just ignored when met again', async () => {
  const { source, advance } = setup();
  await source.load(['/nothing-here']);
  expect(source.stats().entries).toBe(1);
  advance(5_001);
  source.purgeStale();
  expect(source.stats()).toMatchObject({ entries: 0, bytes: 0 });
});
