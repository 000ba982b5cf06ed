import { describe, expect, it } from 'vitest';
import { nhsCheckValid } from '../../../src/detectors/checksums.js';
import { ukNhsDetector } from '../../../src/detectors/uk-nhs.js';
import { assertScanTotal, commonHostileInputs, hostile, only, scanMillis, spans } from './part1-helpers.js';

const nhs = ukNhsDetector();

describe('ukNhsDetector', () => {
  it('finds a spaced NHS number with context, exact span', () => {
    const text = 'Patient NHS number 943 476 5919, GP surgery on file';
    expect(spans(nhs, text)).toEqual([{ type: 'UK_NHS', start: 19, end: 31, text: '943 476 5919' }]);
    expect(only(nhs, text).confidence).toBeCloseTo(0.9);
  });

  it('finds dashed and one-block forms, context ranking above none', () => {
    expect(spans(nhs, 'ref 943-476-5919').map((s) => s.text)).toEqual(['943-476-5919']);
    const bare = only(nhs, 'ref 9434765919').confidence;
    expect(only(nhs, 'nhs 9434765919').confidence).toBeGreaterThan(bare);
    expect(only(nhs, 'ref 943 476 5919').confidence).toBeGreaterThan(bare);
  });

  it('does not report a wrong check digit, or prefixes whose check digit would be 10', () => {
    expect(spans(nhs, 'NHS 943 476 5918')).toEqual([]);
    expect(nhsCheckValid('1234567890')).toBe(false);
    for (let last = 0; last <= 9; last++) {
      expect(spans(nhs, `NHS 123 456 789${last}`), String(last)).toEqual([]);
      expect(spans(nhs, `NHS 000 000 006${last}`), String(last)).toEqual([]);
    }
  });

  it('does not report other shapes', () => {
    for (const text of ['NHS 9434 765 919', 'NHS 943 476 59190', 'NHS 943 476-5919']) {
      expect(spans(nhs, text), text).toEqual([]);
    }
  });

  it('scans hostile 100 KB inputs in under 50 ms each', () => {
    const inputs = {
      ...commonHostileInputs,
      'valid numbers': hostile('nhs 943 476 5919 '),
      'runs of 3-3-4': hostile('943 476 '),
    };
    for (const [name, text] of Object.entries(inputs)) expect(scanMillis(nhs, text), name).toBeLessThan(50);
  });

  it('never throws and keeps spans inside the text', () => {
    assertScanTotal(nhs, '0123456789 -nhs');
  });
});
