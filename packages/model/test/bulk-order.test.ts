import fc from 'fast-check';
import { orderBulk, type BulkItem, type DocumentLookup, type PermissionsDocument } from '../src';

const none: DocumentLookup = () => null;

function storedOf(docs: Array<[string, string[]]>): DocumentLookup {
  const map = new Map<string, PermissionsDocument>(
    docs.map(([subject, parents]) => [subject, { _subject: subject, _inheritsPermissionsOf: parents }]),
  );
  return (subject) => map.get(subject) ?? null;
}

const subjectsOf = (items: readonly BulkItem[], order: number[]) => order.map((i) => items[i].subject);

describe('orderBulk', () => {
  test('heirs sent before their parents are ordered after them', () => {
    const items: BulkItem[] = [
      { subject: '/a/b/c', parents: ['/a/b'] },
      { subject: '/a/b', parents: ['/a'] },
      { subject: '/a', parents: [] },
    ];
    const { order, cycles } = orderBulk(items, none);
    expect(subjectsOf(items, order)).toEqual(['/a', '/a/b', '/a/b/c']);
    expect(cycles.size).toBe(0);
  });

  test('an item inheriting from a batch item through a stored document comes after it', () => {
    // /z (batch) ← /stored (stored, not in the batch) ← /a (batch): /a must wait for /z
    const items: BulkItem[] = [
      { subject: '/a', parents: ['/stored'] },
      { subject: '/z', parents: [] },
    ];
    const { order, dependsOn } = orderBulk(items, storedOf([['/stored', ['/z']]]));
    expect(subjectsOf(items, order)).toEqual(['/z', '/a']);
    expect(dependsOn[0]).toEqual([1]);
  });

  test('a stored document that the batch rewrites is read as the batch version', () => {
    // stored /b inherits from /a, but the batch gives /b no parent: no cycle, and /a waits for /b
    const items: BulkItem[] = [
      { subject: '/b', parents: [] },
      { subject: '/a', parents: ['/b'] },
    ];
    const { order, cycles } = orderBulk(items, storedOf([['/b', ['/a']]]));
    expect(subjectsOf(items, order)).toEqual(['/b', '/a']);
    expect(cycles.size).toBe(0);
  });

  test('free items go in subject order: an enclosing subject before what it encloses', () => {
    const items: BulkItem[] = [
      { subject: 'http://h/ns/x', parents: [] },
      { subject: 'http://h/ns', parents: [] },
      { subject: 'http://h/a', parents: [] },
    ];
    expect(subjectsOf(items, orderBulk(items, none).order)).toEqual(['http://h/a', 'http://h/ns', 'http://h/ns/x']);
  });

  test('a cycle of batch items is reported with its subjects; what inherits from it is ordered last', () => {
    const items: BulkItem[] = [
      { subject: '/heir', parents: ['/c1'] },
      { subject: '/c1', parents: ['/c2'] },
      { subject: '/c2', parents: ['/c3'] },
      { subject: '/c3', parents: ['/c1'] },
      { subject: '/free', parents: [] },
    ];
    const { order, cycles } = orderBulk(items, none);
    expect([...cycles.keys()].sort()).toEqual([1, 2, 3]);
    expect(cycles.get(1)).toEqual(['/c1', '/c2', '/c3']);
    expect(subjectsOf(items, order)).toEqual(['/free', '/c1', '/c2', '/c3', '/heir']);
  });

  test('a cycle through a stored document is not reported as a cycle (its judgement tells what may be told)', () => {
    const items: BulkItem[] = [
      { subject: '/a', parents: ['/hidden'] },
      { subject: '/b', parents: ['/a'] },
    ];
    const { cycles, order } = orderBulk(items, storedOf([['/hidden', ['/b']]]));
    expect(cycles.size).toBe(0);
    expect(order).toHaveLength(2);
  });

  // Every item is ordered after each item it depends on, unless it is stuck behind a cycle; the order does not
  // depend on the order the items were sent in; batch cycles are exactly the items that reach themselves.
  test('properties: a permutation, parents first, independent of the order sent', () => {
    const subjects = ['/a', '/b', '/c', '/d', '/e', '/f', '/g', '/h'];
    const arbitrary = fc
      .uniqueArray(fc.constantFrom(...subjects), { minLength: 1, maxLength: subjects.length })
      .chain((chosen) =>
        fc.tuple(
          fc.tuple(
            ...chosen.map((subject) =>
              fc.record({
                subject: fc.constant(subject),
                parents: fc.uniqueArray(fc.constantFrom(...subjects.filter((s) => s !== subject)), { maxLength: 3 }),
              }),
            ),
          ),
          fc.func(fc.integer()),
        ),
      );
    fc.assert(
      fc.property(arbitrary, ([items, shuffleKey]) => {
        const { order, cycles, dependsOn } = orderBulk(items, none);
        expect([...order].sort((x, y) => x - y)).toEqual(items.map((_, i) => i));
        const position = new Map(order.map((index, at) => [index, at]));
        const reachesSelf = (start: number): boolean => {
          const seen = new Set<number>();
          const stack = [...dependsOn[start]];
          while (stack.length > 0) {
            const next = stack.pop() as number;
            if (next === start) return true;
            if (seen.has(next)) continue;
            seen.add(next);
            stack.push(...dependsOn[next]);
          }
          return false;
        };
        const stuck = new Set(items.map((_, i) => i).filter((i) => reachesSelf(i)));
        const behindCycle = (i: number): boolean =>
          stuck.has(i) || dependsOn[i].some((dep) => behindCycle(dep) || stuck.has(dep));
        items.forEach((_, i) => {
          if (behindCycle(i)) return;
          for (const dep of dependsOn[i]) expect(position.get(dep)).toBeLessThan(position.get(i) as number);
        });
        // without stored documents, batch cycles are exactly the items that reach themselves
        expect(new Set(cycles.keys())).toEqual(stuck);
        const shuffled = [...items].sort((x, y) => shuffleKey(x.subject) - shuffleKey(y.subject));
        expect(subjectsOf(shuffled, orderBulk(shuffled, none).order)).toEqual(subjectsOf(items, order));
      }),
      { numRuns: 300 },
    );
  });

  test('a 10 000-item tree sent heirs first: every parent before its heirs', () => {
    const items: BulkItem[] = [];
    for (let i = 0; i < 10_000; i++) {
      items.push({ subject: `/n${i}`, parents: i === 0 ? [] : [`/n${Math.floor((i - 1) / 3)}`] });
    }
    items.reverse();
    const { order, cycles } = orderBulk(items, none);
    expect(cycles.size).toBe(0);
    expect(items[order[0]].subject).toBe('/n0');
    const position = new Map(order.map((index, at) => [items[index].subject, at]));
    for (const item of items) {
      for (const parent of item.parents) {
        expect(position.get(parent)).toBeLessThan(position.get(item.subject) as number);
      }
    }
  });
});
