import type { Detector, Finding } from '../finding.js';
import { nhsCheckValid } from './checksums.js';
import { type ContextWordOptions, contextOnlySchema, finding, parseDetectorOptions } from './part1-common.js';
import { shapedNumbers } from './part1-digit-groups.js';

/** Options of {@link ukNhsDetector}. */
export type UkNhsDetectorOptions = ContextWordOptions;

const contextWords = ['nhs', 'nhs number', 'nhs no', 'health', 'patient', 'gp', 'hospital', 'chi'] as const;

/**
 * Finds UK NHS numbers (`UK_NHS`): ten digits as `943 476 5919`, `943-476-5919` or one block
 * standing alone.
 *
 * Validation: the mod-11 check digit must hold (weights 10 to 2; a computed check digit of 10 means
 * the number cannot exist, so it is never reported). Ten-digit numbers are common (phone numbers,
 * order ids) and about one in eleven passes the check by chance, so confidence is low without
 * context: 0.3 grouped 3-3-4, 0.2 as one block, and 0.6 more when a context word is near (`nhs`,
 * `health`, `patient`, `gp`, `hospital`).
 *
 * @param options - Extra context words.
 * @returns A detector named `uk-nhs`.
 * @throws SecbotError `CONFIG_INVALID` for unknown or malformed options.
 * @example
 * ```ts
 * import { scanText, ukNhsDetector } from '@secbot/privacy';
 *
 * const [nhs] = scanText('NHS number 943 476 5919', [ukNhsDetector()]);
 * // nhs: { type: 'UK_NHS', start: 11, end: 23, confidence: 0.9, detector: 'uk-nhs' }
 * ```
 */
export function ukNhsDetector(options?: UkNhsDetectorOptions): Detector {
  const { words } = parseDetectorOptions(contextOnlySchema, options, 'ukNhsDetector', contextWords);
  const name = 'uk-nhs';
  return {
    name,
    types: ['UK_NHS'],
    scan(text, context) {
      const found: Finding[] = [];
      for (const number of shapedNumbers(text, ' -', [3, 3, 4])) {
        if (!nhsCheckValid(number.digits)) continue;
        const base = number.separator === '' ? 0.2 : 0.3;
        found.push(finding('UK_NHS', name, { ...number, base, boost: 0.6 }, context, words));
      }
      return found;
    },
  };
}
