import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { Detector, Finding } from '../finding.js';
import { findDates } from './part2-date-parse.js';

const name = 'date-of-birth';
const contextWords = ['born', 'birth', 'dob', 'd.o.b', 'd.o.b.', 'birthday', 'birthdate', 'bday', 'b-day'];
const maxAgeYears = 130;

const optionsSchema = z
  .object({
    now: z.custom<() => number>((v) => typeof v === 'function', 'must be a function').default(() => Date.now),
    window: z.number().int().min(1).max(200).default(40),
  })
  .strict();

/** Options of {@link dateOfBirthDetector}. */
export interface DateOfBirthOptions {
  /** The current time in ms since the epoch; dates after it are not births. Default `Date.now`. */
  readonly now?: () => number;
  /** How many characters around a date are searched for a context word. Default 40. */
  readonly window?: number;
}

/**
 * A detector of dates of birth (type `DATE_OF_BIRTH`). A date is reported only when a context
 * word (`born`, `birth`, `date of birth`, `dob`, `d.o.b`, `birthday`, `birthdate`, `bday`) is
 * within `window` characters, and only when it is a plausible birth date: a real calendar date,
 * not after today, not more than 130 years ago. Every other date (a meeting, a deadline) is left
 * alone. Confidence 0.85.
 *
 * Forms: `1990-04-21`, `1990/4/21`, `21/04/1990`, `04/21/1990`, `21.04.1990`, `21-04-1990`
 * (day-month and month-day are both accepted when one of them is a valid date), `21 April 1990`,
 * `21st of Apr. 1990`, `April 21, 1990`, `Apr 21st 1990`. Two-digit years are not reported (too
 * ambiguous). Every pattern has bounded repeats only, so the scan is linear.
 *
 * @param options - The clock and the context window.
 * @returns The detector.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option.
 * @example
 * ```ts
 * import { dateOfBirthDetector, scanText } from '@secbot/privacy';
 *
 * scanText('I was born on 12 March 1985.', [dateOfBirthDetector()]);
 * // [{ type: 'DATE_OF_BIRTH', start: 14, end: 27, confidence: 0.85, detector: 'date-of-birth' }]
 * ```
 */
export function dateOfBirthDetector(options: DateOfBirthOptions = {}): Detector {
  const { now, window } = parseOptions(optionsSchema, options, 'dateOfBirthDetector');
  return {
    name,
    types: ['DATE_OF_BIRTH'],
    scan(text, context) {
      const found: Finding[] = [];
      let today: Date | undefined;
      for (const match of findDates(text)) {
        if (!context.near(match.start, match.end, contextWords, window)) continue;
        today ??= new Date(now());
        if (!match.candidates.some((date) => plausible(date, today as Date))) continue;
        found.push({
          type: 'DATE_OF_BIRTH',
          start: match.start,
          end: match.end,
          confidence: 0.85,
          detector: name,
        });
      }
      return found;
    },
  };
}

function plausible(date: { year: number; month: number; day: number }, today: Date): boolean {
  const time = Date.UTC(date.year, date.month - 1, date.day);
  const oldest = Date.UTC(today.getUTCFullYear() - maxAgeYears, today.getUTCMonth(), today.getUTCDate());
  return time <= today.getTime() && time >= oldest;
}
