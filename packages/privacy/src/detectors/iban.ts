import type { Detector, Finding } from '../finding.js';
import { ibanMod97Valid } from './checksums.js';
import {
  type ContextWordOptions,
  contextOnlySchema,
  finding,
  isDigit,
  isLetter,
  isWordChar,
  parseDetectorOptions,
} from './part1-common.js';
import { ibanLengths } from './part1-iban-lengths.js';

/** Options of {@link ibanDetector}. */
export type IbanDetectorOptions = ContextWordOptions;

const contextWords = [
  'iban',
  'account',
  'bank',
  'transfer',
  'wire',
  'sepa',
  'payment',
  'pay',
  'konto',
  'bic',
  'swift',
] as const;

const isAlnum = (code: number): boolean => isDigit(code) || isLetter(code);

// Read an IBAN starting at `start` (two letters and two digits already checked): compact, or in
// groups of four separated by single spaces. Returns the compact form (upper case) and the end.
function readIban(text: string, start: number, length: number): { compact: string; end: number } | undefined {
  const spaced = text.charCodeAt(start + 4) === 32;
  let compact = text.slice(start, start + 4);
  let index = start + 4;
  while (compact.length < length) {
    if (spaced) {
      if (text.charCodeAt(index) !== 32) return undefined;
      index++;
    }
    const take = Math.min(spaced ? 4 : length - compact.length, length - compact.length);
    for (let offset = 0; offset < take; offset++)
      if (!isAlnum(text.charCodeAt(index + offset))) return undefined;
    compact += text.slice(index, index + take);
    index += take;
  }
  if (isWordChar(text.charCodeAt(index))) return undefined;
  return { compact: compact.toUpperCase(), end: index };
}

/**
 * Finds International Bank Account Numbers (`IBAN`): a country code, two check digits and the
 * national account number, compact (`DE89370400440532013000`) or printed in groups of four
 * separated by single spaces (`DE89 3704 0044 0532 0130 00`), in upper or lower case.
 *
 * Validation: the country must issue IBANs and the length must be that country's (from the SWIFT
 * registry), and the ISO 7064 mod-97 check must give 1. Confidence is 0.8 for a valid IBAN (the
 * checksum and fixed length make chance matches rare) and 0.15 more when a context word is near
 * (`iban`, `account`, `bank`, `transfer`, `sepa`, ...).
 *
 * Not reported: unknown country codes, a length that is not the country's, a failed mod-97 check,
 * groups other than four, and an IBAN glued to further letters or digits.
 *
 * @param options - Extra context words.
 * @returns A detector named `iban`.
 * @throws SecbotError `CONFIG_INVALID` for unknown or malformed options.
 * @example
 * ```ts
 * import { ibanDetector, scanText } from '@secbot/privacy';
 *
 * const [iban] = scanText('IBAN: DE89 3704 0044 0532 0130 00', [ibanDetector()]);
 * // iban: { type: 'IBAN', start: 6, end: 33, confidence: 0.95, detector: 'iban' }
 * ```
 */
export function ibanDetector(options?: IbanDetectorOptions): Detector {
  const { words } = parseDetectorOptions(contextOnlySchema, options, 'ibanDetector', contextWords);
  const name = 'iban';
  return {
    name,
    types: ['IBAN'],
    scan(text, context) {
      const found: Finding[] = [];
      // candidates start a word: each start reads at most 42 characters, so the scan is linear
      for (let start = 0; start + 4 < text.length; start++) {
        if (start > 0 && isWordChar(text.charCodeAt(start - 1))) continue;
        if (!isLetter(text.charCodeAt(start)) || !isLetter(text.charCodeAt(start + 1))) continue;
        if (!isDigit(text.charCodeAt(start + 2)) || !isDigit(text.charCodeAt(start + 3))) continue;
        const length = ibanLengths.get(text.slice(start, start + 2).toUpperCase());
        if (length === undefined) continue;
        const iban = readIban(text, start, length);
        if (iban === undefined || !ibanMod97Valid(iban.compact)) continue;
        found.push(finding('IBAN', name, { start, end: iban.end, base: 0.8, boost: 0.15 }, context, words));
        start = iban.end;
      }
      return found;
    },
  };
}
