import type { Detector, Finding } from '../finding.js';
import { luhnValid } from './checksums.js';
import { type ContextWordOptions, contextOnlySchema, finding, parseDetectorOptions } from './part1-common.js';
import {
  type DigitRun,
  digitRuns,
  groupCount,
  groupEnd,
  groupStart,
  joinGroups,
} from './part1-digit-groups.js';

/** Options of {@link creditCardDetector}. */
export type CreditCardDetectorOptions = ContextWordOptions;

const contextWords = [
  'card',
  'credit',
  'debit',
  'visa',
  'mastercard',
  'amex',
  'american express',
  'discover',
  'maestro',
  'cc',
  'pan',
] as const;

// issuer identification number prefixes of the large networks (Visa, Mastercard incl. 2-series,
// Amex, Discover, JCB, Diners, UnionPay, Maestro)
const issuer =
  /^(?:4|5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720)|3[47]|6011|64[4-9]|65|35(?:2[89]|[3-8]\d)|30[0-5]|36|38|62|50|5[6-8]|6[3-9])/;

// Usual groupings: one block of 13-19 digits; blocks of four with a last block of 1-4; Amex 4-6-5;
// Diners 4-6-4.
function usualGrouping(lengths: readonly number[]): boolean {
  if (lengths.length === 1) return true;
  if (
    lengths.length === 3 &&
    lengths[0] === 4 &&
    lengths[1] === 6 &&
    (lengths[2] === 5 || lengths[2] === 4)
  ) {
    return true;
  }
  for (let index = 0; index < lengths.length - 1; index++) if (lengths[index] !== 4) return false;
  const last = lengths[lengths.length - 1] as number;
  return last >= 1 && last <= 4;
}

const allSame = (digits: string): boolean => {
  for (let index = 1; index < digits.length; index++) if (digits[index] !== digits[0]) return false;
  return true;
};

/**
 * Finds payment card numbers (`CREDIT_CARD`): 13 to 19 digits, written as one block or in the usual
 * groupings separated by single spaces or dashes (`4111 1111 1111 1111`, `3782-822463-10005`), one
 * separator throughout.
 *
 * Validation: the Luhn check digit must hold. Confidence is 0.4 for a Luhn-valid number, 0.65 when
 * it also starts with a known issuer prefix (Visa, Mastercard, Amex, Discover, JCB, Diners,
 * UnionPay, Maestro), and 0.3 more when a context word is near (`card`, `credit`, `debit`, `visa`,
 * `mastercard`, `amex`, ...).
 *
 * Not reported: numbers that fail Luhn (order and tracking numbers of the same length), one digit
 * repeated (`0000 0000 0000 0000`), unusual groupings (`41 11 11 11 ...`), mixed separators, and
 * digits glued to letters or to a longer number.
 *
 * @param options - Extra context words.
 * @returns A detector named `credit-card`.
 * @throws SecbotError `CONFIG_INVALID` for unknown or malformed options.
 * @example
 * ```ts
 * import { creditCardDetector, scanText } from '@secbot/privacy';
 *
 * const [card] = scanText('my visa is 4111 1111 1111 1111', [creditCardDetector()]);
 * // card: { type: 'CREDIT_CARD', start: 11, end: 30, confidence: 0.95, detector: 'credit-card' }
 * ```
 */
export function creditCardDetector(options?: CreditCardDetectorOptions): Detector {
  const { words } = parseDetectorOptions(contextOnlySchema, options, 'creditCardDetector', contextWords);
  const name = 'credit-card';
  const cardIn = (text: string, run: DigitRun, from: number): { to: number; digits: string } | undefined => {
    // keep the longest valid window; a card has at most 19 digits, so at most 19 groups
    let best: { to: number; digits: string } | undefined;
    const first = groupEnd(run, from) - groupStart(run, from);
    if (first !== 4) {
      // every usual grouping opens with four digits; otherwise only one block of 13-19 can be a card
      if (first < 13 || first > 19) return undefined;
      const digits = text.slice(groupStart(run, from), groupEnd(run, from));
      return luhnValid(digits) && !allSame(digits) ? { to: from, digits } : undefined;
    }
    let total = 0;
    const lengths: number[] = [];
    for (let to = from; to < groupCount(run) && to < from + 19; to++) {
      const size = groupEnd(run, to) - groupStart(run, to);
      total += size;
      lengths.push(size);
      if (total > 19) break;
      if (total < 13 || !usualGrouping(lengths)) continue;
      const digits = joinGroups(text, run, from, to);
      if (digits === undefined) break;
      if (luhnValid(digits) && !allSame(digits)) best = { to, digits };
    }
    return best;
  };
  return {
    name,
    types: ['CREDIT_CARD'],
    scan(text, context) {
      const found: Finding[] = [];
      for (const run of digitRuns(text, ' -')) {
        let from = 0;
        while (from < groupCount(run)) {
          const card = cardIn(text, run, from);
          if (card === undefined) {
            from++;
            continue;
          }
          const start = groupStart(run, from);
          const end = groupEnd(run, card.to);
          const base = issuer.test(card.digits) ? 0.65 : 0.4;
          found.push(finding('CREDIT_CARD', name, { start, end, base, boost: 0.3 }, context, words));
          from = card.to + 1;
        }
      }
      return found;
    },
  };
}
