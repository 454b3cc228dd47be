import { createDecisionMemo, memoKey } from '../src/questions/decision-memo';

const key = memoKey('https://iss#alice', '_self', 'read', 'all', 'http://example.com/a');

test('a remembered answer is served until the generation moves or the entry expires', () => {
  const memo = createDecisionMemo({ max: 10, ttlMs: 1000 });
  memo.set(key, true, ['http://example.com/a'], memo.generation(), 0);
  expect(memo.get(key, 500)).toMatchObject({ answer: true, scopes: ['http://example.com/a'] });
  expect(memo.get(key, 1000)).toBeUndefined();
  memo.set(key, true, [], memo.generation(), 0);
  memo.forgetAll();
  expect(memo.get(key, 1)).toBeUndefined();
});

test('an answer computed before an event landed is never remembered (no stale re-cache)', () => {
  const memo = createDecisionMemo({ max: 10, ttlMs: 1000 });
  const before = memo.generation();
  memo.forgetAll(); // an event arrives while the answer is being computed
  memo.set(key, true, [], before, 0);
  expect(memo.get(key, 1)).toBeUndefined();
});

test('keys of different principals, properties, actions, evidence or resources differ', () => {
  const keys = new Set([
    key,
    memoKey(null, '_self', 'read', 'all', 'http://example.com/a'),
    memoKey('https://iss#alice', 'other', 'read', 'all', 'http://example.com/a'),
    memoKey('https://iss#alice', '_self', 'update', 'all', 'http://example.com/a'),
    memoKey('https://iss#alice', '_self', 'read', 'documents', 'http://example.com/a'),
    memoKey('https://iss#alice', '_self', 'read', 'all', 'http://example.com/b'),
  ]);
  expect(keys.size).toBe(6);
});
