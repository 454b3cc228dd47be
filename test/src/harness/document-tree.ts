/**
 * A random tree (with a few second parents) of permissions documents under one root, as an administrator would
 * import it: varied grants to a few users, wildcards, custom properties and `wideningForbidden` vetoes. Seeded, so
 * that the same seed gives the same tree under any root (to compare two ways of writing it).
 */
export interface TreeOptions {
  /** The root's subject; every other subject continues it (`{root}/n1/n7/…`). */
  root: string;
  count: number;
  /** The governor of the root (he creates everything: he may add heirs everywhere). */
  owner: string;
  /** Other principals the documents grant to. */
  principals: readonly string[];
  seed: number;
  /** Deepest document (the root is at depth 1). */
  maxDepth?: number;
}

export type TreeDocument = Record<string, unknown> & { _subject: string; _inheritsPermissionsOf?: string[] };

const ANYONE = 'http://apigee.com/users#anyone';
const ACTIONS = ['read', 'update', 'delete', 'create'];

/** mulberry32: a small seeded generator, enough for test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The documents in creation order: every parent before its heirs. */
export function documentTree(options: TreeOptions): TreeDocument[] {
  const random = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const maxDepth = options.maxDepth ?? 8;
  const { owner, principals } = options;
  const documents: TreeDocument[] = [
    {
      _subject: options.root,
      // the owner reads everything: listing heirs (an export) needs `read`
      _self: { govern: [owner], read: [owner, pick(principals)] },
      _permissionsHeirs: { add: [owner], remove: [owner] },
    },
  ];
  const depth = [1];
  while (documents.length < options.count) {
    let parent = Math.floor(random() * documents.length);
    while (depth[parent] >= maxDepth) parent = Math.floor(random() * documents.length);
    const parentSubject = documents[parent]._subject;
    const subject = `${parentSubject}/n${documents.length}`;
    const parents = [parentSubject];
    // a second parent now and then: any earlier document is no descendant of this one, so no cycle
    let depthHere = depth[parent] + 1;
    if (random() < 0.05) {
      const second = Math.floor(random() * documents.length);
      if (second !== parent && depth[second] < maxDepth) {
        parents.push(documents[second]._subject);
        depthHere = Math.max(depthHere, depth[second] + 1);
      }
    }
    const self: Record<string, string[]> = {};
    for (const action of ACTIONS) if (random() < 0.3) self[action] = [pick([...principals, ANYONE])];
    const document: TreeDocument = { _subject: subject, _inheritsPermissionsOf: parents, _self: self };
    if (random() < 0.05) {
      // a veto below: only what this document grants (its governor keeps it repairable)
      document._constraints = { wideningForbidden: true };
      document._self = { ...self, govern: [owner], read: [owner, pick(principals)] };
      document._permissionsHeirs = { add: [owner] };
    }
    if (random() < 0.1) document.notes = { read: [pick(principals)] };
    if (random() < 0.05) document['test-data'] = documents.length; // opaque data: not an object (an action map)
    documents.push(document);
    depth.push(depthHere);
  }
  return documents;
}

/** A seeded Fisher–Yates shuffle (heirs end up before their parents, as an import in any order may send them). */
export function shuffled<T>(list: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
