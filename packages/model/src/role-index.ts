import { isPlainObject, ownValue } from './plain-data';
import type { BaseFilter } from './role-reach';
import type { Team } from './types';
// roles.ts uses this index; its base reading is used back only at call time, never while modules load.
import { restAfterBase } from './roles';

/**
 * A team's `roles`, compiled once (per roles object, so per team version where teams are cached frozen) into what
 * answers "which pattern of which base decides for this resource" without sorting or splitting patterns per question.
 * The rule is `matchTeamRoles`'s (reference §6.4 with its fixes); this file only makes it cheap:
 * - bases are found from the resource's own path prefixes (a map lookup each) instead of trying every base;
 * - a base's patterns are a trie of path segments, `*` kept apart, so a resource is matched by walking its own
 *   segments; among the patterns that match, the one the team's order would try first wins (those not ending in `*`
 *   first, then in the team's order; `/` only when nothing else matches).
 * A team of 4 600 patterns was re-sorted (with `split` in the comparator) for every resource of every question.
 */

/** What decided for one team: the base, its pattern and the actions it grants. */
export interface CompiledMatch {
  base: string;
  pattern: string;
  actions: readonly string[];
}

interface TrieNode {
  literal: Map<string, TrieNode> | undefined;
  star: TrieNode | undefined;
  /** The pattern ending here (a path of segments names one pattern string). */
  terminal: { rank: number; pattern: string; actions: readonly string[] } | undefined;
  /** Lowest rank of any terminal in this subtree: a branch that cannot beat the best match so far is not walked. */
  minRank: number;
}

interface CompiledBase {
  order: number;
  base: string;
  /** The trie's depth: a rest with more segments can only be matched by `/`. */
  depth: number;
  root: TrieNode;
  /** Actions of the pattern `/`, which matches every rest and is tried last. */
  slash: readonly string[] | undefined;
}

export interface RoleIndex {
  /** Bases in the team's order (few bases: tried in turn). */
  bases: readonly CompiledBase[];
  /** Bases by their form without trailing slashes, for teams with many bases. */
  byTrimmed: Map<string, CompiledBase[]> | undefined;
  longestTrimmed: number;
}

/** Above this many bases, the bases covering a resource are found from its prefixes rather than tried in turn. */
const SCAN_LIMIT = 16;
/** Patterns ending in `*` are tried after all others of the same length: their rank is offset by this. */
const STAR_OFFSET = 2 ** 40;

const compiled = new WeakMap<object, RoleIndex>();
const EMPTY: RoleIndex = { bases: [], byTrimmed: undefined, longestTrimmed: 0 };

/**
 * The compiled index of a `roles` value (anything: stored data may be malformed, which gives an empty index).
 * Indexes are kept per roles object, so objects must not be changed after they were matched once (the runtime's
 * cached teams are frozen; other callers load a fresh object per request).
 */
export function roleIndexOf(roles: unknown): RoleIndex {
  if (!isPlainObject(roles)) return EMPTY;
  let index = compiled.get(roles);
  if (index === undefined) {
    index = compileRoles(roles);
    compiled.set(roles, index);
  }
  return index;
}

function newNode(): TrieNode {
  return { literal: undefined, star: undefined, terminal: undefined, minRank: Number.POSITIVE_INFINITY };
}

function compileRoles(roles: Record<string, unknown>): RoleIndex {
  const bases: CompiledBase[] = [];
  let order = 0;
  for (const [base, patterns] of Object.entries(roles)) {
    // An empty base covers nothing (restAfterBase); malformed patterns are skipped as matchTeamRoles skipped them.
    if (base === '' || !isPlainObject(patterns)) continue;
    const root = newNode();
    let depth = 0;
    let slash: readonly string[] | undefined;
    let rank = 0;
    for (const pattern of Object.keys(patterns)) {
      if (!pattern.startsWith('/')) continue;
      const value = ownValue(patterns, pattern);
      const actions = Object.freeze(
        Array.isArray(value) ? value.filter((a): a is string => typeof a === 'string') : [],
      );
      if (pattern === '/') {
        slash = actions;
        continue;
      }
      const segments = pattern.split('/');
      const patternRank = (pattern.endsWith('*') ? STAR_OFFSET : 0) + rank++;
      let node = root;
      node.minRank = Math.min(node.minRank, patternRank);
      for (let i = 1; i < segments.length; i++) {
        const segment = segments[i];
        let next: TrieNode | undefined;
        if (segment === '*') next = node.star ??= newNode();
        else {
          node.literal ??= new Map();
          next = node.literal.get(segment);
          if (next === undefined) node.literal.set(segment, (next = newNode()));
        }
        node = next;
        node.minRank = Math.min(node.minRank, patternRank);
      }
      node.terminal = { rank: patternRank, pattern, actions };
      depth = Math.max(depth, segments.length - 1);
    }
    bases.push({ order: order++, base, depth, root, slash });
  }
  let byTrimmed: Map<string, CompiledBase[]> | undefined;
  let longestTrimmed = 0;
  if (bases.length > SCAN_LIMIT) {
    byTrimmed = new Map();
    for (const compiledBase of bases) {
      const trimmed = compiledBase.base.replace(/\/+$/, '');
      longestTrimmed = Math.max(longestTrimmed, trimmed.length);
      const list = byTrimmed.get(trimmed);
      if (list === undefined) byTrimmed.set(trimmed, [compiledBase]);
      else list.push(compiledBase);
    }
  }
  return { bases, byTrimmed, longestTrimmed };
}

