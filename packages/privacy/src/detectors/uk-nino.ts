import type { Detector, Finding } from '../finding.js';
import {
  type ContextWordOptions,
  contextOnlySchema,
  finding,
  isDigit,
  isLetter,
  isWordChar,
  parseDetectorOptions,
} from './part1-common.js';

/** Options of {@link ukNinoDetector}. */
export type UkNinoDetectorOptions = ContextWordOptions;

const contextWords = ['national insurance', 'ni number', 'ni no', 'nino', 'insurance number', 'ni'] as const;

const notFirst = 'DFIQUV';
const notSecond = 'DFIOQUV';
const notPairs = new Set(['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ']);

/** Whether the two-letter prefix (upper case) is one HMRC allocates. */
export function ninoPrefixAllocated(prefix: string): boolean {
  return (
    prefix.length === 2 &&
    !notFirst.includes(prefix[0] as string) &&
    !notSecond.includes(prefix[1] as string) &&
    !notPairs.has(prefix)
  );
}

// Read `AB123456C` or `AB 12 34 56 C` (single spaces, all or none) at `start`; returns the end.
function readNino(text: string, start: number): number | undefined {
  let index = start + 2;
  const spaced = text[index] === ' ';
  for (let pair = 0; pair < 3; pair++) {
    if (spaced) {
      if (text[index] !== ' ') return undefined;
      index++;
    }
    if (!isDigit(text.charCodeAt(index)) || !isDigit(text.charCodeAt(index + 1))) return undefined;
    index += 2;
  }
  if (spaced) {
    if (text[index] !== ' ') return undefined;
    index++;
  }
  const suffix = text[index]?.toUpperCase();
  if (suffix === undefined || !'ABCD'.includes(suffix)) return undefined;
  index++;
  return isWordChar(text.charCodeAt(index)) ? undefined : index;
}

/**
 * Finds UK National Insurance numbers (`UK_NINO`): two prefix letters, six digits and a suffix
 * letter A-D, compact (`QQ123456C` is the HMRC example, but see below) or spaced in pairs
 * (`AB 12 34 56 C`), in either case.
 *
 * Validation: the prefix must be one HMRC allocates: first letter not D, F, I, Q, U or V; second
 * letter not D, F, I, O, Q, U or V; and not BG, GB, NK, KN, TN, NT or ZZ (so the `QQ` sample
 * number is not reported). Confidence is 0.5 in upper case, 0.3 otherwise, and 0.4 more when a
 * context word is near (`national insurance`, `ni number`, `nino`, ...).
 *
 * @param options - Extra context words.
 * @returns A detector named `uk-nino`.
 * @throws SecbotError `CONFIG_INVALID` for unknown or malformed options.
 * @example
 * ```ts
 * import { scanText, ukNinoDetector } from '@secbot/privacy';
 *
 * const [nino] = scanText('my NI number is AB 12 34 56 C', [ukNinoDetector()]);
 * // nino: { type: 'UK_NINO', start: 16, end: 29, confidence: 0.9, detector: 'uk-nino' }
 * ```
 */
export function ukNinoDetector(options?: UkNinoDetectorOptions): Detector {
  const { words } = parseDetectorOptions(contextOnlySchema, options, 'ukNinoDetector', contextWords);
  const name = 'uk-nino';
  return {
    name,
    types: ['UK_NINO'],
    scan(text, context) {
      const found: Finding[] = [];
      // each word start reads at most 13 characters: linear
      for (let start = 0; start + 9 <= text.length; start++) {
        if (start > 0 && isWordChar(text.charCodeAt(start - 1))) continue;
        if (!isLetter(text.charCodeAt(start)) || !isLetter(text.charCodeAt(start + 1))) continue;
        const prefix = text.slice(start, start + 2).toUpperCase();
        if (!ninoPrefixAllocated(prefix)) continue;
        const end = readNino(text, start);
        if (end === undefined) continue;
        const raw = text.slice(start, end);
        const base = raw === raw.toUpperCase() ? 0.5 : 0.3;
        found.push(finding('UK_NINO', name, { start, end, base, boost: 0.4 }, context, words));
        start = end;
      }
      return found;
    },
  };
}
