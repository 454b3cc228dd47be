import { parentsOf } from './action-maps';
import { BadRequestError } from './errors';
import type { DocumentLookup } from './types';
import { MAX_INHERITANCE_DEPTH } from './write-bounds';

/**
 * The number of documents on the longest inheritance chain starting at any of `subjects` and going up: a document
 * without parents is at depth 1, a subject without a document at 0. Cycles (only in data stored before cycles were
 * refused at commit) are cut where they close. No recursion: stored chains may be deeper than the stack.
 */
export function inheritanceDepth(lookup: DocumentLookup, subjects: readonly string[]): number {
  const depth = new Map<string, number>();
  const onPath = new Set<string>();
  const parentsOfSubject = (subject: string): string[] | null => {
    const doc = lookup(subject);
    return doc === null || doc === undefined ? null : parentsOf(doc);
  };
  let deepest = 0;
  for (const start of subjects) {
    if (!depth.has(start)) {
      const stack: Array<{ subject: string; parents: string[]; next: number }> = [];
      const enter = (subject: string): void => {
        const parents = parentsOfSubject(subject);
        if (parents === null) depth.set(subject, 0);
        else {
          onPath.add(subject);
          stack.push({ subject, parents, next: 0 });
        }
      };
      enter(start);
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top.next < top.parents.length) {
          const parent = top.parents[top.next++];
          if (!depth.has(parent) && !onPath.has(parent)) enter(parent);
          continue;
        }
        const above = Math.max(0, ...top.parents.map((parent) => depth.get(parent) ?? 0));
        depth.set(top.subject, above + 1);
        onPath.delete(top.subject);
        stack.pop();
      }
    }
    deepest = Math.max(deepest, depth.get(start) ?? 0);
  }
  return deepest;
}

/**
 * 400 unless a document at `subject` with `parents`, above `heirsBelow` levels of heirs, stays within
 * MAX_INHERITANCE_DEPTH. The lookup holds the parents and their ancestors.
 */
export function assertInheritanceDepth(
  lookup: DocumentLookup,
  subject: string,
  parents: readonly string[],
  heirsBelow: number,
): void {
  const depth = inheritanceDepth(lookup, parents) + 1 + heirsBelow;
  if (depth > MAX_INHERITANCE_DEPTH) {
    throw new BadRequestError(
      `inheritance chains may be at most ${MAX_INHERITANCE_DEPTH} documents deep; with these parents the chain ` +
        `through ${subject} would be ${depth} documents deep`,
      { limit: MAX_INHERITANCE_DEPTH, depth },
    );
  }
}
