import type { Seq } from '@permissions/store';

interface Waiter {
  seq: Seq;
  resolve(reached: boolean): void;
  timer: NodeJS.Timeout;
}

/**
 * Callers waiting for an event number to be applied (read-your-writes `atLeast=N`). They are woken by the listener
 * after each change of its state, never by polling a flag.
 */
export class SeqWaiters {
  private readonly waiting = new Set<Waiter>();

  /** Resolves true when `release` finds `seq` applied, false after `timeoutMs` or on `cancelAll`. */
  wait(seq: Seq, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        seq,
        resolve,
        timer: setTimeout(() => this.settle(waiter, false), timeoutMs),
      };
      this.waiting.add(waiter);
    });
  }

  release(isApplied: (seq: Seq) => boolean): void {
    for (const waiter of this.waiting) if (isApplied(waiter.seq)) this.settle(waiter, true);
  }

  cancelAll(): void {
    for (const waiter of this.waiting) this.settle(waiter, false);
  }

  get size(): number {
    return this.waiting.size;
  }

  private settle(waiter: Waiter, reached: boolean): void {
    if (!this.waiting.delete(waiter)) return;
    clearTimeout(waiter.timer);
    waiter.resolve(reached);
  }
}