/** The bases covering `resource`, in the team's order. */
function coveringBases(index: RoleIndex, resource: string): CompiledBase[] {
  if (index.byTrimmed === undefined) return index.bases as CompiledBase[];
  const found = new Set<CompiledBase>();
  const add = (trimmed: string): void => {
    for (const candidate of index.byTrimmed?.get(trimmed) ?? []) found.add(candidate);
  };
  // A base covers the resource when its trimmed form is the resource (with or without its trailing slashes) or
  // a prefix of it ending just before a `/`; longer prefixes than any base cannot name one.
  const limit = Math.min(resource.length, index.longestTrimmed);
  for (let i = resource.indexOf('/'); i >= 0 && i <= limit; i = resource.indexOf('/', i + 1)) add(resource.slice(0, i));
  if (resource.length <= index.longestTrimmed) add(resource);
  const withoutSlashes = resource.replace(/\/+$/, '');
  if (withoutSlashes !== resource && withoutSlashes.length <= index.longestTrimmed) add(withoutSlashes);
  return [...found].sort((a, b) => a.order - b.order);
}

/** The best-ranked pattern of `root` matching `segments` (from index 1), or undefined. */
function matchTrie(root: TrieNode, segments: readonly string[]): TrieNode['terminal'] {
  let best: TrieNode['terminal'];
  const last = segments.length - 1;
  // Explicit stack: patterns may have thousands of segments.
  const nodes: TrieNode[] = [root];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const node = nodes.pop() as TrieNode;
    const depth = depths.pop() as number;
    if (best !== undefined && node.minRank >= best.rank) continue;
    if (depth === last) {
      if (node.terminal !== undefined && (best === undefined || node.terminal.rank < best.rank)) best = node.terminal;
      continue;
    }
    const segment = segments[depth + 1];
    const literal = node.literal?.get(segment);
    if (literal !== undefined) {
      nodes.push(literal);
      depths.push(depth + 1);
    }
    if (node.star !== undefined && segment !== '') {
      nodes.push(node.star);
      depths.push(depth + 1);
    }
  }
  return best;
}

/** The number of `/`-separated segments of `rest`, counted only up to `atMost + 1`. */
function segmentCountUpTo(rest: string, atMost: number): number {
  let count = 1;
  for (let i = rest.indexOf('/'); i >= 0 && count <= atMost; i = rest.indexOf('/', i + 1)) count++;
  return count;
}

/**
 * The decisive match of one team's compiled roles for `resource`: the first base (in the team's order) that covers
 * it, that `applies` accepts for `team` (whose roles `index` holds: a role's liveness is the team's binding), and
 * that has a matching pattern.
 */
export function matchRoleIndex(
  index: RoleIndex,
  resource: string,
  applies: BaseFilter,
  team: Team,
): CompiledMatch | undefined {
  for (const compiledBase of coveringBases(index, resource)) {
    const rest = restAfterBase(compiledBase.base, resource);
    if (rest === undefined || !applies(compiledBase.base, team)) continue;
    let found: TrieNode['terminal'];
    // Segments of rest: '' then one per `/`; the trie is as deep as its longest pattern.
    if (rest !== '' && segmentCountUpTo(rest, compiledBase.depth + 1) <= compiledBase.depth + 1) {
      found = matchTrie(compiledBase.root, rest.split('/'));
    }
    if (found !== undefined) return { base: compiledBase.base, pattern: found.pattern, actions: found.actions };
    if (compiledBase.slash !== undefined) return { base: compiledBase.base, pattern: '/', actions: compiledBase.slash };
  }
  return undefined;
}
