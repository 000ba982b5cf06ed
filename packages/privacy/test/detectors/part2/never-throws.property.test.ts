import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScanContext } from '../../../src/scan-text.js';
import { part2Detectors } from './all-detectors.js';

// Text built from the characters the detectors care about, so the property explores near misses,
// plus arbitrary UTF-16 (lone surrogates included).
const pieces = [
  '0',
  '1',
  '9',
  '255',
  '.',
  ':',
  '::',
  '%',
  'a',
  'f',
  'F',
  'x',
  '-',
  '_',
  '/',
  '@',
  '://',
  ' ',
  '\n',
  'eyJ',
  'AKIA',
  'ghp_',
  'sk-',
  'born ',
  'dob ',
  'March ',
  '1990',
  '/04/',
  '-----BEGIN RSA PRIVATE KEY-----',
  '-----END RSA PRIVATE KEY-----',
  '\u200B',
  '\u200D',
  '\u202E',
  '\uFEFF',
  '\u{E0041}',
  '\u{1F3F4}',
  '\uD800',
  'alice',
  'TICKET-12',
];
const chatText = fc.oneof(
  fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

describe('part-2 detectors on arbitrary text', () => {
  it('never throw, and report non-empty spans inside the text with a known type and confidence', () => {
    fc.assert(
      fc.property(chatText, (text) => {
        const context = createScanContext(text);
        for (const detector of part2Detectors) {
          for (const finding of detector.scan(text, context)) {
            expect(Number.isInteger(finding.start) && Number.isInteger(finding.end)).toBe(true);
            expect(finding.start).toBeGreaterThanOrEqual(0);
            expect(finding.end).toBeGreaterThan(finding.start);
            expect(finding.end).toBeLessThanOrEqual(text.length);
            expect(finding.confidence).toBeGreaterThan(0);
            expect(finding.confidence).toBeLessThanOrEqual(1);
            expect(detector.types).toContain(finding.type);
            expect(finding.detector).toBe(detector.name);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
