import { SecbotError } from '@secbot/core';
import type { Finding } from '../finding.js';

/**
 * Check findings against their text and return them sorted by start: each span must lie within
 * the text, be non-empty and not overlap another (as {@link scanText} returns them).
 *
 * @param text - The text the findings point into.
 * @param findings - The findings, in any order.
 * @param where - The caller's name, for the error message.
 * @returns A sorted copy.
 * @throws SecbotError `ARGUMENT_INVALID` for a span out of range, empty, fractional or
 *   overlapping another, so no part of a value can slip through unreplaced.
 */
export function sortedSpans(text: string, findings: readonly Finding[], where: string): Finding[] {
  if (!Array.isArray(findings))
    throw new SecbotError('ARGUMENT_INVALID', `${where}: findings must be an array`);
  const sorted = [...findings].sort((a, b) => a.start - b.start);
  let previousEnd = 0;
  for (const finding of sorted) {
    const { start, end } = finding;
    if (
      !Number.isSafeInteger(start) ||
      !Number.isSafeInteger(end) ||
      start < 0 ||
      end > text.length ||
      end <= start
    ) {
      throw new SecbotError('ARGUMENT_INVALID', `${where}: a finding's span is outside the text or empty`);
    }
    if (start < previousEnd) throw new SecbotError('ARGUMENT_INVALID', `${where}: findings overlap`);
    previousEnd = end;
  }
  return sorted;
}
