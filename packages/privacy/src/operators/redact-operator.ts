import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { Operator } from './operator.js';

const redactOptionsSchema = z
  .object({
    labels: z.record(z.string(), z.string().max(256)).optional(),
  })
  .strict();

/** Options of {@link redactOperator}. */
export interface RedactOperatorOptions {
  /** Replacement text per type, e.g. `{ EMAIL: '[email removed]' }`; other types get `[TYPE]`. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Replace each value with a label naming its type: `[EMAIL]`, `[CREDIT_CARD]`, or the label
 * configured for the type. Nothing of the value remains, not even its length.
 *
 * @param options - Labels per type.
 * @returns The operator.
 * @throws SecbotError `CONFIG_INVALID` for a label that is not a string of at most 256 characters.
 * @example
 * ```ts
 * import { applyOperator, redactOperator } from '@secbot/privacy';
 *
 * const finding = { type: 'EMAIL', start: 5, end: 16, confidence: 1, detector: 'email' };
 * applyOperator('mail ann@x.test now', [finding], redactOperator()); // 'mail [EMAIL] now'
 * ```
 */
export function redactOperator(options: RedactOperatorOptions = {}): Operator {
  const { labels = {} } = parseOptions(redactOptionsSchema, options, 'redactOperator');
  const byType = new Map(Object.entries(labels));
  return {
    name: 'redact',
    replace: (_value, type) => byType.get(type) ?? `[${type}]`,
  };
}
