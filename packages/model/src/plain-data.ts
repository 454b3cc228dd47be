/**
 * Safe access to untrusted JSON-shaped data. Bodies come from clients, so `__proto__`, `constructor` and other
 * inherited names must never be read from or written through the prototype chain.
 */

export type PlainObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an own property only (`doc._self.constructor` must not find `Object`). */
export function ownValue(object: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? (object as PlainObject)[key] : undefined;
}

/** Writes an own, enumerable property even for the key `__proto__` (a plain assignment would change the prototype). */
export function setOwn(object: PlainObject, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

/** Distinct values, first occurrence kept, so the order a client wrote is preserved. */
export function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/** A deep copy of JSON data (documents hold only JSON values, so this loses nothing). */
export function copyJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((entry: unknown) => copyJson(entry)) as T;
  if (isPlainObject(value)) {
    const copy: PlainObject = {};
    for (const [key, entry] of Object.entries(value)) setOwn(copy, key, copyJson(entry));
    return copy as T;
  }
  return value;
}
