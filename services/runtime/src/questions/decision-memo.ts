import { LRUCache } from 'lru-cache';
import type { Answer } from '@permissions/model';

export interface MemoEntry {
  answer: Answer;
  scopes: string[];
  expiresAt: number;
}

/** One asker's remembered answers (a principal asking one action on one property with one kind of evidence). */
export interface AskerMemo {
  generation: number;
  answers: Map<string, MemoEntry>;
}

/**
 * Answers to questions already computed, so a repeated question costs a map lookup instead of a walk. Two levels:
 * an LRU of askers (principal, property, action, evidence), then a plain map of resource → answer, so a batch of
 * 100 resources is one LRU lookup and 100 `Map.get`s. Every event and every cache reset bumps the generation,
 * which makes every entry stale at once (no O(n) clear on the write path); an answer records the generation read
 * BEFORE it was computed, so an event that lands during a computation makes its result stale immediately. Entries
 * also expire after the negative TTL, since an answer may rest on a cached "no document". At most `max` answers
 * are kept in all.
 */
export function createDecisionMemo(options: { max: number; ttlMs: number }) {
  let size = 0;
  const askers = new LRUCache<string, AskerMemo>({
    max: Math.max(1, Math.floor(options.max / 10)),
    dispose: (memo) => {
      size -= memo.answers.size;
    },
  });
  let generation = 0;
  return {
    generation: () => generation,
    forgetAll(): void {
      generation += 1;
    },
    /** The asker's remembered answers of the current generation (undefined: nothing remembered). */
    asker(key: string): AskerMemo | undefined {
      const memo = askers.get(key);
      return memo !== undefined && memo.generation === generation ? memo : undefined;
    },
    set(key: string, resource: string, answer: Answer, scopes: string[], computedAtGeneration: number, now: number) {
      if (computedAtGeneration !== generation) return;
      let memo = askers.get(key);
      if (memo === undefined || memo.generation !== generation) {
        memo = { generation, answers: new Map() }; // replacing a stale one disposes it (its size is subtracted)
        askers.set(key, memo);
      }
      if (size >= options.max) {
        // Over the bound: start afresh rather than track a global LRU order per answer.
        askers.clear();
        size = 0;
        memo = { generation, answers: new Map() };
        askers.set(key, memo);
      }
      if (!memo.answers.has(resource)) size += 1;
      memo.answers.set(resource, { answer, scopes, expiresAt: now + options.ttlMs });
    },
  };
}

export type DecisionMemo = ReturnType<typeof createDecisionMemo>;

/** Principal, property, action and evidence, separated by a character none of them can hold unnoticed. */
export function askerKey(principal: string | null, property: string, action: string, evidence: string): string {
  return `${principal ?? ''}\u0000${property}\u0000${action}\u0000${evidence}`;
}
