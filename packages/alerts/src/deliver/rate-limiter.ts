/** A channel's send rate: `perSecond` on average, up to `burst` at once. */
export interface RateLimit {
  /** Sends per second on average (e.g. 1 for Slack, 0.2 for one SMS every five seconds). */
  readonly perSecond: number;
  /** Sends allowed back to back after a quiet period. Default 1. */
  readonly burst?: number;
}

/** A token bucket: {@link TokenBucket.take} spends a token or says how long until one is free. */
export interface TokenBucket {
  /**
   * Spend a token if one is available.
   *
   * @param now - The current time, epoch ms.
   * @returns 0 when a token was spent, else the milliseconds until one is available.
   */
  take(now: number): number;
}

/**
 * Create a token bucket, full at the start.
 *
 * @param limit - The rate and burst.
 * @param start - The current time, epoch ms.
 */
export function createTokenBucket(limit: RateLimit, start: number): TokenBucket {
  const capacity = limit.burst ?? 1;
  const msPerToken = 1000 / limit.perSecond;
  let tokens = capacity;
  let updatedAt = start;
  return {
    take(now) {
      if (now > updatedAt) {
        tokens = Math.min(capacity, tokens + (now - updatedAt) / msPerToken);
        updatedAt = now;
      }
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      // The epsilon absorbs floating-point error (0.998 tokens at 2/s is 1 ms, not 2).
      return Math.max(1, Math.ceil((1 - tokens) * msPerToken - 1e-6));
    },
  };
}
