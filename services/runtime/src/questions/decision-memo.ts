import { LRUCache } from 'lru-cache';
import type { Answer } from '@permissions/model';

export interface MemoEntry {
  answer: Answer;
  scopes: string[];
  generation: number;
  expiresAt: number;
}

/**
 * Answers to questions already computed, so a repeated question costs a map lookup instead of a walk. Every event
 * and every cache reset bumps the generation, which makes every entry stale at once (no O(n) clear on the write
 * path); an entry records the generation read BEFORE it was computed, so an event that lands during a computation
 * makes its result stale immediately. Entries also expire after the negative TTL, since an answer may rest on a
 * cached "no document".
 */
export function createDecisionMemo(options: { max: number; ttlMs: number }) {
  const entries = new LRUCache<string, MemoEntry>({ max: options.max });
  let generation = 0;
  return {
    generation: () => generation,
    forgetAll(): void {
      generation += 1;
    },
    get(key: string, now: number): MemoEntry | undefined {
      const entry = entries.get(key);
      return entry !== undefined && entry.generation === generation && entry.expiresAt > now ? entry : undefined;
    },
    set(key: string, answer: Answer, scopes: string[], computedAtGeneration: number, now: number): void {
      if (computedAtGeneration !== generation) return;
      entries.set(key, { answer, scopes, generation: computedAtGeneration, expiresAt: now + options.ttlMs });
    },
  };
}

export type DecisionMemo = ReturnType<typeof createDecisionMemo>;

/** Principal, property, action, evidence and resource, separated by a character none of them can hold unnoticed. */
export function memoKey(
  principal: string | null,
  property: string,
  action: string,
  evidence: string,
  resource: string,
) {
  return `${principal ?? ''}\u0000${property}\u0000${action}\u0000${evidence}\u0000${resource}`;
}
