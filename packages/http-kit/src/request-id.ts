import { randomBytes } from 'node:crypto';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;
// A random per-process prefix and a counter: unique across processes, and no CSPRNG call per request (which
// showed up in the hot path's profile). Request ids are for correlation, not secrets.
const PREFIX = randomBytes(8).toString('hex');
let counter = 0;

/** Keeps a caller's `x-request-id` when it is sane (so ids flow across services), otherwise makes a new one. */
export function requestIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && ACCEPTABLE.test(value)) return value;
  counter = (counter + 1) % 0x1000000000000;
  return PREFIX + counter.toString(16).padStart(16, '0');
}
