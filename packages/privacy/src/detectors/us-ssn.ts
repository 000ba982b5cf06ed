import type { Detector, Finding } from '../finding.js';
import { type ContextWordOptions, contextOnlySchema, finding, parseDetectorOptions } from './part1-common.js';
import { shapedNumbers } from './part1-digit-groups.js';

/** Options of {@link usSsnDetector}. */
export type UsSsnDetectorOptions = ContextWordOptions;

const contextWords = [
  'ssn',
  'ssns',
  'social security',
  'social security number',
  'social',
  'ss#',
  'ss',
] as const;

// numbers printed in ads and on sample cards, never issued to the person who wrote them
const published = new Set(['078051120', '219099999', '123456789']);

/** Whether nine digits can be an SSN: area not 000, 666 or 900-999; group not 00; serial not 0000. */
export function ssnStructureValid(digits: string): boolean {
  const area = digits.slice(0, 3);
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (digits.slice(3, 5) === '00' || digits.slice(5) === '0000') return false;
  return !published.has(digits);
}

/**
 * Finds US Social Security numbers (`US_SSN`): `AAA-GG-SSSS`, `AAA GG SSSS`, or nine digits in one
 * block standing alone.
 *
 * Validation: the structure must be issuable: area `000`, `666` and `900`-`999` (the 9xx range is
 * ITINs), group `00` and serial `0000` are never issued and are not reported, nor are well-known
 * sample numbers (`078-05-1120`, `219-09-9999`, `123-45-6789`). Confidence is 0.5 with dashes,
 * 0.4 with spaces, 0.2 for a bare block of nine digits (often a ZIP+4 or an order number), and 0.45
 * more when a context word is near (`ssn`, `social security`, ...).
 *
 * @param options - Extra context words.
 * @returns A detector named `us-ssn`.
 * @throws SecbotError `CONFIG_INVALID` for unknown or malformed options.
 * @example
 * ```ts
 * import { scanText, usSsnDetector } from '@secbot/privacy';
 *
 * const [ssn] = scanText('SSN 536-22-1234', [usSsnDetector()]);
 * // ssn: { type: 'US_SSN', start: 4, end: 15, confidence: 0.95, detector: 'us-ssn' }
 * ```
 */
export function usSsnDetector(options?: UsSsnDetectorOptions): Detector {
  const { words } = parseDetectorOptions(contextOnlySchema, options, 'usSsnDetector', contextWords);
  const name = 'us-ssn';
  return {
    name,
    types: ['US_SSN'],
    scan(text, context) {
      const found: Finding[] = [];
      for (const number of shapedNumbers(text, ' -', [3, 2, 4])) {
        if (!ssnStructureValid(number.digits)) continue;
        const base = number.separator === '-' ? 0.5 : number.separator === ' ' ? 0.4 : 0.2;
        found.push(finding('US_SSN', name, { ...number, base, boost: 0.45 }, context, words));
      }
      return found;
    },
  };
}
