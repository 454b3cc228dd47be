import { parentsOf } from './action-maps';
import type { DocumentLookup } from './types';

/** A document of a bulk write: its subject and the parents it will have. */
export interface BulkItem {
  subject: string;
  parents: readonly string[];
}

export interface BulkOrder {
  /**
   * Indices of the items in the order to judge and write them: every item after each item it inherits from, through
   * documents of the batch or stored ones (a parent before its heirs); among items free to go, in subject order, so
   * that the order does not depend on the order the items were sent in (and an enclosing subject, a namespace,
   * comes before what it encloses). Then the items that could not be ordered (they inherit from a cycle), in
   * subject order.
   */
  order: number[];
  /** Items on a cycle formed by documents of the batch alone: each index → the subjects of its cycle, sorted. */
  cycles: Map<number, string[]>;
  /** For each item, the items it inherits from directly or through stored documents that are not in the batch. */
  dependsOn: number[][];
}

/**
 * The order a bulk write judges its documents in (CONTRACT §5), as if they were written one by one in that order:
 * each is judged on what the stored documents and the batch's documents judged before it say. Items may come in any
 * order (heirs before their parents); this resolves them to a fixpoint. `stored` holds the stored documents the
 * batch's parents lead to (with their ancestors); a stored document whose subject is in the batch is read as the
 * batch's version.
 *
 * Cycles are reported only when the batch's own documents form them: a cycle through stored documents is found by
 * the judgement of the document that closes it, which tells only what the caller may know.
 */
export function orderBulk(items: readonly BulkItem[], stored: DocumentLookup): BulkOrder {
  const indexOf = new Map<string, number>();
  items.forEach((item, index) => indexOf.set(item.subject, index));
  const dependsOn = items.map((item, index) => dependenciesOf(item, index, indexOf, stored));
  const cycles = batchCycles(items, indexOf);

  const dependents: number[][] = items.map(() => []);
  const waiting = dependsOn.map((deps) => deps.length);
  dependsOn.forEach((deps, index) => deps.forEach((dep) => dependents[dep].push(index)));
  const ready = new SubjectHeap(items);
  waiting.forEach((count, index) => {
    if (count === 0) ready.push(index);
  });
  const order: number[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    order.push(next);
    for (const dependent of dependents[next]) if (--waiting[dependent] === 0) ready.push(dependent);
  }
  const ordered = new Set(order);
  const stuck = items.map((_, index) => index).filter((index) => !ordered.has(index));
  stuck.sort((a, b) => compareSubjects(items[a].subject, items[b].subject));
  return { order: [...order, ...stuck], cycles, dependsOn };
}

/**
 * The batch items an item inherits from: parents in the batch, and the batch items reached through stored parents
 * that are not in the batch (a stored document may inherit from a document the batch writes). The walk stops at
 * batch items, whose own dependencies cover the rest; stored chains are short (MAX_INHERITANCE_DEPTH).
 */
function dependenciesOf(
  item: BulkItem,
  index: number,
  indexOf: ReadonlyMap<string, number>,
  stored: DocumentLookup,
): number[] {
  const found = new Set<number>();
  const visited = new Set<string>();
  const stack = [...item.parents];
  while (stack.length > 0) {
    const subject = stack.pop() as string;
    if (visited.has(subject)) continue;
    visited.add(subject);
    const inBatch = indexOf.get(subject);
    if (inBatch !== undefined) {
      if (inBatch !== index) found.add(inBatch);
      continue;
    }
    const doc = stored(subject);
    if (doc) stack.push(...parentsOf(doc));
  }
  return [...found];
}

/**
 * Strongly connected components of more than one item in the graph "item → its parents in the batch" (Tarjan,
 * iterative: a batch may hold long chains). An item cannot name itself as parent (validation refuses it).
 */
function batchCycles(items: readonly BulkItem[], indexOf: ReadonlyMap<string, number>): Map<number, string[]> {
  const edges = items.map((item) =>
    item.parents.map((parent) => indexOf.get(parent)).filter((j): j is number => j !== undefined),
  );
  const number = new Array<number>(items.length).fill(-1);
  const low = new Array<number>(items.length).fill(0);
  const onStack = new Array<boolean>(items.length).fill(false);
  const stack: number[] = [];
  const cycles = new Map<number, string[]>();
  let counter = 0;
  for (let root = 0; root < items.length; root++) {
    if (number[root] !== -1) continue;
    const frames: Array<{ node: number; next: number }> = [{ node: root, next: 0 }];
    number[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const { node } = frame;
      if (frame.next < edges[node].length) {
        const target = edges[node][frame.next++];
        if (number[target] === -1) {
          number[target] = low[target] = counter++;
          stack.push(target);
          onStack[target] = true;
          frames.push({ node: target, next: 0 });
        } else if (onStack[target]) low[node] = Math.min(low[node], number[target]);
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].node;
        low[parent] = Math.min(low[parent], low[node]);
      }
      if (low[node] !== number[node]) continue;
      const component: number[] = [];
      let member: number;
      do {
        member = stack.pop() as number;
        onStack[member] = false;
        component.push(member);
      } while (member !== node);
      if (component.length > 1) {
        const subjects = component.map((i) => items[i].subject).sort(compareSubjects);
        for (const i of component) cycles.set(i, subjects);
      }
    }
  }
  return cycles;
}

/** Code-unit order, the same in every process (no locale). */
export function compareSubjects(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A binary heap of item indices by subject: the next item free to go is the first in subject order. */
class SubjectHeap {
  private readonly heap: number[] = [];
  constructor(private readonly items: readonly BulkItem[]) {}

  push(index: number): void {
    const heap = this.heap;
    heap.push(index);
    for (let i = heap.length - 1; i > 0;) {
      const up = (i - 1) >> 1;
      if (this.before(heap[up], heap[i])) break;
      [heap[up], heap[i]] = [heap[i], heap[up]];
      i = up;
    }
  }

  pop(): number | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop() as number;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const [left, right] = [2 * i + 1, 2 * i + 2];
        let first = i;
        if (left < heap.length && this.before(heap[left], heap[first])) first = left;
        if (right < heap.length && this.before(heap[right], heap[first])) first = right;
        if (first === i) break;
        [heap[first], heap[i]] = [heap[i], heap[first]];
        i = first;
      }
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    return compareSubjects(this.items[a].subject, this.items[b].subject) <= 0;
  }
}
