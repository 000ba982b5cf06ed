// Dates found in text, with every calendar reading they allow. Internal to the date-of-birth
// detector. Every pattern has bounded repeats and no nested quantifiers: linear-time.

/** A calendar date, month 1-12. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A date-shaped span and the valid dates it can mean (day-month and month-day). */
export interface DateMatch {
  readonly start: number;
  readonly end: number;
  readonly candidates: readonly CalendarDate[];
}

const month =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const ordinal = '(?:st|nd|rd|th)?';
const isoDate = /(?<![0-9])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![0-9])/g;
const numericDate = /(?<![0-9])(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?![0-9])/g;
const dayMonthYear = new RegExp(
  `(?<![0-9A-Za-z])(\\d{1,2})${ordinal}(?:[ ]{1,3}of)?[ ]{1,3}${month}\\.?,?[ ]{1,3}(\\d{4})(?![0-9])`,
  'gi',
);
const monthDayYear = new RegExp(
  `(?<![A-Za-z])${month}\\.?[ ]{1,3}(\\d{1,2})${ordinal},?[ ]{1,3}(\\d{4})(?![0-9])`,
  'gi',
);

/** Every date-shaped span in `text`, each with the valid dates it can mean. */
export function* findDates(text: string): Generator<DateMatch> {
  for (const m of text.matchAll(isoDate)) {
    yield at(m, [date(m[1], m[3], m[4])]);
  }
  for (const m of text.matchAll(numericDate)) {
    yield at(m, [date(m[4], m[3], m[1]), date(m[4], m[1], m[3])]);
  }
  for (const m of text.matchAll(dayMonthYear)) {
    yield at(m, [date(m[3], monthNumber(m[2]), m[1])]);
  }
  for (const m of text.matchAll(monthDayYear)) {
    yield at(m, [date(m[3], monthNumber(m[1]), m[2])]);
  }
}

function at(
  match: RegExpExecArray | RegExpMatchArray,
  dates: readonly (CalendarDate | undefined)[],
): DateMatch {
  const start = match.index ?? 0;
  return {
    start,
    end: start + match[0].length,
    candidates: dates.filter((d): d is CalendarDate => d !== undefined),
  };
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function monthNumber(word: string | undefined): string {
  return String(months.indexOf((word ?? '').slice(0, 3).toLowerCase()) + 1);
}

// A real calendar date (30 February is not), or undefined.
function date(y: string | undefined, m: string | undefined, d: string | undefined): CalendarDate | undefined {
  const year = Number(y);
  const monthNo = Number(m);
  const day = Number(d);
  if (!(year >= 1000 && monthNo >= 1 && monthNo <= 12 && day >= 1)) return undefined;
  const last = new Date(Date.UTC(year, monthNo, 0)).getUTCDate();
  return day <= last ? { year, month: monthNo, day } : undefined;
}
