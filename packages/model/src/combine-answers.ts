import type { Answer } from './types';

/**
 * Several resources in one `/az-is-allowed` question must ALL be allowed (CONTRACT §3): a three-valued AND that does
 * not depend on the order of the resources. `false` if any answer is `false` (a veto anywhere is final), else `null`
 * if any is `null` (nobody decided for that resource, so "yes" is not certain), else `true`. No answers → `null`.
 *
 * The original folded `answer = answer && next` with JavaScript semantics, so `[null, false]` gave `null` while
 * `[false, null]` gave `false`: the same question answered differently depending on how it was written.
 */
export function combineAll(answers: readonly Answer[]): Answer {
  if (answers.length === 0) return null;
  let combined: Answer = true;
  for (const answer of answers) {
    if (answer === false) return false;
    if (answer === null) combined = null;
  }
  return combined;
}

/**
 * `/az-are-any-allowed`: `true` if any answer is `true`; otherwise `null` if any answer is `null` (nothing decided
 * for that resource, so "no" is not certain), `false` only when every answer is a veto. No answers → `null`.
 */
export function anyAllowed(answers: readonly Answer[]): Answer {
  if (answers.includes(true)) return true;
  if (answers.length === 0 || answers.includes(null)) return null;
  return false;
}
