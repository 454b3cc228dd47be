import type { Seq } from '@permissions/store';

/** A run of consecutive sequence numbers skipped as holes, for the log. */
export interface SkippedRange {
  from: Seq;
  to: Seq;
}

/**
 * Which event numbers a listener has applied, as a watermark W (every number ≤ W is applied or was skipped as a
 * hole) plus the set of applied numbers above it. Pure bookkeeping with the time passed in, so the hole rules can be
 * tested without a database or a clock.
 *
 * A hole is a number above W, below the highest number seen, that no event has filled: either a transaction still
 * open (it will commit within the longest a write may last) or one that rolled back (it never will). A hole is never a
 * reason to drop caches (reference B16); it is skipped once it has been known for longer than any transaction lasts.
 */
export class Watermark {
  private w: Seq;
  private highest: Seq;
  private readonly seen = new Set<Seq>();
  /**
   * When holes were first known. Entry {upTo, since}: the unseen numbers up to `upTo` not covered by an earlier entry
   * became holes at `since`, when a number above them was first seen. Both fields only grow along the list, because a
   * lower hole is always known no later than a higher one; so one entry per jump is enough, not one per number.
   */
  private readonly marks: Array<{ upTo: Seq; since: number }> = [];

  constructor(start: Seq) {
    this.w = start;
    this.highest = start;
  }

  /** W: every number up to here is applied or skipped. */
  get value(): Seq {
    return this.w;
  }

  get highestSeen(): Seq {
    return this.highest;
  }

  /** Numbers between W and the highest seen that no event has filled yet. */
  get pendingHoles(): number {
    return this.highest - this.w - this.seen.size;
  }

  /** True if event `seq` needs no more work: applied, skipped as a hole, or below the start. */
  has(seq: Seq): boolean {
    return seq <= this.w || this.seen.has(seq);
  }

  /**
   * Records that event `seq` has been applied; false if it already was (the caller then does nothing). `now` is a
   * monotonic time in ms: the moment any hole below `seq` becomes known.
   */
  markSeen(seq: Seq, now: number): boolean {
    if (this.has(seq)) return false;
    if (seq > this.highest + 1) this.addMark(seq, now);
    this.highest = Math.max(this.highest, seq);
    this.seen.add(seq);
    this.advance();
    return true;
  }

  /**
   * Skips every hole known since `knownBefore` or earlier and returns the skipped runs. The caller passes the start
   * time of a poll, minus the longest a transaction can stay open: a poll that began after a hole's transaction must
   * have ended shows that it never committed.
   */
  skipHolesKnownBefore(knownBefore: number): SkippedRange[] {
    let upTo = this.w;
    for (const mark of this.marks) {
      if (mark.since > knownBefore) break;
      upTo = Math.max(upTo, mark.upTo);
    }
    if (upTo <= this.w) return [];
    const skipped = this.unseenRuns(this.w + 1, upTo);
    this.moveTo(upTo);
    return skipped;
  }

  /** Moves W up to `seq` (events below it are gone, e.g. garbage-collected); never moves it down. */
  raiseTo(seq: Seq): void {
    if (seq > this.w) this.moveTo(seq);
  }

  private addMark(upTo: Seq, since: number): void {
    const last = this.marks.at(-1);
    if (last && last.since === since) last.upTo = upTo;
    else this.marks.push({ upTo, since: Math.max(since, last?.since ?? since) });
  }

  private moveTo(seq: Seq): void {
    this.w = seq;
    this.highest = Math.max(this.highest, seq);
    for (const n of this.seen) if (n <= seq) this.seen.delete(n);
    this.advance();
  }

  private advance(): void {
    while (this.seen.delete(this.w + 1)) this.w++;
    while ((this.marks[0]?.upTo ?? Infinity) <= this.w) this.marks.shift();
  }

  private unseenRuns(from: Seq, to: Seq): SkippedRange[] {
    const runs: SkippedRange[] = [];
    const seenInRange = [...this.seen].filter((n) => n >= from && n <= to).sort((a, b) => a - b);
    let next = from;
    for (const n of [...seenInRange, to + 1]) {
      if (n > next) runs.push({ from: next, to: n - 1 });
      next = n + 1;
    }
    return runs;
  }
}
