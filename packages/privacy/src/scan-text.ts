import { isWordAt } from './detectors/part2-text.js';
import type { Detector, Finding, ScanContext } from './finding.js';

/** Default number of characters around a match searched for context words. */
export const defaultContextWindow = 40;

/** Whether `word` (lower-case ASCII) occurs in `text` at `at`, ignoring ASCII case. */
function matchesAt(text: string, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    let code = text.charCodeAt(at + i);
    if (code >= 65 && code <= 90) code += 32;
    if (code !== word.charCodeAt(i)) return false;
  }
  return true;
}

// The first letters of a list of context words, as a 128-entry table, computed once per list.
const firstLetterTables = new WeakMap<readonly string[], Uint8Array>();
function firstLetters(words: readonly string[]): Uint8Array {
  let table = firstLetterTables.get(words);
  if (table === undefined) {
    table = new Uint8Array(128);
    for (const word of words) {
      const code = word.charCodeAt(0);
      if (code < 128) table[code] = 1;
    }
    firstLetterTables.set(words, table);
  }
  return table;
}

/**
 * The context of one text: `near` looks for whole words around a span, ignoring ASCII case.
 * Context words are lower-case ASCII; the text is compared in place (no lower-cased copy, whose
 * indices could shift: `İ` lower-cases to two code units). A word next to a letter or digit of any
 * script is not whole; next to punctuation, spaces (no-break ones too) or quotes it is.
 */
export function createScanContext(text: string): ScanContext {
  return {
    near(start, end, words, window = defaultContextWindow) {
      const from = Math.max(0, start - window);
      const to = Math.min(text.length, end + window);
      const firsts = firstLetters(words);
      // one pass over the window; only positions holding some word's first letter are compared
      for (let at = from; at < to; at++) {
        if (at === start) at = end; // the span itself is not its own context
        if (at >= to) break;
        let code = text.charCodeAt(at);
        if (code >= 65 && code <= 90) code += 32;
        if (code >= 128 || firsts[code] !== 1) continue;
        for (const word of words) {
          if (word.charCodeAt(0) !== code || at + word.length > to || !matchesAt(text, at, word)) continue;
          if (at < start && at + word.length > start) continue; // overlaps the span
          if (!isWordAt(text, at - 1, false) && !isWordAt(text, at + word.length, false)) return true;
        }
      }
      return false;
    },
  };
}

/**
 * Run detectors over a text and resolve overlaps: when findings overlap, the one with the higher
 * confidence wins, then the longer one, then the earlier one; findings below `minConfidence` are
 * dropped first. A detector that throws is skipped (it cannot stop the others), and its error goes
 * to `onError`.
 *
 * @returns Non-overlapping findings sorted by start.
 */
export function scanText(
  text: string,
  detectors: readonly Detector[],
  options: {
    readonly minConfidence?: number;
    readonly onError?: (error: unknown, detector: string) => void;
  } = {},
): Finding[] {
  const context = createScanContext(text);
  const minConfidence = options.minConfidence ?? 0;
  const all: Finding[] = [];
  for (const detector of detectors) {
    let found: readonly Finding[];
    try {
      found = detector.scan(text, context);
    } catch (error) {
      options.onError?.(error, detector.name);
      continue;
    }
    for (const finding of found) {
      if (finding.confidence >= minConfidence && finding.end > finding.start) all.push(finding);
    }
  }
  all.sort(
    (a, b) =>
      b.confidence - a.confidence ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start ||
      (a.type < b.type ? -1 : 1),
  );
  // kept stays sorted by start and non-overlapping: a binary search finds the neighbours to test
  const kept: Finding[] = [];
  for (const finding of all) {
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((kept[mid] as Finding).start < finding.start) low = mid + 1;
      else high = mid;
    }
    const before = kept[low - 1];
    const after = kept[low];
    if (before !== undefined && before.end > finding.start) continue;
    if (after !== undefined && after.start < finding.end) continue;
    kept.splice(low, 0, finding);
  }
  return kept;
}
