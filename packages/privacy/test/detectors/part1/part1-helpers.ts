import { isSecbotError, type SecbotError } from '@secbot/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { createScanContext, type Detector, type Finding, scanText } from '../../../src/index.js';

/** What a test compares: the type, the span and the covered text. */
export interface Span {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Scan through `scanText` (overlaps resolved) and return spans with their text. */
export function spans(detector: Detector, text: string): Span[] {
  return scanText(text, [detector]).map((f) => ({
    type: f.type,
    start: f.start,
    end: f.end,
    text: text.slice(f.start, f.end),
  }));
}

/** Scan and return the findings. */
export function findings(detector: Detector, text: string): Finding[] {
  return scanText(text, [detector]);
}

/** The one finding in `text`; fails the test when there is not exactly one. */
export function only(detector: Detector, text: string): Finding {
  const found = findings(detector, text);
  expect(found).toHaveLength(1);
  return found[0] as Finding;
}

/** Fastest of five timed scans (after a warm-up) of `text`, in milliseconds. */
export function scanMillis(detector: Detector, text: string): number {
  const context = createScanContext(text);
  detector.scan(text, context);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    detector.scan(text, context);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** `unit` repeated to exactly `size` characters (100 KB by default). */
export function hostile(unit: string, size = 100_000): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** Hostile inputs every detector must scan in linear time. */
export const commonHostileInputs: Readonly<Record<string, string>> = {
  digits: hostile('1'),
  'digits with spaces': hostile('1 '),
  'digits with dashes': hostile('12-'),
  'groups of four': hostile('4111 '),
  'at signs and dots': hostile('@.'),
  letters: hostile('ab'),
  'letters and digits': hostile('AB12'),
  'parentheses and plus': hostile('+(1) '),
};

/** Property: scan never throws and every span lies within the text, for random and shaped strings. */
export function assertScanTotal(detector: Detector, alphabet: string): void {
  const shaped = fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 200 });
  const random = fc.string({ unit: 'binary', maxLength: 200 });
  fc.assert(
    fc.property(fc.oneof(shaped, random), (text) => {
      const found = detector.scan(text, createScanContext(text));
      for (const f of found) {
        if (!(f.start >= 0 && f.end <= text.length && f.start < f.end)) return false;
        if (!(f.confidence > 0 && f.confidence <= 1)) return false;
        if (!detector.types.includes(f.type)) return false;
      }
      return true;
    }),
    { numRuns: 400 },
  );
}

/** The `CONFIG_INVALID` error `create` throws; fails the test when it throws nothing or anything else. */
export function configError(create: () => unknown): SecbotError {
  try {
    create();
  } catch (error) {
    if (isSecbotError(error, 'CONFIG_INVALID')) return error;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}
