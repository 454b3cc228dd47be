import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EventAction, EventRecord, EventTopic } from '@permissions/store';
// Relative until this package's package.json lists @permissions/model (a pnpm install away); same file either way.
import { BadRequestError, UnauthorizedError } from '@permissions/model';

export const TIMESTAMP_HEADER = 'x-events-timestamp';
export const SIGNATURE_HEADER = 'x-events-signature';
/** Replays of a captured broadcast are refused once they are this old (or a sender's clock is this far off). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const SIGNATURE_PREFIX = 'sha256=';

export type BroadcastHeaders = Record<string, string | string[] | undefined>;

/** The HTTP body of a broadcast: `{"events":[…]}`. */
export function serializeBroadcast(events: readonly EventRecord[]): string {
  return JSON.stringify({ events });
}

const BODY_START = '{"events":[';
const BODY_END = ']}';

/**
 * The bodies of a broadcast of `events`, in order, each of at most `maxBytes` (UTF-8) so that a listener's body
 * limit never refuses one: a write of 10 000 documents appends 10 000 events. An event larger than that on its own
 * goes alone (the listener may refuse it, and then catches up by polling).
 */
export function serializeBroadcasts(events: readonly EventRecord[], maxBytes: number): string[] {
  const bodies: string[] = [];
  let parts: string[] = [];
  let size = BODY_START.length + BODY_END.length;
  for (const event of events) {
    const text = JSON.stringify(event);
    const bytes = Buffer.byteLength(text) + (parts.length > 0 ? 1 : 0);
    if (parts.length > 0 && size + bytes > maxBytes) {
      bodies.push(BODY_START + parts.join(',') + BODY_END);
      parts = [];
      size = BODY_START.length + BODY_END.length;
    }
    size += Buffer.byteLength(text) + (parts.length > 0 ? 1 : 0);
    parts.push(text);
  }
  if (parts.length > 0) bodies.push(BODY_START + parts.join(',') + BODY_END);
  return bodies;
}

/** HMAC-SHA256 over `{timestamp}.{raw body}`: binding the timestamp stops a captured body being replayed later. */
export function computeSignature(rawBody: string | Buffer, timestampMs: number, secret: string): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestampMs}.`);
  hmac.update(rawBody);
  return SIGNATURE_PREFIX + hmac.digest('hex');
}

export function signBroadcast(rawBody: string | Buffer, secret: string, nowMs: number): Record<string, string> {
  return {
    'X-Events-Timestamp': String(nowMs),
    'X-Events-Signature': computeSignature(rawBody, nowMs, secret),
  };
}

/**
 * Checks a received broadcast and returns its events. UnauthorizedError for a missing or wrong signature or a
 * timestamp more than MAX_CLOCK_SKEW_MS away from `nowMs`; BadRequestError for a signed but malformed body. Only
 * (seq, topic, action, subject, members, createdAt) are kept: an event is an invalidation hint, and the receiver
 * re-reads what changed from the database (reference W3: forged events injected data into caches).
 */
export function verifyBroadcast(
  rawBody: Buffer,
  headers: BroadcastHeaders,
  secret: string,
  nowMs: number,
): EventRecord[] {
  const timestampText = singleHeader(headers, TIMESTAMP_HEADER);
  const signature = singleHeader(headers, SIGNATURE_HEADER);
  if (timestampText === undefined || signature === undefined) {
    throw new UnauthorizedError('event broadcast is not signed');
  }
  if (!/^\d{1,15}$/.test(timestampText)) throw new UnauthorizedError('event broadcast timestamp is malformed');
  const timestampMs = Number(timestampText);
  if (!signatureMatches(signature, computeSignature(rawBody, timestampMs, secret))) {
    throw new UnauthorizedError('event broadcast signature is wrong');
  }
  // Checked after the signature so that an unsigned caller learns nothing about our clock.
  if (Math.abs(nowMs - timestampMs) > MAX_CLOCK_SKEW_MS) {
    throw new UnauthorizedError('event broadcast timestamp is too far from now');
  }
  return parseEvents(rawBody);
}

function singleHeader(headers: BroadcastHeaders, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  // A repeated header is ambiguous: refuse rather than pick one.
  return typeof value === 'string' ? value : undefined;
}

function signatureMatches(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // The expected length is public (a fixed-size hex digest); only the content comparison must not leak timing.
  return a.length === b.length && timingSafeEqual(a, b);
}

const TOPICS: readonly EventTopic[] = ['permissions', 'teams'];
const ACTIONS: readonly EventAction[] = ['create', 'update', 'delete'];

function parseEvents(rawBody: Buffer): EventRecord[] {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new BadRequestError('event broadcast body is not JSON');
  }
  if (!isObject(body) || !Array.isArray(body.events)) {
    throw new BadRequestError('event broadcast body must be {"events": [...]}');
  }
  return body.events.map((item: unknown, index: number) => parseEvent(item, index));
}

function parseEvent(item: unknown, index: number): EventRecord {
  const bad = (what: string): BadRequestError => new BadRequestError(`event broadcast events[${index}]: ${what}`);
  if (!isObject(item)) throw bad('must be an object');
  const { seq, topic, action, subject, members, createdAt } = item;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) throw bad('seq must be a positive integer');
  if (!TOPICS.includes(topic as EventTopic)) throw bad(`topic must be one of ${TOPICS.join(', ')}`);
  if (!ACTIONS.includes(action as EventAction)) throw bad(`action must be one of ${ACTIONS.join(', ')}`);
  if (typeof subject !== 'string') throw bad('subject must be a string');
  if (!Array.isArray(members) || !members.every((m): m is string => typeof m === 'string')) {
    throw bad('members must be an array of strings');
  }
  const created = typeof createdAt === 'string' ? new Date(createdAt) : new Date(Number.NaN);
  if (Number.isNaN(created.getTime())) throw bad('createdAt must be a date');
  return { seq, topic: topic as EventTopic, action: action as EventAction, subject, members, createdAt: created };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
