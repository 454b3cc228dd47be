/**
 * The JSON merge patch (RFC 7386) that turns `before` into `after`: what the editor sends, so that the document
 * the user sees after saving is the one he wrote. Members absent from `after` are removed (`null`); objects are
 * patched member by member; anything else (arrays included) is replaced whole. `null` values inside `after` cannot
 * be expressed by a merge patch: the caller is told (`nullsIn`) rather than have them silently dropped.
 */
export function mergePatchBetween(before: unknown, after: unknown): unknown {
  if (!isObject(before) || !isObject(after)) return after;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(before)) {
    if (!Object.prototype.hasOwnProperty.call(after, key)) define(patch, key, null);
  }
  for (const [key, value] of Object.entries(after)) {
    const old = Object.prototype.hasOwnProperty.call(before, key) ? before[key] : undefined;
    if (old !== undefined && sameJson(old, value)) continue;
    define(patch, key, isObject(old) && isObject(value) ? mergePatchBetween(old, value) : value);
  }
  return patch;
}

/** Paths (`a.b`) of `null` members in an object: a merge patch reads them as "remove". */
export function nullsIn(value: unknown, prefix = ''): string[] {
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, member]) => {
    const at = prefix === '' ? key : `${prefix}.${key}`;
    return member === null ? [at] : nullsIn(member, at);
  });
}

export function isEmptyPatch(patch: unknown): boolean {
  return isObject(patch) && Object.keys(patch).length === 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `__proto__` is a valid member name in a document: never assign it through the prototype chain. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
