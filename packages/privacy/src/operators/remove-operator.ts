import type { Operator } from './operator.js';

/**
 * Remove each value, leaving nothing in its place (the text around it is kept as it is, spaces
 * included).
 *
 * @returns The operator.
 * @example
 * ```ts
 * import { applyOperator, removeOperator } from '@secbot/privacy';
 *
 * const finding = { type: 'EMAIL', start: 5, end: 16, confidence: 1, detector: 'email' };
 * applyOperator('mail ann@x.test now', [finding], removeOperator()); // 'mail  now'
 * ```
 */
export function removeOperator(): Operator {
  return { name: 'remove', replace: () => '' };
}
