import type { Answer } from './types';

/**
 * Several resources in one `/az-is-allowed` question must ALL be allowed (reference §5.3, kept for compatibility):
 * start with the first answer, then `answer = answer && next` with JavaScript semantics, so
 * `true && null = null`, `null && false = null`, `false && anything = false`. No answers → `null`.
 * The result is `true` only if every answer is `true`; callers treat `null` as "no".
 */
export function combineAll(answers: readonly Answer[]): Answer {
  if (answers.length === 0) return null;
  return answers.reduce((combined, answer) => (combined === true ? answer : combined));
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
