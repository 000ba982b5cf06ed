/**
 * The kinds of personal data and secrets the built-in detectors find. Custom detectors may report
 * their own (upper-case snake case, e.g. `EMPLOYEE_ID`).
 */
export type PiiType =
  | 'EMAIL'
  | 'PHONE'
  | 'CREDIT_CARD'
  | 'IBAN'
  | 'US_SSN'
  | 'US_ITIN'
  | 'UK_NHS'
  | 'UK_NINO'
  | 'IP_ADDRESS'
  | 'MAC_ADDRESS'
  | 'URL_CREDENTIALS'
  | 'DATE_OF_BIRTH'
  | 'SECRET'
  | 'INVISIBLE_TEXT';

/** One thing found in a text. */
export interface Finding {
  /** What it is: a {@link PiiType} or a custom detector's type. */
  readonly type: PiiType | (string & {});
  /** Where it starts: a UTF-16 index into the scanned text. */
  readonly start: number;
  /** Where it ends (exclusive). */
  readonly end: number;
  /**
   * How sure the detector is, 0 to 1: a checksum that holds, a strict format, or context words
   * nearby (`card`, `born`, `IBAN`) raise it; a bare pattern match is lower.
   */
  readonly confidence: number;
  /** The detector that reported it (for explanations and tuning). */
  readonly detector: string;
}

/** What a detector's `scan` gets besides the text. */
export interface ScanContext {
  /**
   * Whether one of `words` (lower case) occurs within `window` characters before or after
   * `[start, end)`, as a whole word, case-insensitively. Linear in the window.
   */
  near(start: number, end: number, words: readonly string[], window?: number): boolean;
}

/**
 * A recogniser of one or more kinds of data. `scan` must run in time linear in the text's length
 * (no regular expression with nested or adjacent unbounded quantifiers over overlapping
 * characters: a hostile 100 KB input must scan in well under 50 ms), must not throw on any string,
 * and returns findings in any order (overlaps are resolved by {@link scanText}).
 */
export interface Detector {
  /** A unique name, e.g. `credit-card`. */
  readonly name: string;
  /** The types it reports. */
  readonly types: readonly string[];
  /** Find everything in `text`. */
  scan(text: string, context: ScanContext): readonly Finding[];
}
