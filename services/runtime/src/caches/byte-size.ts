/**
 * Byte bounds need sizes. These are estimates of the V8 heap a cached value holds (headers, pointers, characters),
 * calibrated against `pnpm bench`'s heap-per-document measurement; they err on the high side.
 */

/** Keys longer than this are never cached: a question about a 900 KB resource name is answered, not remembered. */
export const MAX_CACHED_KEY_LENGTH = 16 * 1024;

const STRING = 20;
const ARRAY = 32;
const OBJECT = 48;
const SLOT = 8;
/** An object member costs its slot and a share of its shape (or a dictionary entry). */
const MEMBER = 32;

/** Estimated heap bytes of a string (one byte per character for the Latin-1 strings URLs are; two otherwise). */
export function stringBytes(value: string): number {
  return STRING + value.length;
}

/**
 * Freezes JSON-shaped data in place (so no caller can change what other requests read) and returns its estimated
 * heap bytes, strings included: one walk for both.
 */
export function freezeAndMeasure(value: unknown): number {
  if (typeof value === 'string') return stringBytes(value);
  if (value === null || typeof value !== 'object') return SLOT;
  let total: number;
  if (Array.isArray(value)) {
    total = ARRAY + SLOT * value.length;
    for (const entry of value) {
      if (typeof entry === 'object' || typeof entry === 'string') total += freezeAndMeasure(entry);
    }
  } else {
    total = OBJECT;
    for (const [key, entry] of Object.entries(value)) total += MEMBER + key.length + freezeAndMeasure(entry);
  }
  Object.freeze(value);
  return total;
}
