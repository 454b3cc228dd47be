import fc from 'fast-check';
import { TooManyRequestsError } from '@permissions/model';
import { createLookupThrottle, refilled, secondsUntilOneToken, type ThrottlePolicy } from '../src';

const POLICY: ThrottlePolicy = { burst: 10, perMinute: 6 };

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

test('a bucket regains perMinute tokens a minute, never above the burst, never from a clock that goes back', () => {
  expect(refilled({ tokens: 0, at: 0 }, 10_000, POLICY)).toEqual({ tokens: 1, at: 10_000 });
  expect(refilled({ tokens: 9.5, at: 0 }, 60_000, POLICY).tokens).toBe(10);
  expect(refilled({ tokens: -4, at: 0 }, 30_000, POLICY).tokens).toBe(-1);
  expect(refilled({ tokens: 3, at: 50 }, 10, POLICY).tokens).toBe(3);
  fc.assert(
    fc.property(fc.double({ min: -200, max: 10, noNaN: true }), fc.nat(), fc.nat(), (tokens, a, b) => {
      const once = refilled(refilled({ tokens, at: 0 }, a, POLICY), a + b, POLICY).tokens;
      expect(once).toBeLessThanOrEqual(POLICY.burst);
      expect(once).toBeGreaterThanOrEqual(Math.min(tokens, POLICY.burst));
    }),
  );
});

test('the wait is the time to regain one whole token', () => {
  expect(secondsUntilOneToken({ tokens: 1, at: 0 }, POLICY)).toBe(0);
  expect(secondsUntilOneToken({ tokens: 0, at: 0 }, POLICY)).toBe(10);
  expect(secondsUntilOneToken({ tokens: -9, at: 0 }, POLICY)).toBe(100);
});

test('reserving spends tokens; below one token the actor gets a 429 naming the limit, others do not', () => {
  const time = clock();
  const throttle = createLookupThrottle({ policy: POLICY, now: time.now });
  throttle.reserve('bob', 10);
  const err = thrown(() => throttle.reserve('bob', 1));
  expect(err).toBeInstanceOf(TooManyRequestsError);
  expect((err as TooManyRequestsError).message).toBe(
    'too many unknown e-mails or ids looked up: at most 10 at once and 6 a minute per principal; retry in 10 s',
  );
  expect((err as TooManyRequestsError).details).toEqual({ limit: 6, burst: 10, retryAfter: 10 });
  expect(thrown(() => throttle.reserve('alice', 10))).toBeUndefined();
  time.advance(10_000);
  expect(thrown(() => throttle.reserve('bob', 1))).toBeUndefined();
});

test('refunded tokens (values that exist) cost nothing; one request may run into debt and then waits longer', () => {
  const time = clock();
  const throttle = createLookupThrottle({ policy: POLICY, now: time.now });
  for (let i = 0; i < 5; i++) {
    throttle.reserve('carol', 30);
    throttle.refund('carol', 30);
  }
  throttle.reserve('carol', 30); // 10 - 30 = -20
  expect(thrown(() => throttle.reserve('carol', 1))).toBeInstanceOf(TooManyRequestsError);
  time.advance(200_000); // +20 → 0
  expect(thrown(() => throttle.reserve('carol', 1))).toBeInstanceOf(TooManyRequestsError);
  time.advance(10_000);
  expect(thrown(() => throttle.reserve('carol', 1))).toBeUndefined();
});

test('a forgotten actor (memory is bounded) starts again with a full bucket', () => {
  const throttle = createLookupThrottle({ policy: POLICY, maxActors: 2, now: clock().now });
  throttle.reserve('dave', 10);
  throttle.reserve('x', 1);
  throttle.reserve('y', 1);
  expect(thrown(() => throttle.reserve('dave', 1))).toBeUndefined();
});
