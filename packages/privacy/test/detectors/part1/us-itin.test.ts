import { describe, expect, it } from 'vitest';
import { usItinDetector } from '../../../src/detectors/us-itin.js';
import { usSsnDetector } from '../../../src/detectors/us-ssn.js';
import { scanText } from '../../../src/index.js';
import { assertScanTotal, commonHostileInputs, hostile, only, scanMillis, spans } from './part1-helpers.js';

const itin = usItinDetector();

describe('usItinDetector', () => {
  it('finds an ITIN with context, exact span', () => {
    const text = 'my ITIN is 912-70-1234, filed last year';
    expect(spans(itin, text)).toEqual([{ type: 'US_ITIN', start: 11, end: 22, text: '912-70-1234' }]);
    expect(only(itin, text).confidence).toBeCloseTo(0.95);
  });

  it('accepts each IRS group range and ranks context over none', () => {
    for (const group of ['50', '65', '70', '88', '90', '92', '94', '99']) {
      expect(spans(itin, `id 912-${group}-1234`), group).toHaveLength(1);
    }
    expect(only(itin, 'tax id 912 94 1234').confidence).toBeGreaterThan(
      only(itin, 'id 912 94 1234').confidence,
    );
  });

  it('does not report groups outside the ranges or numbers not starting with 9', () => {
    for (const text of [
      '912-00-1234',
      '912-49-1234',
      '912-66-1234',
      '912-89-1234',
      '912-93-1234',
      '812-70-1234',
    ]) {
      expect(spans(itin, text), text).toEqual([]);
    }
  });

  it('never collides with the SSN detector: a 9xx number is an ITIN only', () => {
    const found = scanText('ITIN 912-70-1234 and SSN 536-22-1234', [itin, usSsnDetector()]);
    expect(found.map((f) => f.type)).toEqual(['US_ITIN', 'US_SSN']);
  });

  it('scans hostile 100 KB inputs in under 50 ms each', () => {
    const inputs = { ...commonHostileInputs, 'near-miss ITINs': hostile('912-93-1234 ') };
    for (const [name, text] of Object.entries(inputs)) expect(scanMillis(itin, text), name).toBeLessThan(50);
  });

  it('never throws and keeps spans inside the text', () => {
    assertScanTotal(itin, '9012345678 -t');
  });
});
