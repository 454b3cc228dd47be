import { LRUCache } from 'lru-cache';
import { TooManyRequestsError } from '@permissions/model';

/**
 * How many e-mails or ids a principal may find unknown at an issuer (issue 18 item 4): every lookup tells whether a
 * value is registered, so a principal who names thousands of guesses learns who has an account. Lookups of values
 * that turn out to exist cost nothing; unknown ones cost one token each.
 */
export interface ThrottlePolicy {
  /** Tokens a principal starts with, and the most it can save. */
  burst: number;
  /** Tokens regained per minute. */
  perMinute: number;
}

export const DEFAULT_UNKNOWN_LOOKUPS: ThrottlePolicy = { burst: 20, perMinute: 20 };

export interface Bucket {
  tokens: number;
  at: number;
}

/** The bucket at `now`: tokens regained since `at`, never above the burst. Pure. */
export function refilled(bucket: Bucket, now: number, policy: ThrottlePolicy): Bucket {
  const gained = (Math.max(0, now - bucket.at) * policy.perMinute) / 60_000;
  return { tokens: Math.min(policy.burst, bucket.tokens + gained), at: now };
}

/** Whole seconds until a bucket holds one token again (0 when it does). Pure. */
export function secondsUntilOneToken(bucket: Bucket, policy: ThrottlePolicy): number {
  if (bucket.tokens >= 1) return 0;
  return Math.ceil(((1 - bucket.tokens) * 60) / policy.perMinute);
}

export interface LookupThrottle {
  /**
   * Takes `count` tokens before asking the issuer about `count` values, so that concurrent requests cannot all spend
   * the same tokens; 429 when the principal has less than one token left. A request may run into debt (it is
   * answered, and the principal waits the longer afterwards); the per-request cap bounds that debt.
   */
  reserve(actor: string, count: number): void;
  /** Gives back the tokens of values that turned out to exist. */
  refund(actor: string, count: number): void;
}

export function createLookupThrottle(options: {
  policy?: ThrottlePolicy;
  /** Principals remembered at once; a forgotten one starts again with a full bucket. */
  maxActors?: number;
  now?: () => number;
}): LookupThrottle {
  const policy = options.policy ?? DEFAULT_UNKNOWN_LOOKUPS;
  const now = options.now ?? Date.now;
  const buckets = new LRUCache<string, Bucket>({ max: options.maxActors ?? 10_000 });
  const current = (actor: string) => refilled(buckets.get(actor) ?? { tokens: policy.burst, at: now() }, now(), policy);
  return {
    reserve(actor, count) {
      const bucket = current(actor);
      if (bucket.tokens < 1) {
        buckets.set(actor, bucket);
        const retryAfter = secondsUntilOneToken(bucket, policy);
        throw new TooManyRequestsError(
          `too many unknown e-mails or ids looked up: at most ${policy.burst} at once and ${policy.perMinute} a minute per principal; retry in ${retryAfter} s`,
          { limit: policy.perMinute, burst: policy.burst, retryAfter },
        );
      }
      buckets.set(actor, { ...bucket, tokens: bucket.tokens - count });
    },
    refund(actor, count) {
      if (count <= 0) return;
      const bucket = current(actor);
      buckets.set(actor, { ...bucket, tokens: Math.min(policy.burst, bucket.tokens + count) });
    },
  };
}
