import type { Evidence } from '@permissions/model';
import type { Asked, Decider, Decisions } from '../src/decisions/decider';
import { askerKey, createRememberingDecider } from '../src/decisions/remembering-decider';

/** An inner decider answering `true` for every resource (scopes: the resource itself), counting its calls. */
function countingDecider(answer: boolean | null = true) {
  const calls: string[][] = [];
  const decider: Decider = {
    isAllowed(asked: Asked, _action: string, _evidence: Evidence, withScopes: boolean): Promise<Decisions> {
      calls.push([...asked.resources]);
      return Promise.resolve({
        allowed: answer,
        answers: asked.resources.map(() => answer),
        scopes: withScopes ? asked.resources.map((r) => [r]) : undefined,
      });
    },
    allowedActions: async () => ['read'],
  };
  return { decider, calls };
}

const asked = (resources: string[]): Asked => ({ principal: 'https://iss#alice', resources, property: '_self' });

function setup(options: { maxAnswers?: number; maxBytes?: number } = {}) {
  const inner = countingDecider();
  let clock = 1_000; // lru-cache takes a start time of 0 for "no TTL"
  const memo = createRememberingDecider(inner.decider, {
    maxAnswers: options.maxAnswers ?? 100,
    maxBytes: options.maxBytes ?? 1024 * 1024,
    ttlMs: 1000,
    now: () => clock,
  });
  return { inner, memo, advance: (ms: number) => (clock += ms) };
}

test('a repeated question is answered from memory, synchronously, until something changes', async () => {
  const { inner, memo } = setup();
  const first = await memo.decider.isAllowed(asked(['/a', '/b']), 'read', 'all', false);
  const again = memo.decider.isAllowed(asked(['/b', '/a']), 'read', 'all', false);
  expect(again).not.toBeInstanceOf(Promise);
  expect(again).toEqual(first);
  expect(inner.calls).toEqual([['/a', '/b']]);
  memo.forgetAll();
  await memo.decider.isAllowed(asked(['/a']), 'read', 'all', false);
  expect(inner.calls).toHaveLength(2);
  expect(memo.stats()).toMatchObject({ hits: 2, misses: 3 });
});

test('an answer computed while an event landed is never remembered (no stale re-cache)', async () => {
  const { inner, memo } = setup();
  const computing = memo.decider.isAllowed(asked(['/a']), 'read', 'all', false);
  memo.forgetAll(); // the event arrives while the answer is being computed
  await computing;
  await memo.decider.isAllowed(asked(['/a']), 'read', 'all', false);
  expect(inner.calls).toHaveLength(2);
});

test('answers remembered without scopes do not answer a question that wants them', async () => {
  const { inner, memo } = setup();
  await memo.decider.isAllowed(asked(['/a']), 'read', 'all', false);
  const scoped = await memo.decider.isAllowed(asked(['/a']), 'read', 'all', true);
  expect(scoped.scopes).toEqual([['/a']]);
  expect(memo.decider.isAllowed(asked(['/a']), 'read', 'all', true)).toEqual(scoped);
  expect(memo.decider.isAllowed(asked(['/a']), 'read', 'all', false)).toMatchObject({ allowed: true });
  expect(inner.calls).toHaveLength(2);
});

test('answers expire with the negative TTL, and purging drops them and their bytes', async () => {
  const { inner, memo, advance } = setup();
  await memo.decider.isAllowed(asked(['/a']), 'read', 'all', false);
  expect(memo.stats().entries).toBe(1);
  advance(1001);
  memo.purgeStale();
  expect(memo.stats()).toMatchObject({ entries: 0, bytes: 0 });
  await memo.decider.isAllowed(asked(['/a']), 'read', 'all', false);
  expect(inner.calls).toHaveLength(2);
});

test('at most maxAnswers answers and maxBytes bytes are kept; the least recently asked go first', async () => {
  const { memo } = setup({ maxAnswers: 20, maxBytes: 4096 });
  for (let i = 0; i < 100; i++) await memo.decider.isAllowed(asked([`/r${i}`]), `action${i % 7}`, 'all', false);
  expect(memo.stats().entries).toBeLessThanOrEqual(20);
  expect(memo.stats().bytes).toBeLessThanOrEqual(4096);
  expect(memo.decider.isAllowed(asked(['/r99']), 'action1', 'all', false)).not.toBeInstanceOf(Promise);
});

test('a resource name longer than 16 KiB is answered but never remembered (issue 18.9)', async () => {
  const { inner, memo } = setup();
  const huge = `/${'x'.repeat(900 * 1024)}`;
  for (let i = 0; i < 3; i++) {
    expect(await memo.decider.isAllowed(asked([huge]), 'read', 'all', false)).toMatchObject({ allowed: true });
  }
  expect(inner.calls).toHaveLength(3);
  expect(memo.stats().bytes).toBeLessThan(1024);
});

test('keys of different principals, properties, actions or evidence differ', () => {
  const keys = new Set([
    askerKey('https://iss#alice', '_self', 'read', 'all'),
    askerKey(null, '_self', 'read', 'all'),
    askerKey('https://iss#alice', 'other', 'read', 'all'),
    askerKey('https://iss#alice', '_self', 'update', 'all'),
    askerKey('https://iss#alice', '_self', 'read', 'documents'),
  ]);
  expect(keys.size).toBe(5);
});
