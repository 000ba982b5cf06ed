import { describe, expect, it } from 'vitest';
import { usSsnDetector } from '../../../src/detectors/us-ssn.js';
import {
  assertScanTotal,
  commonHostileInputs,
  configError,
  hostile,
  only,
  scanMillis,
  spans,
} from './part1-helpers.js';

const ssn = usSsnDetector();

describe('usSsnDetector', () => {
  it('finds a dashed SSN with context, exact span', () => {
    const text = 'Sure, my SSN is 536-22-1234 if you need it';
    expect(spans(ssn, text)).toEqual([{ type: 'US_SSN', start: 16, end: 27, text: '536-22-1234' }]);
    expect(only(ssn, text).confidence).toBeCloseTo(0.95);
  });

  it('ranks dashed > spaced > one block, and context over none', () => {
    const dashed = only(ssn, 'it is 536-22-1234').confidence;
    const spaced = only(ssn, 'it is 536 22 1234').confidence;
    const block = only(ssn, 'it is 536221234').confidence;
    const blockContext = only(ssn, 'social security number 536221234').confidence;
    expect(dashed).toBeGreaterThan(spaced);
    expect(spaced).toBeGreaterThan(block);
    expect(blockContext).toBeGreaterThan(block);
  });

  it('does not report areas 000, 666, 9xx, group 00, serial 0000 or sample numbers', () => {
    for (const text of [
      'SSN 000-12-3456',
      'SSN 666-12-3456',
      'SSN 900-12-3456',
      'SSN 999-70-1234',
      'SSN 123-00-4567',
      'SSN 123-45-0000',
      'SSN 078-05-1120',
      'SSN 219-09-9999',
    ]) {
      expect(spans(ssn, text), text).toEqual([]);
    }
  });

  it('does not report other shapes, mixed separators or numbers inside longer ones', () => {
    for (const text of [
      '536-22-12345',
      '1536-22-1234',
      '536-22 1234',
      '53-622-1234',
      'A536-22-1234',
      '5362212345',
    ]) {
      expect(spans(ssn, text), text).toEqual([]);
    }
  });

  it('rejects unknown options', () => {
    expect(configError(() => usSsnDetector({ strict: true } as never)).message).toContain('strict');
  });

  it('scans hostile 100 KB inputs in under 50 ms each', () => {
    const inputs = {
      ...commonHostileInputs,
      'near-miss SSNs': hostile('666-12-3456 '),
      'dash runs': hostile('123-45-'),
    };
    for (const [name, text] of Object.entries(inputs)) expect(scanMillis(ssn, text), name).toBeLessThan(50);
  });

  it('never throws and keeps spans inside the text', () => {
    assertScanTotal(ssn, '0123456789 -sn');
  });
});
