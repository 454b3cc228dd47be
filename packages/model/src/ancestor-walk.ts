import { parentsOf, SELF } from './action-maps';
import { explainOpinion, type Opinion } from './opinion';
import type { ActionQuery, Answer, Caller, DocumentLookup, PermissionsDocument } from './types';

export interface ReachableDocuments {
  /** Existing documents in visiting order (depth-first, parents in declared order), each once. */
  documents: Array<{ subject: string; doc: PermissionsDocument }>;
  /** Subjects reached through `_inheritsPermissionsOf` (or given as start) that have no document. */
  missing: string[];
}

/**
 * Every document reachable from `start` through `_inheritsPermissionsOf`, the starts included, each visited once,
 * so diamonds are evaluated once and cycles terminate. A missing document contributes nothing and the walk goes
 * on through the others (fix of reference §6.3, which stopped with a partial answer).
 */
export function reachableDocuments(lookup: DocumentLookup, start: readonly string[]): ReachableDocuments {
  const memo = start.length === 1 ? walksOf.get(lookup) : undefined;
  if (memo !== undefined) {
    let walked = memo.get(start[0]);
    if (walked === undefined) {
      walked = walk(lookup, start);
      Object.freeze(walked.documents);
      Object.freeze(walked.missing);
      memo.set(start[0], walked);
    }
    return walked;
  }
  return walk(lookup, start);
}

const walksOf = new WeakMap<DocumentLookup, Map<string, ReachableDocuments>>();

/**
 * Declares that `lookup` answers from a snapshot that does not change while it is used (one request's documents):
 * the walk from each subject is then done once per lookup and shared by every question of the request about that
 * subject or its ancestors' opinions (a 600-deep chain asked about with 1 000 actions walks once, not 1 000 times).
 * Returns the same lookup.
 */
export function snapshotLookup(lookup: DocumentLookup): DocumentLookup {
  if (!walksOf.has(lookup)) walksOf.set(lookup, new Map());
  return lookup;
}

function walk(lookup: DocumentLookup, start: readonly string[]): ReachableDocuments {
  const result: ReachableDocuments = { documents: [], missing: [] };
  const visited = new Set<string>();
  // An explicit stack instead of recursion: an inheritance chain from client data may be very deep.
  const stack = [...start].reverse();
  while (stack.length > 0) {
    const subject = stack.pop() as string;
    if (visited.has(subject)) continue;
    visited.add(subject);
    const doc = lookup(subject);
    if (doc === null || doc === undefined) {
      result.missing.push(subject);
      continue;
    }
    result.documents.push({ subject, doc });
    const parents = parentsOf(doc);
    for (let i = parents.length - 1; i >= 0; i--) if (!visited.has(parents[i])) stack.push(parents[i]);
  }
  return result;
}

/** A document that expressed an opinion, for `explain`. */
export type DocumentDecision = Exclude<Opinion, { allowed: null }> & { subject: string };

export interface DocumentsAnswer {
  allowed: Answer;
  /** Subjects of every existing document visited, the resource first (audit scopes, reference §5.3). */
  scopes: string[];
  /** Every grant and veto met, in visiting order: the data an `explain` answer needs. */
  decidedBy: DocumentDecision[];
  /** Subjects named as ancestors (or the resource itself) that have no document. */
  missing: string[];
}

/**
 * Documents-only answer for one resource (reference §6.3): `false` if any reachable document vetoes, else `true` if
 * any grants, else `null`. The result does not depend on visiting order. The whole graph is always walked (no
 * short cut after a veto) so that `scopes` is complete; the caller loaded it already, so this costs no I/O.
 */
export function isAllowedByDocuments(
  lookup: DocumentLookup,
  subject: string,
  query: ActionQuery,
  caller: Caller,
): DocumentsAnswer {
  const property = query.property ?? SELF;
  const { documents, missing } = reachableDocuments(lookup, [subject]);
  const answer: DocumentsAnswer = { allowed: null, scopes: [], decidedBy: [], missing };
  for (const { subject: visited, doc } of documents) {
    answer.scopes.push(visited);
    const opinion = explainOpinion(doc, property, query.action, caller, visited !== subject);
    if (opinion.allowed === null) continue;
    answer.decidedBy.push({ ...opinion, subject: visited });
    if (opinion.allowed === false) answer.allowed = false;
    else if (answer.allowed === null) answer.allowed = true;
  }
  return answer;
}
