import { BadRequestError } from '@permissions/model/src/errors';

/** ETags are the event sequence number of the last write: `e{seq}` (compatible with the original's `e…` form). */
export function etagOf(seq: number): string {
  return `e${seq}`;
}

/**
 * The sequence number named by an `If-Match` header, or undefined when absent. Accepts the bare, quoted and weak
 * forms (`e12`, `"e12"`, `W/"e12"`); anything else can never match, so it is a 412 later, not a 400 here.
 */
export function seqFromIfMatch(header: string | undefined): number | 'unmatchable' | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^(?:W\/)?"?e(\d{1,15})"?$/.exec(header.trim());
  return match ? Number(match[1]) : 'unmatchable';
}

export function assertNonNegativeInteger(value: string, what: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new BadRequestError(`${what} must be a non-negative integer`);
  return Number(value);
}
