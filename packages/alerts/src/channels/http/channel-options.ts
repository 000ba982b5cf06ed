import type { Clock } from '@secbot/core';
import { z } from 'zod';

/** Options every HTTP alert channel takes. */
export interface HttpChannelOptions {
  /**
   * The channel's name in logs, events and the dead-letter list; unique among channels. Letters,
   * digits, `.`, `_`, `:` and `-`, up to 64. Defaults to the kind of channel (`slack`, `pagerduty`...).
   */
  readonly name?: string;
  /**
   * How long one HTTP request may take, headers and body, in milliseconds (1 to 120,000).
   * Default 10,000. The send context's signal can end it sooner.
   */
  readonly timeoutMs?: number;
  /** Clock, epoch milliseconds, for signature timestamps and `Retry-After` dates. Defaults to `Date.now`. */
  readonly now?: Clock;
}

/** Zod shape of {@link HttpChannelOptions}, spread into each channel's schema. */
export const httpChannelShape = {
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_", ":" or "-"')
    .optional(),
  timeoutMs: z.number().int().min(1).max(120_000).default(10_000),
  now: z.custom<Clock>((value) => typeof value === 'function', 'must be a function').default(() => Date.now),
};
