import { BadRequestError } from './errors';

/**
 * How deeply JSON values may nest in a document, a team or a PATCH body. A permissions document needs four levels
 * (document → property → action → principals); the rest is room for the extra data clients keep. Recursive code
 * (copies, merge patches, JSON.stringify) overflows the stack at a few thousand levels, which a 1 MB body reaches
 * easily, so deeper input is refused before anything walks it.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Member names that JavaScript objects already answer to (`__proto__`, `constructor`, `hasOwnProperty`…) plus
 * `prototype`. Stored as data they break the code that later walks the document: the merge-patch library calls
 * `target.hasOwnProperty(key)`, so a document with a `hasOwnProperty` member made every later merge patch a 500, and
 * it silently drops the rest of a patch at `__proto__`, `constructor` or `prototype`. Refusing them keeps every
 * stored document patchable and every patch applied in full.
 */
export const RESERVED_MEMBER_NAMES: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

/**
 * Throws 400 when `value` nests deeper than MAX_JSON_DEPTH or uses a reserved member name at any depth. Walks
 * without recursion, so no input can overflow the stack here.
 */
export function assertSafeJson(value: unknown, what: string): void {
  const pending: Array<[value: unknown, path: string, depth: number]> = [[value, '', 1]];
  while (pending.length > 0) {
    const [current, path, depth] = pending.pop() as [unknown, string, number];
    if (typeof current !== 'object' || current === null) continue;
    if (depth > MAX_JSON_DEPTH) {
      throw new BadRequestError(`${what} nests JSON more than ${MAX_JSON_DEPTH} levels deep`, {
        limit: MAX_JSON_DEPTH,
      });
    }
    const isArray = Array.isArray(current);
    for (const [key, child] of Object.entries(current)) {
      const at = isArray ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      if (!isArray && RESERVED_MEMBER_NAMES.has(key)) {
        throw new BadRequestError(`invalid JSON: ${what} may not use the reserved member name "${key}" (at ${at})`);
      }
      pending.push([child, at, depth + 1]);
    }
  }
}
