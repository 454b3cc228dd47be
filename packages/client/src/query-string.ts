/** A query string from named values; arrays repeat the name; undefined and false are left out; true is `name`. */
export function queryString(params: Record<string, string | number | boolean | readonly string[] | undefined>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === false) continue;
    if (value === true) parts.push(encodeURIComponent(name));
    else if (Array.isArray(value))
      for (const v of value) parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(v)}`);
    else parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}
