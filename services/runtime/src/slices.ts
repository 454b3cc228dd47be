/**
 * No request may hold the event loop for long (CONTRACT §4.9): a question over 1 000 resources, a 600-deep chain
 * asked about with 1 000 actions, or a fill of huge documents is worked through in slices, yielding to other
 * requests (a `/health` probe included) between them.
 */
export const SLICE_MS = 10;

export type MaybePromise<T> = T | Promise<T>;

/** `fn(value)`, synchronously when `value` is not a promise (so a question answered from memory needs none). */
export function then<T, U>(value: MaybePromise<T>, fn: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}

export interface SliceOptions {
  budgetMs?: number;
  /** Monotonic clock in ms; injectable so tests see slicing without depending on how fast the machine is. */
  now?: () => number;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `step(i)` for every i below `count`, in order. Whenever a slice has run for `budgetMs`, the rest runs after
 * the event loop has served what was waiting. Returns nothing (no promise) when it all fit in one slice.
 */
export function inSlices(count: number, step: (i: number) => void, options: SliceOptions = {}): void | Promise<void> {
  const budgetMs = options.budgetMs ?? SLICE_MS;
  const now = options.now ?? (() => performance.now());
  const run = (from: number): void | Promise<void> => {
    const started = now();
    for (let i = from; i < count; i++) {
      step(i);
      if (i + 1 < count && now() - started >= budgetMs) return nextTurn().then(() => run(i + 1));
    }
  };
  return run(0);
}
