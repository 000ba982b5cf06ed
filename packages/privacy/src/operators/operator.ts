import type { Finding } from '../finding.js';
import { sortedSpans } from './spans.js';

/**
 * What replaces a found value: redaction, masking, keyed hashing, removal, or a per-type map of
 * these ({@link operatorMap}). Operators are compiled once (keys, labels) and are pure.
 */
export interface Operator {
  /** A short name for explanations, e.g. `mask`. */
  readonly name: string;
  /**
   * The replacement of one value.
   *
   * @param value - The text of the finding's span.
   * @param type - The finding's type, e.g. `EMAIL`.
   * @returns What goes in its place.
   */
  replace(value: string, type: string): string;
}

/**
 * Replace every finding's span in `text` with what `operator` makes of it. Text outside the spans
 * is kept as it is.
 *
 * @param text - The text that was scanned.
 * @param findings - Non-overlapping findings into `text` (as `scanText` returns them), in any order.
 * @param operator - The operator, or an {@link operatorMap} choosing one per type.
 * @returns The new text.
 * @throws SecbotError `ARGUMENT_INVALID` when a span is outside the text, empty or overlaps another.
 * @example
 * ```ts
 * import { applyOperator, maskOperator } from '@secbot/privacy';
 *
 * const text = 'card 4111 1111 1111 1111, thanks';
 * applyOperator(text, [{ type: 'CREDIT_CARD', start: 5, end: 24, confidence: 1, detector: 'card' }], maskOperator());
 * // 'card ***************1111, thanks'
 * ```
 */
export function applyOperator(text: string, findings: readonly Finding[], operator: Operator): string {
  const spans = sortedSpans(text, findings, 'applyOperator');
  let out = text;
  // Right to left, so earlier spans keep their indices.
  for (let i = spans.length - 1; i >= 0; i--) {
    const { start, end, type } = spans[i] as Finding;
    out = out.slice(0, start) + operator.replace(text.slice(start, end), type) + out.slice(end);
  }
  return out;
}
