import { isDigit, isWordChar } from './part1-common.js';

/** A run of digit groups joined by single separators, e.g. `4111 1111 1111 1111` or `123-45-6789`. */
export interface DigitRun {
  /** Start and end (exclusive) of each group, flat: `[start0, end0, start1, end1, ...]`. */
  readonly bounds: readonly number[];
  /** The separators between groups, in order (`separators[i]` precedes group `i + 1`). */
  readonly separators: string;
}

/** How many groups a run has. */
export const groupCount = (run: DigitRun): number => run.bounds.length >> 1;

/** Start of group `group`. */
export const groupStart = (run: DigitRun, group: number): number => run.bounds[group * 2] as number;

/** End (exclusive) of group `group`. */
export const groupEnd = (run: DigitRun, group: number): number => run.bounds[group * 2 + 1] as number;

/**
 * Find the runs of digit groups that stand alone as words: a group is a maximal run of ASCII
 * digits, and one character of `separators` between two groups joins them. A run touching a
 * letter, digit or `_` on either side is skipped. Each character is read a bounded number of times,
 * so the scan is linear.
 */
export function digitRuns(text: string, separators: string): DigitRun[] {
  const runs: DigitRun[] = [];
  const length = text.length;
  let index = 0;
  while (index < length) {
    if (!isDigit(text.charCodeAt(index))) {
      index++;
      continue;
    }
    const alone = index === 0 || !isWordChar(text.charCodeAt(index - 1));
    const bounds: number[] = [];
    let joins = '';
    for (;;) {
      bounds.push(index);
      while (index < length && isDigit(text.charCodeAt(index))) index++;
      bounds.push(index);
      const next = text[index];
      if (next === undefined || !separators.includes(next) || !isDigit(text.charCodeAt(index + 1))) break;
      joins += next;
      index++;
    }
    if (alone && !isWordChar(text.charCodeAt(index))) runs.push({ bounds, separators: joins });
    else {
      // a run glued to a word: skip the rest of that word too
      while (index < length && isWordChar(text.charCodeAt(index))) index++;
    }
  }
  return runs;
}

/**
 * The digits of groups `from..to` (inclusive) of a run, or `undefined` when the separators
 * between them differ (a card or SSN uses one separator throughout).
 */
export function joinGroups(text: string, run: DigitRun, from: number, to: number): string | undefined {
  let digits = '';
  for (let group = from; group <= to; group++) {
    if (group > from && run.separators[group - 1] !== run.separators[from]) return undefined;
    digits += text.slice(groupStart(run, group), groupEnd(run, group));
  }
  return digits;
}

/** A whole run read as a fixed-shape number (`123-45-6789` or `123456789`). */
export interface ShapedNumber {
  readonly start: number;
  readonly end: number;
  /** The digits without separators. */
  readonly digits: string;
  /** The separator used, or `''` when written as one block. */
  readonly separator: string;
}

/**
 * Read each run that is exactly `shape` (group lengths, one separator throughout) or one block of
 * as many digits. Runs of any other shape (part of a longer number) are not read.
 */
export function shapedNumbers(text: string, separators: string, shape: readonly number[]): ShapedNumber[] {
  let total = 0;
  for (const length of shape) total += length;
  const out: ShapedNumber[] = [];
  for (const run of digitRuns(text, separators)) {
    const groups = groupCount(run);
    const block = groups === 1 && groupEnd(run, 0) - groupStart(run, 0) === total;
    let shaped = groups === shape.length;
    for (let group = 0; shaped && group < groups; group++) {
      shaped = groupEnd(run, group) - groupStart(run, group) === shape[group];
    }
    if (!block && !shaped) continue;
    const digits = joinGroups(text, run, 0, groups - 1);
    if (digits === undefined) continue;
    const start = groupStart(run, 0);
    const end = groupEnd(run, groups - 1);
    out.push({ start, end, digits, separator: block ? '' : (run.separators[0] as string) });
  }
  return out;
}
