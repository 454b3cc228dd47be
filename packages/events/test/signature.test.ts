import { createHmac } from 'node:crypto';
import type { EventRecord } from '@permissions/store';
import { BadRequestError, UnauthorizedError } from '@permissions/model';
import {
  computeSignature,
  MAX_CLOCK_SKEW_MS,
  serializeBroadcast,
  serializeBroadcasts,
  signBroadcast,
  verifyBroadcast,
} from '../src';

const SECRET = 'test-secret';
const NOW = 1_760_000_000_000;

const event: EventRecord = {
  seq: 42,
  topic: 'teams',
  action: 'update',
  subject: '/az-tm-a-b-0123456789abcdef01234567',
  members: ['https://idp.example/users/1'],
  createdAt: new Date('2025-01-01T00:00:00.000Z'),
};

function signed(body: string, at = NOW, secret = SECRET): { raw: Buffer; headers: Record<string, string> } {
  const headers = Object.fromEntries(
    Object.entries(signBroadcast(body, secret, at)).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return { raw: Buffer.from(body), headers };
}

describe('verifyBroadcast', () => {
  it('accepts a signed broadcast and returns its events', () => {
    const { raw, headers } = signed(serializeBroadcast([event]));
    expect(verifyBroadcast(raw, headers, SECRET, NOW)).toEqual([event]);
  });

  it('signs "{timestamp}.{raw body}" with HMAC-SHA256 in hex', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW}.{"events":[]}`).digest('hex');
    expect(computeSignature('{"events":[]}', NOW, SECRET)).toBe(`sha256=${expected}`);
  });

  it('keeps only the fields of an invalidation hint', () => {
    const body = JSON.stringify({ events: [{ ...event, team: { roles: { '/': ['govern'] } }, data: { x: 1 } }] });
    const { raw, headers } = signed(body);
    const [parsed] = verifyBroadcast(raw, headers, SECRET, NOW);
    expect(Object.keys(parsed!).sort()).toEqual(['action', 'createdAt', 'members', 'seq', 'subject', 'topic']);
  });

  it.each([
    ['no headers', {}],
    ['no signature', { 'x-events-timestamp': String(NOW) }],
    ['no timestamp', { 'x-events-signature': 'sha256=00' }],
  ])('refuses an unsigned broadcast (%s)', (_name, headers) => {
    expect(() => verifyBroadcast(Buffer.from(serializeBroadcast([event])), headers, SECRET, NOW)).toThrow(
      UnauthorizedError,
    );
  });

  it('refuses a broadcast signed with another secret', () => {
    const { raw, headers } = signed(serializeBroadcast([event]), NOW, 'other-secret');
    expect(() => verifyBroadcast(raw, headers, SECRET, NOW)).toThrow(UnauthorizedError);
  });

  it('refuses a body changed after signing', () => {
    const { headers } = signed(serializeBroadcast([event]));
    const forged = Buffer.from(serializeBroadcast([{ ...event, subject: '/other' }]));
    expect(() => verifyBroadcast(forged, headers, SECRET, NOW)).toThrow(UnauthorizedError);
  });

  it('refuses a signature moved to another timestamp', () => {
    const { raw, headers } = signed(serializeBroadcast([event]));
    const moved = { ...headers, 'x-events-timestamp': String(NOW + 1) };
    expect(() => verifyBroadcast(raw, moved, SECRET, NOW)).toThrow(UnauthorizedError);
  });

  it.each(['sha256=', 'sha256=zz', 'md5=abc', '', 'sha256=' + 'a'.repeat(64)])('refuses signature %j', (signature) => {
    const { raw, headers } = signed(serializeBroadcast([event]));
    expect(() => verifyBroadcast(raw, { ...headers, 'x-events-signature': signature }, SECRET, NOW)).toThrow(
      UnauthorizedError,
    );
  });

  it.each(['abc', '-1', '1e12', ''])('refuses malformed timestamp %j', (timestamp) => {
    const { raw, headers } = signed(serializeBroadcast([event]));
    expect(() => verifyBroadcast(raw, { ...headers, 'x-events-timestamp': timestamp }, SECRET, NOW)).toThrow(
      UnauthorizedError,
    );
  });

  it('refuses repeated signature headers', () => {
    const { raw, headers } = signed(serializeBroadcast([event]));
    const sig = headers['x-events-signature']!;
    expect(() => verifyBroadcast(raw, { ...headers, 'x-events-signature': [sig, sig] }, SECRET, NOW)).toThrow(
      UnauthorizedError,
    );
  });

  it('accepts timestamps within 5 minutes either way and refuses older or newer ones', () => {
    const body = serializeBroadcast([event]);
    for (const skew of [-MAX_CLOCK_SKEW_MS, MAX_CLOCK_SKEW_MS]) {
      const { raw, headers } = signed(body, NOW + skew);
      expect(verifyBroadcast(raw, headers, SECRET, NOW)).toHaveLength(1);
    }
    for (const skew of [-MAX_CLOCK_SKEW_MS - 1, MAX_CLOCK_SKEW_MS + 1]) {
      const { raw, headers } = signed(body, NOW + skew);
      expect(() => verifyBroadcast(raw, headers, SECRET, NOW)).toThrow(UnauthorizedError);
    }
  });

  it.each([
    ['not JSON', '{"events":'],
    ['not an object', '[]'],
    ['no events', '{}'],
    ['events not an array', '{"events":{}}'],
    ['event not an object', '{"events":[1]}'],
    ['seq missing', JSON.stringify({ events: [{ ...event, seq: undefined }] })],
    ['seq as string', JSON.stringify({ events: [{ ...event, seq: '42' }] })],
    ['seq fractional', JSON.stringify({ events: [{ ...event, seq: 1.5 }] })],
    ['seq zero', JSON.stringify({ events: [{ ...event, seq: 0 }] })],
    ['unknown topic', JSON.stringify({ events: [{ ...event, topic: 'eventGapDetected' }] })],
    ['unknown action', JSON.stringify({ events: [{ ...event, action: 'deleteAll' }] })],
    ['subject not a string', JSON.stringify({ events: [{ ...event, subject: null }] })],
    ['members not strings', JSON.stringify({ events: [{ ...event, members: [1] }] })],
    ['bad createdAt', JSON.stringify({ events: [{ ...event, createdAt: 'yesterday' }] })],
  ])('answers BadRequestError for a signed but malformed body (%s)', (_name, body) => {
    const { raw, headers } = signed(body);
    expect(() => verifyBroadcast(raw, headers, SECRET, NOW)).toThrow(BadRequestError);
  });

  it('checks the signature before the body, so an unsigned malformed body is unauthorized', () => {
    expect(() => verifyBroadcast(Buffer.from('{'), {}, SECRET, NOW)).toThrow(UnauthorizedError);
  });
});

describe('serializeBroadcasts', () => {
  const many: EventRecord[] = Array.from({ length: 500 }, (_, i) => ({
    ...event,
    seq: i + 1,
    subject: `https://example.com/é-${i}`,
  }));

  it('splits the events of one write into bodies of at most maxBytes, in order, each a broadcast of its own', () => {
    const bodies = serializeBroadcasts(many, 4096);
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(4096);
    const received = bodies.flatMap((body) => {
      const { raw, headers } = signed(body);
      return verifyBroadcast(raw, headers, SECRET, NOW);
    });
    expect(received).toEqual(many);
  });

  it('is one body, as serializeBroadcast, when everything fits; an event larger than the bound goes alone', () => {
    expect(serializeBroadcasts(many, 10 * 1024 * 1024)).toEqual([serializeBroadcast(many)]);
    const large = { ...event, seq: 9, members: Array.from({ length: 100 }, (_, i) => `https://idp.example/u/${i}`) };
    const bodies = serializeBroadcasts([event, large, event], 512);
    expect(bodies).toEqual([serializeBroadcast([event]), serializeBroadcast([large]), serializeBroadcast([event])]);
    expect(serializeBroadcasts([], 512)).toEqual([]);
  });
});
