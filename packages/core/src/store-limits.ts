import { SecbotError } from './secbot-error.js';
import type { IncrementOptions } from './store.js';

/**
 * Bounds every {@link Store} implementation enforces on its arguments, so attacker-influenced keys
 * (usernames, addresses) cannot grow without limit. Hash anything longer before using it as a key.
 */
export const storeLimits = {
  /** Longest key, in UTF-16 code units. */
  maxKeyLength: 512,
  /** Longest set member, in UTF-16 code units. */
  maxMemberLength: 512,
  /** Longest value, in UTF-16 code units. */
  maxValueLength: 65_536,
  /** Longest window or TTL: one year, in milliseconds. */
  maxDurationMs: 366 * 24 * 60 * 60 * 1000,
  /** Largest single increment. */
  maxIncrement: 1_000_000,
} as const;

function invalid(what: string): never {
  throw new SecbotError('ARGUMENT_INVALID', `store: ${what}`);
}

/**
 * Check a store key (a non-empty string within {@link storeLimits}).
 *
 * @param key - The key to check.
 * @throws SecbotError `ARGUMENT_INVALID` when the key is not acceptable.
 */
export function assertStoreKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) invalid('key must be a non-empty string');
  if (key.length > storeLimits.maxKeyLength) invalid(`key longer than ${storeLimits.maxKeyLength}`);
}

/**
 * Check a set member.
 *
 * @param member - The member to check.
 * @throws SecbotError `ARGUMENT_INVALID` when the member is not a string within the limit.
 */
export function assertStoreMember(member: unknown): asserts member is string {
  if (typeof member !== 'string') invalid('set member must be a string');
  if (member.length > storeLimits.maxMemberLength)
    invalid(`set member longer than ${storeLimits.maxMemberLength}`);
}

/**
 * Check a value to store.
 *
 * @param value - The value to check.
 * @throws SecbotError `ARGUMENT_INVALID` when the value is not a string within the limit.
 */
export function assertStoreValue(value: unknown): asserts value is string {
  if (typeof value !== 'string') invalid('value must be a string');
  if (value.length > storeLimits.maxValueLength) invalid(`value longer than ${storeLimits.maxValueLength}`);
}

/**
 * Check a duration (TTL or window) in milliseconds: a positive integer up to one year.
 *
 * @param ms - The duration.
 * @param name - What it is, for the error message.
 * @throws SecbotError `ARGUMENT_INVALID` otherwise.
 */
export function assertDuration(ms: unknown, name: string): asserts ms is number {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms <= 0 || ms > storeLimits.maxDurationMs) {
    invalid(`${name} must be a positive integer number of milliseconds up to one year`);
  }
}

/**
 * Check increment options and fill the defaults.
 *
 * @param options - What the caller passed.
 * @returns Window, mode and amount, all present.
 * @throws SecbotError `ARGUMENT_INVALID` when any is out of range.
 */
export function normalizeIncrement(options: IncrementOptions): Required<IncrementOptions> {
  if (typeof options !== 'object' || options === null) invalid('increment options are required');
  assertDuration(options.windowMs, 'windowMs');
  const mode = options.mode ?? 'fixed';
  if (mode !== 'fixed' && mode !== 'sliding') invalid('mode must be "fixed" or "sliding"');
  const by = options.by ?? 1;
  if (!Number.isSafeInteger(by) || by <= 0 || by > storeLimits.maxIncrement) {
    invalid(`by must be a positive integer up to ${storeLimits.maxIncrement}`);
  }
  return { windowMs: options.windowMs, mode, by };
}
