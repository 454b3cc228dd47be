import { auth, cacheMetric, createDocument, createTeam, governed, subjectFor, useStack } from './runtime-fixtures';

/**
 * CONTRACT §4.9/§4.10 on the runtime: what one principal can make it spend is bounded. Correct answers to
 * pathological questions here; how long they take, and how long they hold the event loop, is measured by
 * `pnpm bench` (never asserted in a test).
 */
const rt = useStack({ CACHE_MAX_BYTES: '4mb' });

async function post(body: Record<string, unknown>, who: 'alice' | 'bob' = 'alice') {
  const res = await rt().stack.http.post('/az-is-allowed').set(auth(rt().tokens[who])).send(body);
  expect({ status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({ status: 200, body: 'ok' });
  return res.body as unknown;
}

test('a team of 4 600 path patterns on a base answers a 1 000-resource question under it correctly (issue 10.3)', async () => {
  const r = rt();
  const base = subjectFor('patterns');
  await createDocument(r, governed(r, base));
  const patterns: Record<string, string[]> = {};
  for (let i = 0; i < 4600; i++) patterns[`/p${i}/*`] = ['read'];
  const { seq } = await createTeam(r, { members: [r.p.bob], roles: { [base]: patterns } });
  const resources = [
    ...Array.from({ length: 900 }, (_, i) => `${base}/p${i * 5}/x`),
    ...Array.from({ length: 100 }, (_, i) => `${base}/q${i}`), // no pattern covers these
  ];
  const answer = (await post(
    { resource: resources, user: r.p.bob, action: 'read', withIndividualAnswers: true, atLeast: String(seq) },
    'bob',
  )) as { allowed: unknown; answers: Record<string, unknown> };
  expect(answer.allowed).toBeNull();
  for (const resource of resources.slice(0, 900)) expect(answer.answers[resource]).toBe(true);
  for (const resource of resources.slice(900)) expect(answer.answers[resource]).toBeNull();
});

test('a 600-deep chain asked about 1 000 times in one question, with any action, is answered (issue 18.11)', async () => {
  const r = rt();
  const top = subjectFor('deep');
  await r.stack.db.store.write(async (tx) => {
    for (let depth = 0; depth < 600; depth++) {
      await tx.createDocument({
        _subject: `${top}/d${depth}`,
        ...(depth === 0
          ? { _self: { govern: [r.p.alice], read: [r.p.alice] } }
          : { _inheritsPermissionsOf: [`${top}/d${depth - 1}`] }),
      });
    }
  });
  const leaf = `${top}/d599`;
  const question = (action: string) => ({
    resource: Array.from({ length: 1000 }, () => leaf),
    user: r.p.alice,
    action,
    withIndividualAnswers: true,
  });
  expect(await post(question('read'))).toEqual({ allowed: true, scopes: null, answers: { [leaf]: true } });
  expect(await post(question('update'))).toEqual({ allowed: null, scopes: null, answers: { [leaf]: null } });
  const scoped = (await post({ resource: leaf, user: r.p.alice, action: 'govern', withScopes: true })) as {
    scopes: Record<string, string[]>;
  };
  expect(scoped.scopes[leaf]).toHaveLength(600);
});

test('questions about 900 KB resource names leave nothing behind in the caches (issue 18.9)', async () => {
  const r = rt();
  for (let i = 0; i < 20; i++) {
    const name = `http://example.com/${i}-${'x'.repeat(900 * 1024)}`;
    expect(await post({ resource: name, user: r.p.alice, action: `read${i % 3}` })).toBeNull();
  }
  expect(await cacheMetric(r, 'cache_bytes', 'documents')).toBeLessThan(1024 * 1024);
  expect(await cacheMetric(r, 'cache_bytes', 'decisions')).toBeLessThan(1024 * 1024);
});

test('150 documents of 95 KB in one chain stay within the byte bound of the document cache (issue 10.6)', async () => {
  const r = rt();
  const top = subjectFor('heavy');
  await r.stack.db.store.write(async (tx) => {
    for (let depth = 0; depth < 150; depth++) {
      await tx.createDocument({
        _subject: `${top}/d${depth}`,
        ...(depth === 0 ? { _self: { govern: [r.p.alice], read: [r.p.alice] } } : {}),
        ...(depth > 0 ? { _inheritsPermissionsOf: [`${top}/d${depth - 1}`] } : {}),
        notes: `${depth}`.padEnd(95_000, '.'),
      });
    }
  });
  expect(await post({ resource: `${top}/d149`, user: r.p.alice, action: 'read' })).toBe(true);
  const bytes = await cacheMetric(r, 'cache_bytes', 'documents');
  const bound = await cacheMetric(r, 'cache_max_bytes', 'documents');
  expect(bound).toBe(2 * 1024 * 1024); // half of CACHE_MAX_BYTES
  expect(bytes).toBeLessThanOrEqual(bound);
  // Still answered correctly, though the chain does not fit in the cache.
  expect(await post({ resource: `${top}/d149`, user: r.p.alice, action: 'read' })).toBe(true);
});
