import { z } from 'zod';
import type { RateLimit } from './rate-limiter.js';

/** How notifications reach channels: retries, timeouts, rate limits and the outbox. */
export interface DeliveryOptions {
  /** Attempts per notification and channel before it is dead-lettered. Default 8. */
  readonly maxAttempts?: number;
  /** Backoff ceiling after the first failure, in ms; it doubles per failure (full jitter). Default 1,000. */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling, in ms. Default 300,000 (5 min). A receiver's `Retry-After` may ask for more (up to 1 h). */
  readonly maxDelayMs?: number;
  /** How long one `send` may take before it is aborted and counted as failed. Default 10,000. */
  readonly attemptTimeoutMs?: number;
  /** Attempts running at once per channel. Default 4. */
  readonly maxInFlight?: number;
  /** How long `close` waits for running attempts before aborting them. Default 5,000. */
  readonly closeTimeoutMs?: number;
  /** Send rates by channel name, e.g. `{ slack: { perSecond: 1 }, sms: { perSecond: 0.2, burst: 3 } }`. */
  readonly rateLimits?: Readonly<Record<string, RateLimit>>;
  /** The outbox each channel has. */
  readonly outbox?: {
    /** Most notifications waiting per channel; when full, the oldest of the lowest severity is dropped (and reported). Default 10,000. */
    readonly maxItems?: number;
    /** Most dead letters kept; when full, the oldest is dropped (and reported). Default 1,000. */
    readonly maxDeadLetters?: number;
    /**
     * A directory for a journal (`outbox.jsonl`, mode 600, fsynced, compacted) so waiting
     * notifications and dead letters survive a restart. One notifier per directory. Default: memory only.
     */
    readonly path?: string;
  };
}

const positiveMs = (max: number) => z.number().int().min(1).max(max);

/** The zod schema of {@link DeliveryOptions}, with defaults. */
export const deliveryOptionsSchema = z
  .strictObject({
    maxAttempts: z.number().int().min(1).max(100).default(8),
    baseDelayMs: positiveMs(3_600_000).default(1000),
    maxDelayMs: positiveMs(86_400_000).default(300_000),
    attemptTimeoutMs: positiveMs(600_000).default(10_000),
    maxInFlight: z.number().int().min(1).max(64).default(4),
    closeTimeoutMs: z.number().int().min(0).max(600_000).default(5000),
    rateLimits: z
      .record(
        z.string().min(1).max(128),
        z.strictObject({
          perSecond: z.number().positive().max(10_000),
          burst: z.number().int().min(1).max(10_000).optional(),
        }),
      )
      .default({}),
    outbox: z
      .strictObject({
        maxItems: z.number().int().min(1).max(1_000_000).default(10_000),
        maxDeadLetters: z.number().int().min(1).max(1_000_000).default(1000),
        path: z.string().min(1).max(4096).optional(),
      })
      .default({ maxItems: 10_000, maxDeadLetters: 1000 }),
  })
  .refine((options) => options.baseDelayMs <= options.maxDelayMs, {
    message: 'baseDelayMs must not exceed maxDelayMs',
    path: ['baseDelayMs'],
  })
  .default({
    maxAttempts: 8,
    baseDelayMs: 1000,
    maxDelayMs: 300_000,
    attemptTimeoutMs: 10_000,
    maxInFlight: 4,
    closeTimeoutMs: 5000,
    rateLimits: {},
    outbox: { maxItems: 10_000, maxDeadLetters: 1000 },
  });

/** {@link DeliveryOptions} after validation, defaults applied. */
export type ParsedDeliveryOptions = z.output<typeof deliveryOptionsSchema>;
