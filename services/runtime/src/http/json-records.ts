/** A canonical array index, which a JavaScript object would list before every other key. */
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/** `{key: value}` with a null prototype, as the original answered (a key may be any string, `__proto__` too). */
export function byKey<T>(keys: readonly string[], values: readonly T[]): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  for (let i = 0; i < keys.length; i++) record[keys[i]] = values[i];
  return record;
}

/** Whether JSON.stringify would escape something in `key` (a quote, a backslash, a control character, a surrogate). */
function needsEscape(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 0x30 && first <= 0x39 && ARRAY_INDEX.test(key) && Number(key) < 4294967295;
}

/**
 * Exactly `JSON.stringify(byKey(keys, values))`, written directly: a batch of 100 resources answered from memory
 * spent more on building a 100-key dictionary object and serialising it than on the rest of its question. Keys
 * that would make an object reorder or merge them (a repeated key, an array index) fall back to the object.
 */
export function recordJson<T>(keys: readonly string[], values: readonly T[], valueJson: (value: T) => string): string {
  const seen = new Set<string>();
  let json = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (seen.has(key) || isArrayIndex(key)) return JSON.stringify(byKey(keys, values));
    seen.add(key);
    json += `${i === 0 ? '' : ','}${needsEscape(key) ? JSON.stringify(key) : `"${key}"`}:${valueJson(values[i])}`;
  }
  return `${json}}`;
}
