import type { Detector, Finding } from '../finding.js';
import { type ContextWordOptions, contextOnlySchema, finding, parseDetectorOptions } from './part1-common.js';
import { shapedNumbers } from './part1-digit-groups.js';

/** Options of {@link usItinDetector}. */
export type UsItinDetectorOptions = ContextWordOptions;

const contextWords = ['itin', 'itins', 'tax', 'taxpayer', 'tin', 'irs', 'individual taxpayer'] as const;

/** Whether nine digits are an ITIN: first digit 9, group (digits 4-5) in 50-65, 70-88, 90-92 or 94-99. */
export function itinStructureValid(digits: string): boolean {
  if (digits[0] !== '9') return false;
  const group = Number(digits.slice(3, 5));
  return (
    (group >= 50 && group <= 65) ||
    (group >= 70 && group <= 88) ||
    (group >= 90 && group <= 92) ||
    group >= 94
  );
}

/**
 * Finds US Individual Taxpayer Identification Numbers (`US_ITIN`): `9XX-GG-XXXX`, `9XX GG XXXX` or
 * nine digits in one block standing alone.
 *
 * Validation: the first digit is 9 and the group (fourth and fifth digits) is in one of the IRS
 * ranges 50-65, 70-88, 90-92 or 94-99; anything else (`9XX-00-XXXX`, `9XX-89-XXXX`,
 * `9XX-93-XXXX`) is not reported. Confidence is 0.5 with dashes, 0.4 with spaces, 0.2 for a bare
 * block, and 0.45 more when a context word is near (`itin`, `tax`, `taxpayer`, `tin`, `irs`).
 *
 * @param options - Extra context words.
 * @returns A detector named `us-itin`.
 * @throws SecbotError `CONFIG_INVALID` for unknown or malformed options.
 * @example
 * ```ts
 * import { scanText, usItinDetector } from '@secbot/privacy';
 *
 * const [itin] = scanText('my ITIN is 912-70-1234', [usItinDetector()]);
 * // itin: { type: 'US_ITIN', start: 11, end: 22, confidence: 0.95, detector: 'us-itin' }
 * ```
 */
export function usItinDetector(options?: UsItinDetectorOptions): Detector {
  const { words } = parseDetectorOptions(contextOnlySchema, options, 'usItinDetector', contextWords);
  const name = 'us-itin';
  return {
    name,
    types: ['US_ITIN'],
    scan(text, context) {
      const found: Finding[] = [];
      for (const number of shapedNumbers(text, ' -', [3, 2, 4])) {
        if (!itinStructureValid(number.digits)) continue;
        const base = number.separator === '-' ? 0.5 : number.separator === ' ' ? 0.4 : 0.2;
        found.push(finding('US_ITIN', name, { ...number, base, boost: 0.45 }, context, words));
      }
      return found;
    },
  };
}
