import { askerKey, createDecisionMemo } from '../src/questions/decision-memo';

const key = askerKey('https://iss#alice', '_self', 'read', 'all');
const resource = 'http://example.com/a';

test('a remembered answer is served until the generation moves', () => {
  const memo = createDecisionMemo({ max: 10, ttlMs: 1000 });
  memo.set(key, resource, true, [resource], memo.generation(), 0);
  expect(memo.asker(key)?.answers.get(resource)).toMatchObject({ answer: true, scopes: [resource], expiresAt: 1000 });
  memo.forgetAll();
  expect(memo.asker(key)).toBeUndefined();
});

test('an answer computed before an event landed is never remembered (no stale re-cache)', () => {
  const memo = createDecisionMemo({ max: 10, ttlMs: 1000 });
  const before = memo.generation();
  memo.forgetAll(); // an event arrives while the answer is being computed
  memo.set(key, resource, true, [], before, 0);
  expect(memo.asker(key)).toBeUndefined();
});

test('at most max answers are kept', () => {
  const memo = createDecisionMemo({ max: 20, ttlMs: 1000 });
  for (let i = 0; i < 100; i++) memo.set(key, `r${i}`, true, [], memo.generation(), 0);
  expect(memo.asker(key)?.answers.size).toBeLessThanOrEqual(20);
  expect(memo.asker(key)?.answers.get('r99')?.answer).toBe(true);
});

test('keys of different principals, properties, actions or evidence differ', () => {
  const keys = new Set([
    key,
    askerKey(null, '_self', 'read', 'all'),
    askerKey('https://iss#alice', 'other', 'read', 'all'),
    askerKey('https://iss#alice', '_self', 'update', 'all'),
    askerKey('https://iss#alice', '_self', 'read', 'documents'),
  ]);
  expect(keys.size).toBe(5);
});
