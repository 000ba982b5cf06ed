import { describe, expect, it } from 'vitest';
import { part2Detectors } from './all-detectors.js';
import { scanMillis } from './helpers.js';

const size = 100_000;
const fill = (unit: string): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

// Inputs that make naive patterns backtrack: long runs of the characters each detector consumes,
// prefixes repeated without the rest of the shape, separators without content.
const hostile: Record<string, string> = {
  'hex run': fill('0123456789abcdef'),
  'digits and dots': fill('1.'),
  'dotted quads glued': fill('1.2.3.4.'),
  'digits only': fill('7'),
  colons: fill(':'),
  'hex and colons': fill('a:'),
  'hex pairs and dashes': fill('0a-'),
  'eyJ repeated': fill('eyJ'),
  'eyJ with dots': fill('eyJabcd.'),
  'BEGIN without END': fill('-----BEGIN RSA PRIVATE KEY-----'),
  'BEGIN prefix only': fill('-----BEGIN '),
  'zero-width flood': fill('\u200B'),
  'zero-width and ASCII': fill('a\u200D'),
  'tag flood': fill(String.fromCodePoint(0xe0041)),
  'scheme separators': fill('://'),
  'userinfo without @': fill('a://u:p'),
  'base64 run': fill('Ab3+'),
  'date fragments': fill('born 12/'),
  'month names': fill('born March 1'),
  'upper and digits': fill('ABC-'),
  letters: fill('a'),
  'sk- prefix': fill('sk-'),
  'ghp_ prefix': fill('ghp_'),
  'AKIA prefix': fill('AKIA'),
  spaces: fill(' '),
};

describe('part-2 detectors run in linear time', () => {
  for (const detector of part2Detectors) {
    it(`${detector.name}: every hostile 100 KB input scans in under 50 ms`, () => {
      const slow: string[] = [];
      for (const [label, text] of Object.entries(hostile)) {
        const millis = scanMillis(detector, text);
        if (millis >= 50) slow.push(`${label}: ${millis.toFixed(1)} ms`);
      }
      expect(slow).toEqual([]);
    });
  }
});
