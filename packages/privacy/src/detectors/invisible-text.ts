import type { Detector, Finding } from '../finding.js';

const name = 'invisible-text';
const blackFlag = 0x1f3f4;
const cancelTag = 0xe007f;
const maxFlagTags = 8;

// How suspicious one invisible code point is, or 0 for a visible one.
function weight(point: number): number {
  if (point >= 0xe0000 && point <= 0xe007f) return 0.95; // tag characters: ASCII smuggled unseen
  if ((point >= 0x202a && point <= 0x202e) || (point >= 0x2066 && point <= 0x2069)) return 0.9; // bidi
  if (point === 0x200b || point === 0x2060 || point === 0xfeff || point === 0x200c || point === 0x200d)
    return 0.8;
  return 0;
}

const isJoiner = (point: number): boolean => point === 0x200c || point === 0x200d;
const isAsciiOrSpace = (point: number | undefined): boolean =>
  point === undefined || point <= 0x7f || point === 0xa0;

/**
 * A detector of invisible characters used to hide or smuggle text (type `INVISIBLE_TEXT`):
 * zero-width space, non-joiner and joiner, word joiner, a byte-order mark anywhere but at the
 * start, bidi embedding and isolate controls (U+202A-202E, U+2066-2069, the "Trojan Source"
 * characters) and tag characters (U+E0000-E007F, which can spell out a hidden instruction to a
 * language model). Each run of consecutive invisible characters is one finding, with the
 * confidence of its most suspicious character (tags 0.95, bidi 0.9, zero-width 0.8).
 *
 * Legitimate uses are left alone: a single joiner or non-joiner between two non-ASCII
 * characters (emoji sequences such as family emoji, Persian and Indic scripts), a BOM at
 * index 0, and the tag sequence of a subdivision flag (black flag U+1F3F4, up to eight tags, the
 * cancel tag U+E007F). One pass over the text: linear.
 *
 * @returns The detector.
 * @example
 * ```ts
 * import { invisibleTextDetector, scanText } from '@secbot/privacy';
 *
 * scanText('pay\u200B\u200Bpal', [invisibleTextDetector()]);
 * // [{ type: 'INVISIBLE_TEXT', start: 3, end: 5, confidence: 0.8, detector: 'invisible-text' }]
 * ```
 */
export function invisibleTextDetector(): Detector {
  return {
    name,
    types: ['INVISIBLE_TEXT'],
    scan(text) {
      const found: Finding[] = [];
      let i = 0;
      let previous: number | undefined;
      while (i < text.length) {
        const point = text.codePointAt(i) as number;
        if (weight(point) === 0 || (point === 0xfeff && i === 0)) {
          previous = point;
          i += point > 0xffff ? 2 : 1;
          continue;
        }
        const start = i;
        let confidence = 0;
        let count = 0;
        let first = point;
        while (i < text.length) {
          const p = text.codePointAt(i) as number;
          const w = weight(p);
          if (w === 0) break;
          if (count === 0) first = p;
          confidence = Math.max(confidence, w);
          count++;
          i += p > 0xffff ? 2 : 1;
        }
        const next = text.codePointAt(i);
        if (!legitimate(text, start, i, count, first, previous, next)) {
          found.push({ type: 'INVISIBLE_TEXT', start, end: i, confidence, detector: name });
        }
      }
      return found;
    },
  };
}

function legitimate(
  text: string,
  start: number,
  end: number,
  count: number,
  first: number,
  previous: number | undefined,
  next: number | undefined,
): boolean {
  if (count === 1 && isJoiner(first)) return !isAsciiOrSpace(previous) && !isAsciiOrSpace(next);
  if (previous === blackFlag && first >= 0xe0000 && count <= maxFlagTags + 1) {
    return text.codePointAt(end - 2) === cancelTag && text.codePointAt(start) !== cancelTag;
  }
  return false;
}
