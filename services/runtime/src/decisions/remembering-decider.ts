import { LRUCache } from 'lru-cache';
import { combineAll, type Answer, type Evidence } from '@permissions/model';
import type { CacheStats } from '@permissions/http-kit';
import { MAX_CACHED_KEY_LENGTH, stringBytes } from '../caches/byte-size';
import { then } from '../slices';
import type { Asked, Decider, Decisions } from './decider';

export interface RememberingOptions {
  /** At most this many answers in all. */
  maxAnswers: number;
  /** Bound of the estimated bytes held (resource names and scopes included). */
  maxBytes: number;
  /** Answers may rest on a cached "no document", believed that long: they are not kept longer. */
  ttlMs: number;
  /** Monotonic clock in ms for the TTL; injectable so tests pass it without waiting. */
  now?: () => number;
}

interface Remembered {
  answer: Answer;
  /** Visible scopes, when a question with `withScopes` computed them. */
  scopes: readonly string[] | undefined;
}

/** One asker's answers (a principal asking one action on one property with one kind of evidence). */
interface AskerMemo {
  generation: number;
  answers: Map<string, Remembered>;
  bytes: number;
}

const ASKER_OVERHEAD = 160;
const ANSWER_OVERHEAD = 64;

function answerBytes(resource: string, scopes: readonly string[] | undefined): number {
  let total = ANSWER_OVERHEAD + stringBytes(resource);
  if (scopes !== undefined) for (const scope of scopes) total += 8 + stringBytes(scope);
  return total;
}

/** Principal, property, action and evidence, separated by a character none of them can hold unnoticed. */
export function askerKey(principal: string | null, property: string, action: string, evidence: Evidence): string {
  return `${principal ?? ''}\u0000${property}\u0000${action}\u0000${evidence}`;
}

/**
 * Remembered decisions: a decorator with the decider's own interface (SpiceDB's caching dispatcher), so a repeated
 * question costs map lookups instead of a walk, answered synchronously. Two levels: an LRU of askers, then a map of
 * resource → answer, so a batch of 100 resources is one LRU lookup and 100 `Map.get`s. Every event bumps the
 * generation (`forgetAll`), which makes every answer stale at once; an answer records the generation read BEFORE it
 * was computed, so an event that lands during a computation makes its result stale immediately. Bounded in answers
 * and bytes (resource names count: a 900 KB name is never kept), and answers expire with the negative TTL. A
 * question is remembered only when all its resources are: a partial hit is computed again as a whole.
 */
export function createRememberingDecider(inner: Decider, options: RememberingOptions) {
  let generation = 0;
  let answers = 0;
  let bytes = 0;
  const counts = { hits: 0, misses: 0 };
  const clock = options.now;
  // The keys of the askers asking most recently, found by comparing their parts: the same key string object is
  // then looked up each time, its hash computed once, instead of a new string built and hashed per question.
  const recentKeys: Array<{
    principal: string | null;
    property: string;
    action: string;
    evidence: Evidence;
    key: string;
  }> = [];

  function keyOf(principal: string | null, property: string, action: string, evidence: Evidence): string {
    for (const slot of recentKeys) {
      if (
        slot.principal === principal &&
        slot.action === action &&
        slot.property === property &&
        slot.evidence === evidence
      ) {
        return slot.key;
      }
    }
    const key = askerKey(principal, property, action, evidence);
    if (recentKeys.length >= 8) recentKeys.shift();
    recentKeys.push({ principal, property, action, evidence, key });
    return key;
  }
  const askers = new LRUCache<string, AskerMemo>({
    max: Math.max(1, Math.floor(options.maxAnswers / 10)),
    ttl: options.ttlMs,
    ...(clock ? { perf: { now: clock }, ttlResolution: 0 } : {}),
    dispose: (memo) => {
      answers -= memo.answers.size;
      bytes -= memo.bytes;
    },
  });

  function remembered(key: string, asked: Asked, withScopes: boolean): Decisions | undefined {
    const memo = askers.get(key);
    if (memo === undefined || memo.generation !== generation) return undefined;
    const { resources } = asked;
    const found: Answer[] = new Array(resources.length);
    const scopes: string[][] | undefined = withScopes ? new Array(resources.length) : undefined;
    for (let i = 0; i < resources.length; i++) {
      const hit = memo.answers.get(resources[i]);
      if (hit === undefined) return undefined;
      found[i] = hit.answer;
      if (scopes !== undefined) {
        if (hit.scopes === undefined) return undefined;
        scopes[i] = hit.scopes as string[];
      }
    }
    return { allowed: resources.length === 0 ? null : combineAll(found), answers: found, scopes };
  }

  function remember(key: string, asked: Asked, decisions: Decisions, computedAt: number): void {
    if (computedAt !== generation) return;
    let memo = askers.get(key);
    if (memo === undefined || memo.generation !== generation) {
      memo = { generation, answers: new Map(), bytes: ASKER_OVERHEAD + stringBytes(key) };
      askers.set(key, memo); // replacing a stale one disposes it (its counts are subtracted)
      bytes += memo.bytes;
    }
    const { resources } = asked;
    for (let i = 0; i < resources.length; i++) {
      const resource = resources[i];
      if (resource.length > MAX_CACHED_KEY_LENGTH) continue;
      const previous = memo.answers.get(resource);
      const scopes = decisions.scopes?.[i] ?? previous?.scopes;
      const cost = answerBytes(resource, scopes);
      if (previous === undefined) answers++;
      else {
        memo.bytes -= answerBytes(resource, previous.scopes);
        bytes -= answerBytes(resource, previous.scopes);
      }
      memo.answers.set(resource, { answer: decisions.answers[i], scopes });
      memo.bytes += cost;
      bytes += cost;
    }
    // Over a bound: the least recently asked askers go first (this one last).
    while ((answers > options.maxAnswers || bytes > options.maxBytes) && askers.size > 0) askers.pop();
  }

  const decider: Decider = {
    isAllowed(asked, action, evidence, withScopes) {
      const key = keyOf(asked.principal, asked.property, action, evidence);
      const hit = remembered(key, asked, withScopes);
      if (hit !== undefined) {
        counts.hits += asked.resources.length;
        return hit;
      }
      counts.misses += asked.resources.length;
      const computedAt = generation;
      return then(inner.isAllowed(asked, action, evidence, withScopes), (decisions) => {
        remember(key, asked, decisions, computedAt);
        return decisions;
      });
    },
    allowedActions: (principal, resource, property, evidence) =>
      inner.allowedActions(principal, resource, property, evidence),
  };

  return {
    decider,
    /** Something changed: every answer remembered so far is stale (no O(n) clear on the write path). */
    forgetAll(): void {
      generation += 1;
    },
    purgeStale(): void {
      askers.purgeStale();
    },
    stats: (): CacheStats => ({
      entries: answers,
      bytes,
      maxBytes: options.maxBytes,
      hits: counts.hits,
      misses: counts.misses,
    }),
  };
}

export type RememberingDecider = ReturnType<typeof createRememberingDecider>;
