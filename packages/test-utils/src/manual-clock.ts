/** A clock that moves only when told to. */
export interface ManualClock {
  /** The current time, epoch milliseconds. Pass this as a factory's `now` option. */
  readonly now: () => number;
  /**
   * Move time forward (or, with a negative amount, backward, to test clocks that jump).
   *
   * @param ms - Milliseconds to add.
   */
  advance(ms: number): void;
  /**
   * Jump to a given time.
   *
   * @param epochMs - The new time.
   */
  set(epochMs: number): void;
}

/**
 * Create a frozen clock for tests.
 *
 * @param start - Initial time, epoch milliseconds. Default 2026-01-01T00:00:00Z.
 * @returns The clock.
 * @example
 * ```ts
 * import { createMemoryStore } from '@secbot/core';
 * import { createManualClock } from '@secbot/test-utils';
 *
 * const clock = createManualClock();
 * const store = createMemoryStore({ now: clock.now });
 * clock.advance(60_000);
 * ```
 */
export function createManualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
    set(epochMs) {
      current = epochMs;
    },
  };
}
