import { describe, expect, it } from 'vitest';
import { ukNinoDetector } from '../../../src/detectors/uk-nino.js';
import { assertScanTotal, commonHostileInputs, hostile, only, scanMillis, spans } from './part1-helpers.js';

const nino = ukNinoDetector();

describe('ukNinoDetector', () => {
  it('finds a spaced NINO with context, exact span', () => {
    const text = 'my NI number is AB 12 34 56 C, thanks';
    expect(spans(nino, text)).toEqual([{ type: 'UK_NINO', start: 16, end: 29, text: 'AB 12 34 56 C' }]);
    expect(only(nino, text).confidence).toBeCloseTo(0.9);
  });

  it('finds compact and lower-case forms; upper case and context rank higher', () => {
    const upper = only(nino, 'ref JG103759A').confidence;
    const lower = only(nino, 'ref jg103759a').confidence;
    const context = only(nino, 'national insurance JG103759A').confidence;
    expect(context).toBeGreaterThan(upper);
    expect(upper).toBeGreaterThan(lower);
    expect(spans(nino, 'ref JG103759A.')[0]).toMatchObject({ start: 4, end: 13 });
  });

  it('does not report unallocated prefixes', () => {
    for (const prefix of ['DA', 'FA', 'IA', 'QQ', 'UA', 'VA', 'AD', 'AF', 'AI', 'AO', 'AQ', 'AU', 'AV']) {
      expect(spans(nino, `NI ${prefix}123456C`), prefix).toEqual([]);
    }
    for (const prefix of ['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ']) {
      expect(spans(nino, `NI ${prefix}123456C`), prefix).toEqual([]);
    }
  });

  it('does not report a bad suffix, mixed spacing, wrong digit count or glued text', () => {
    for (const text of ['AB123456E', 'AB 12 3456 C', 'AB12345C', 'AB1234567C', 'XAB123456C', 'AB123456CD']) {
      expect(spans(nino, text), text).toEqual([]);
    }
  });

  it('scans hostile 100 KB inputs in under 50 ms each', () => {
    const inputs = {
      ...commonHostileInputs,
      'near-miss NINOs': hostile('AB 12 34 56 E '),
      'prefix runs': hostile('AB 12 '),
    };
    for (const [name, text] of Object.entries(inputs)) expect(scanMillis(nino, text), name).toBeLessThan(50);
  });

  it('never throws and keeps spans inside the text', () => {
    assertScanTotal(nino, 'ABCDJGQZ0123456789 ');
  });
});
