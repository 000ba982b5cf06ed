import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/deliver/backoff.js';
import { createTokenBucket } from '../../src/deliver/rate-limiter.js';

describe('backoffDelay', () => {
  it('doubles the ceiling per failure up to the maximum, and scales it by the random draw', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 1000, 10_000, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(backoffDelay(3, 1000, 10_000, () => 0.25)).toBe(1000);
    expect(backoffDelay(3, 1000, 10_000, () => 0)).toBe(0);
  });

  it('stays within [0, ceiling] for any failures count and any (even broken) random source', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 10_000 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.double(),
        (failures, base, draw) => {
          const max = base * 10;
          const delay = backoffDelay(failures, base, max, () => draw);
          return Number.isInteger(delay) && delay >= 0 && delay <= max;
        },
      ),
    );
  });
});

describe('token bucket', () => {
  it('allows the burst, then one token per interval; a clock going back grants nothing', () => {
    const bucket = createTokenBucket({ perSecond: 2, burst: 2 }, 0);
    expect([bucket.take(0), bucket.take(0)]).toEqual([0, 0]);
    expect(bucket.take(0)).toBe(500);
    expect(bucket.take(499)).toBe(1);
    expect(bucket.take(500)).toBe(0);
    expect(bucket.take(-10_000)).toBeGreaterThan(0);
    expect(bucket.take(10_000)).toBe(0);
    expect(bucket.take(10_000)).toBe(0);
    expect(bucket.take(10_000)).toBe(500);
  });
});
