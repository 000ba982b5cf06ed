import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { Detector, Finding } from '../finding.js';
import { type ContextWordOptions, contextWordsShape, finding, parseDetectorOptions } from './part1-common.js';
import { looksLikeDateOrVersion, phoneCandidates } from './part1-phone-candidates.js';

/** Options of {@link phoneDetector}. */
export interface PhoneDetectorOptions extends ContextWordOptions {
  /**
   * The country whose national formats are read (`(212) 555-0182` in the US, `020 7946 0958` in
   * GB), as an ISO 3166-1 alpha-2 code. Numbers written with `+` are read whatever it is. Default
   * `'US'`.
   */
  readonly defaultCountry?: string;
  /** More countries whose national formats are read too, tried after `defaultCountry`, e.g. `['GB', 'DE']`. */
  readonly countries?: readonly string[];
}

const country = z.string().refine((code) => isSupportedCountry(code), 'unsupported country code');
const optionsSchema = z.object({
  ...contextWordsShape,
  defaultCountry: country.default('US'),
  countries: z.array(country).max(20).default([]),
});

const contextWords = [
  'phone',
  'telephone',
  'tel',
  'call',
  'mobile',
  'cell',
  'whatsapp',
  'fax',
  'text',
  'sms',
] as const;

// North American numbers are written 3-3-4 (`(212) 555-0182`, `212.555.0182`, `1-212-555-0182`);
// other groupings of ten digits (`2025-0412-77`, a sample id) are not read as one. Other countries'
// groupings vary too much to check.
const nanp = new Set(['US', 'CA']);
function fitsNationalGrouping(country: string, groups: readonly number[]): boolean {
  if (groups.length === 1 || !nanp.has(country)) return true;
  const shape = groups.join('-');
  return shape === '3-3-4' || shape === '1-3-3-4';
}

/**
 * Finds telephone numbers (`PHONE`): international numbers written with `+` (`+44 20 7946 0958`,
 * any country) and national formats of the configured countries (`(212) 555-0182`,
 * `212-555-0182`, `020 7946 0958`), with groups joined by spaces, dashes, dots or parentheses.
 *
 * A linear hand-written scanner picks phone-shaped candidates (7 to 15 digits); each is then
 * validated with libphonenumber-js's full metadata (`isValid`: a real numbering-plan range, not
 * only a plausible length), once per distinct number in a text. (libphonenumber-js's own
 * `findPhoneNumbersInText` takes seconds on hostile 100 KB inputs, so it is not used.)
 * Confidence is 0.6 for a valid international number and 0.5 for a valid formatted national
 * number, 0.35 more when a context word is near (`phone`, `call`, `mobile`, `tel`, `text`, `sms`, ...); national
 * digits in one block are reported only with a context word near, at 0.65.
 *
 * Not reported: numbers invalid in every configured country; US and Canadian numbers whose digits
 * are not grouped 3-3-4 (`2025-0412-77` is a sample id, not a Washington number); dates (`2024-05-12`, `12.05.2024`);
 * dotted version strings and addresses (`1.2.3.4567`); numbers glued to letters, to `#` (order
 * and ticket references), to currency signs, decimals or paths; and digits in one block without
 * a `+` unless a context word is near (those are usually order ids, not phone numbers).
 *
 * @param options - Countries and extra context words.
 * @returns A detector named `phone`.
 * @throws SecbotError `CONFIG_INVALID` for an unsupported country code or unknown options.
 * @example
 * ```ts
 * import { phoneDetector, scanText } from '@secbot/privacy';
 *
 * const [phone] = scanText('call me on 020 7946 0958', [phoneDetector({ defaultCountry: 'GB' })]);
 * // phone: { type: 'PHONE', start: 11, end: 24, confidence: 0.85, detector: 'phone' }
 * ```
 */
export function phoneDetector(options?: PhoneDetectorOptions): Detector {
  const { options: parsed, words } = parseDetectorOptions(
    optionsSchema,
    options,
    'phoneDetector',
    contextWords,
  );
  const countries = [...new Set([parsed.defaultCountry, ...parsed.countries])] as CountryCode[];
  const name = 'phone';
  const valid = (normalised: string, groups: readonly number[]): boolean => {
    if (normalised.startsWith('+')) return parsePhoneNumberFromString(normalised)?.isValid() === true;
    return countries.some(
      (code) =>
        fitsNationalGrouping(code, groups) &&
        parsePhoneNumberFromString(normalised, code)?.isValid() === true,
    );
  };
  return {
    name,
    types: ['PHONE'],
    scan(text, context) {
      const found: Finding[] = [];
      // validation costs tens of microseconds: each distinct number is validated once per text
      const checked = new Map<string, boolean>();
      for (const candidate of phoneCandidates(text)) {
        if (looksLikeDateOrVersion(candidate)) continue;
        const international = candidate.normalised.startsWith('+');
        const block = candidate.groups.length === 1 && !international;
        if (block && !context.near(candidate.start, candidate.end, words)) continue;
        const key = `${candidate.normalised}/${candidate.groups.join('-')}`;
        let ok = checked.get(key);
        if (ok === undefined) {
          ok = valid(candidate.normalised, candidate.groups);
          checked.set(key, ok);
        }
        if (!ok) continue;
        const base = international ? 0.6 : block ? 0.3 : 0.5;
        found.push(finding('PHONE', name, { ...candidate, base, boost: 0.35 }, context, words));
      }
      return found;
    },
  };
}
