import { inSlices, then } from '../src/slices';

/** A clock that advances `stepMs` each time it is read: slicing seen without depending on the machine's speed. */
function ticking(stepMs: number) {
  let now = 0;
  return () => (now += stepMs);
}

test('work that fits in one slice runs synchronously, with no promise', () => {
  const done: number[] = [];
  const result = inSlices(5, (i) => done.push(i), { budgetMs: 10, now: ticking(1) });
  expect(result).toBeUndefined();
  expect(done).toEqual([0, 1, 2, 3, 4]);
});

test('longer work yields to the event loop between slices, in order, and other callbacks run in between', async () => {
  const order: string[] = [];
  const running = inSlices(
    100,
    (i) => {
      order.push(`step ${i}`);
    },
    { budgetMs: 10, now: ticking(1) },
  );
  setImmediate(() => order.push('other request'));
  expect(running).toBeInstanceOf(Promise);
  await running;
  const steps = order.filter((entry) => entry.startsWith('step'));
  expect(steps).toEqual(Array.from({ length: 100 }, (_, i) => `step ${i}`));
  // Another callback ran after the first slice, long before the last step.
  const other = order.indexOf('other request');
  expect(other).toBeGreaterThan(0);
  expect(other).toBeLessThan(50);
});

test('a step that throws rejects (or throws), and nothing runs after it', async () => {
  const done: number[] = [];
  const failing = (i: number) => {
    if (i === 30) throw new Error('bad resource');
    done.push(i);
  };
  await expect(Promise.resolve(inSlices(100, failing, { budgetMs: 10, now: ticking(1) }))).rejects.toThrow(
    'bad resource',
  );
  expect(done).toHaveLength(30);
});

test('then() calls through synchronously for values and waits for promises', async () => {
  expect(then(2, (x) => x * 2)).toBe(4);
  await expect(then(Promise.resolve(2), (x) => x * 2)).resolves.toBe(4);
});
