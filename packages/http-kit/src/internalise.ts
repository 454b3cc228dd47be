/**
 * The original's URL "internalisation" (reference §2.5): a URL of the request's own host is stored and compared
 * in its relative form, so `http://{Host}/az-tm-x` and `/az-tm-x` are the same principal or resource.
 */
export function internalise(value: string, host: string | undefined): string {
  if (host === undefined || host === '') return value;
  // `http://{host}`, `https://{host}` or `//{host}`, then the end or a `/`: checked in place, no copies.
  let at: number;
  const first = value.charCodeAt(0);
  if (first === 0x68 /* h */) at = value.startsWith('http://') ? 7 : value.startsWith('https://') ? 8 : -1;
  else at = first === 0x2f /* / */ && value.charCodeAt(1) === 0x2f ? 2 : -1;
  if (at < 0 || !value.startsWith(host, at)) return value;
  const end = at + host.length;
  if (end === value.length) return '/';
  return value.charCodeAt(end) === 0x2f ? value.slice(end) : value;
}

const MAX_DEPTH = 64;

/**
 * Internalises every string of a JSON body in place (reference §2.5); for a JSON patch, only the `value` members of
 * its operations, as the original did. Bodies deeper than any document needs are left alone here (validation
 * refuses them where it matters).
 */
export function internaliseBody(body: unknown, host: string | undefined, jsonPatch: boolean): unknown {
  if (host === undefined || host === '') return body;
  if (jsonPatch) {
    if (Array.isArray(body)) {
      for (const op of body) {
        if (op !== null && typeof op === 'object' && 'value' in op) {
          (op as { value: unknown }).value = walk((op as { value: unknown }).value, host, 0);
        }
      }
    }
    return body;
  }
  return walk(body, host, 0);
}

function walk(value: unknown, host: string, depth: number): unknown {
  if (typeof value === 'string') return internalise(value, host);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = walk(value[i], host, depth + 1);
    return value;
  }
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) object[key] = walk(object[key], host, depth + 1);
  return value;
}
