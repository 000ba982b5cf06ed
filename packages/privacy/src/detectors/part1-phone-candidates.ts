import { isDigit, isWordChar } from './part1-common.js';

/** Separator flags of a {@link PhoneCandidate}. */
export const separatorFlag = { space: 1, dash: 2, dot: 4, parentheses: 8 } as const;

/** A stretch of text shaped like a phone number, before validation. */
export interface PhoneCandidate {
  readonly start: number;
  readonly end: number;
  /** The digits, with `+` in front when written in international form. */
  readonly normalised: string;
  /** Digit count of each group, in order. */
  readonly groups: readonly number[];
  /** The separators used, as {@link separatorFlag} bits. */
  readonly separators: number;
}

/** Fewest and most digits a phone number has (E.164 allows at most 15). */
const minDigits = 7;
const maxDigits = 15;

const plus = 43;
const open = 40;
const close = 41;
const space = 32;
const dash = 45;
const dot = 46;

// A phone number is not glued to a word, a decimal, a path, a reference (#), an amount, an address.
// Code units: . / # - + @ $ , _ € £
const badBefore = new Set([46, 47, 35, 45, 43, 64, 36, 44, 95, 0x20ac, 0xa3]);
// / @ % € $ £
const badAfter = new Set([47, 64, 37, 0x20ac, 36, 0xa3]);

const flagOf = (code: number): number =>
  code === space
    ? separatorFlag.space
    : code === dash
      ? separatorFlag.dash
      : code === dot
        ? separatorFlag.dot
        : 0;

/**
 * Find phone-shaped candidates: an optional `+`, then 7 to 15 digits in groups joined by a single
 * space, dash or dot, with at most one parenthesised group at a time (`(212) 555-0182`,
 * `+44 20 7946 0958`, `030.1234.5678`). A hand-written scanner: each character is read a bounded
 * number of times, and a run over 15 digits is skipped whole (it is a longer number, not a phone).
 */
export function phoneCandidates(text: string): PhoneCandidate[] {
  const out: PhoneCandidate[] = [];
  const length = text.length;
  let index = 0;
  while (index < length) {
    const first = text.charCodeAt(index);
    const startsHere = first === plus || first === open || isDigit(first);
    const before = index === 0 ? space : text.charCodeAt(index - 1);
    if (!startsHere || isWordChar(before) || badBefore.has(before)) {
      // skip a whole word or number so no candidate starts inside it
      if (isWordChar(first)) {
        while (index < length && isWordChar(text.charCodeAt(index))) index++;
      } else index++;
      continue;
    }
    const start = index;
    const international = first === plus;
    if (international) index++;
    let digits = international ? '+' : '';
    let count = 0;
    let separators = 0;
    let inParentheses = false;
    let broken = false;
    const groups: number[] = [];
    for (;;) {
      if (text.charCodeAt(index) === open && !inParentheses) {
        inParentheses = true;
        separators |= separatorFlag.parentheses;
        index++;
      }
      const groupStart = index;
      while (index < length && isDigit(text.charCodeAt(index))) index++;
      if (index === groupStart) {
        broken = true;
        break;
      }
      groups.push(index - groupStart);
      count += index - groupStart;
      if (count <= maxDigits) digits += text.slice(groupStart, index);
      const next = text.charCodeAt(index);
      if (inParentheses && next === close) {
        inParentheses = false;
        index++;
        const after = text.charCodeAt(index);
        if ((after === space || after === dash) && isDigit(text.charCodeAt(index + 1))) {
          separators |= flagOf(after);
          index++;
        } else if (!isDigit(after)) break;
        continue;
      }
      const flag = flagOf(next);
      const after = text.charCodeAt(index + 1);
      if (flag !== 0 && (isDigit(after) || (next === space && after === open && !inParentheses))) {
        separators |= flag;
        index++;
        continue;
      }
      break;
    }
    const end = index;
    const tail = text.charCodeAt(end);
    const glued =
      end < length &&
      (isWordChar(tail) ||
        badAfter.has(tail) ||
        ((tail === dot || tail === dash) && isDigit(text.charCodeAt(end + 1))));
    if (!broken && !inParentheses && !glued && count >= minDigits && count <= maxDigits) {
      out.push({ start, end, normalised: digits, groups, separators });
    }
    if (index === start) index++;
  }
  return out;
}

/**
 * Whether a candidate is shaped like a date (`2024-05-12`, `12.05.2024`, `12 05 2024`), a dotted
 * version or address (`10.2.30.4567`) rather than a phone number.
 */
export function looksLikeDateOrVersion(candidate: PhoneCandidate): boolean {
  if (candidate.normalised.startsWith('+') || (candidate.separators & separatorFlag.parentheses) !== 0)
    return false;
  const groups = candidate.groups;
  if (groups.length === 3) {
    const [a, b, c] = groups as [number, number, number];
    if (a === 4 && b <= 2 && c <= 2) return true;
    if (a <= 2 && b <= 2 && c === 4) return true;
  }
  if ((candidate.separators & separatorFlag.dot) !== 0) {
    if (groups.some((digits) => digits === 1)) return true;
    if (groups.length === 4 && groups.every((digits) => digits <= 3)) return true;
  }
  return false;
}
