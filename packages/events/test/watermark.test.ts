import fc from 'fast-check';
import { Watermark } from '../src';

describe('Watermark', () => {
  it('advances over contiguous numbers and reports duplicates', () => {
    const w = new Watermark(10);
    expect(w.markSeen(11, 0)).toBe(true);
    expect(w.markSeen(11, 0)).toBe(false);
    expect(w.markSeen(10, 0)).toBe(false);
    expect(w.value).toBe(11);
    expect(w.markSeen(13, 0)).toBe(true);
    expect(w.value).toBe(11);
    expect(w.has(13)).toBe(true);
    expect(w.has(12)).toBe(false);
    expect(w.pendingHoles).toBe(1);
    expect(w.markSeen(12, 1)).toBe(true);
    expect(w.value).toBe(13);
    expect(w.pendingHoles).toBe(0);
  });

  it('keeps a hole until it has been known for longer than the timeout, then skips it', () => {
    const w = new Watermark(0);
    w.markSeen(1, 0);
    w.markSeen(3, 100); // 2 known as a hole at t=100
    expect(w.skipHolesKnownBefore(99)).toEqual([]);
    expect(w.value).toBe(1);
    expect(w.skipHolesKnownBefore(100)).toEqual([{ from: 2, to: 2 }]);
    expect(w.value).toBe(3);
    expect(w.has(2)).toBe(true);
    expect(w.markSeen(2, 200)).toBe(false);
  });

  it('times each hole from when it became known, not from the oldest hole', () => {
    const w = new Watermark(0);
    w.markSeen(2, 100); // hole 1 known at 100
    w.markSeen(5, 200); // holes 3, 4 known at 200
    w.markSeen(4, 250);
    expect(w.skipHolesKnownBefore(150)).toEqual([{ from: 1, to: 1 }]);
    expect(w.value).toBe(2);
    expect(w.markSeen(3, 260)).toBe(true);
    expect(w.value).toBe(5);
    expect(w.skipHolesKnownBefore(1000)).toEqual([]);
  });

  it('reports skipped runs between seen numbers', () => {
    const w = new Watermark(0);
    w.markSeen(3, 0);
    w.markSeen(5, 0);
    w.markSeen(9, 0);
    expect(w.skipHolesKnownBefore(0)).toEqual([
      { from: 1, to: 2 },
      { from: 4, to: 4 },
      { from: 6, to: 8 },
    ]);
    expect(w.value).toBe(9);
  });

  it('never skips numbers above the highest seen (they are not holes yet)', () => {
    const w = new Watermark(5);
    expect(w.skipHolesKnownBefore(Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(w.value).toBe(5);
    expect(w.has(6)).toBe(false);
  });

  it('raiseTo moves W up over everything below, then over seen numbers; never down', () => {
    const w = new Watermark(0);
    w.markSeen(3, 0);
    w.markSeen(8, 0);
    w.markSeen(9, 0);
    w.raiseTo(7);
    expect(w.value).toBe(9);
    w.raiseTo(4);
    expect(w.value).toBe(9);
    w.raiseTo(20);
    expect(w.value).toBe(20);
    expect(w.highestSeen).toBe(20);
    expect(w.pendingHoles).toBe(0);
  });

  // A naive model that tracks every number on its own: when each hole became known and which were seen.
  class ModelWatermark {
    w: number;
    highest: number;
    seen = new Set<number>();
    knownAt = new Map<number, number>();
    constructor(start: number) {
      this.w = start;
      this.highest = start;
    }
    has(n: number): boolean {
      return n <= this.w || this.seen.has(n);
    }
    markSeen(n: number, t: number): boolean {
      if (this.has(n)) return false;
      for (let k = this.w + 1; k < n; k++) if (!this.seen.has(k) && !this.knownAt.has(k)) this.knownAt.set(k, t);
      this.seen.add(n);
      this.highest = Math.max(this.highest, n);
      this.skip(-Infinity); // advances over seen numbers only
      return true;
    }
    skip(cutoff: number): number {
      let skipped = 0;
      for (;;) {
        const next = this.w + 1;
        if (this.seen.has(next)) this.w = next;
        else if (next <= this.highest && (this.knownAt.get(next) ?? Infinity) <= cutoff) {
          this.w = next;
          skipped++;
        } else return skipped;
      }
    }
    raiseTo(n: number): void {
      this.w = Math.max(this.w, n);
      this.highest = Math.max(this.highest, this.w);
      this.skip(-Infinity);
    }
  }

  type Op = { kind: 'seen'; seq: number; dt: number } | { kind: 'skip'; age: number } | { kind: 'raise'; seq: number };

  it('agrees with a per-number model on any sequence of operations', () => {
    const op = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('seen' as const),
          seq: fc.integer({ min: 0, max: 60 }),
          dt: fc.integer({ min: 0, max: 5 }),
        }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('skip' as const), age: fc.integer({ min: 0, max: 30 }) }) },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('raise' as const), seq: fc.integer({ min: 0, max: 60 }) }),
      },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.array(op as fc.Arbitrary<Op>, { maxLength: 80 }),
        (start, ops) => {
          const real = new Watermark(start);
          const model = new ModelWatermark(start);
          let t = 0;
          for (const o of ops) {
            if (o.kind === 'seen') {
              t += o.dt;
              expect(real.markSeen(o.seq, t)).toBe(model.markSeen(o.seq, t));
            } else if (o.kind === 'skip') {
              const skipped = real.skipHolesKnownBefore(t - o.age);
              expect(skipped.reduce((sum, r) => sum + r.to - r.from + 1, 0)).toBe(model.skip(t - o.age));
            } else {
              real.raiseTo(o.seq);
              model.raiseTo(o.seq);
            }
            expect(real.value).toBe(model.w);
            expect(real.highestSeen).toBe(model.highest);
            for (let n = 0; n <= 62; n++) expect(real.has(n)).toBe(model.has(n));
            const modelHoles = [...Array(Math.max(0, model.highest - model.w)).keys()]
              .map((i) => model.w + 1 + i)
              .filter((n) => !model.seen.has(n)).length;
            expect(real.pendingHoles).toBe(modelHoles);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
