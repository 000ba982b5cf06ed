import { describe, expect, it } from 'vitest';
import { phoneDetector } from '../../../src/detectors/phone.js';
import {
  assertScanTotal,
  commonHostileInputs,
  configError,
  hostile,
  only,
  scanMillis,
  spans,
} from './part1-helpers.js';

const us = phoneDetector();
const gb = phoneDetector({ defaultCountry: 'GB', countries: ['DE'] });

describe('phoneDetector', () => {
  it('finds US national formats, exact spans', () => {
    const text = 'Call me at (212) 555-0182 or 212-555-0199 tomorrow';
    expect(spans(us, text)).toEqual([
      { type: 'PHONE', start: 11, end: 25, text: '(212) 555-0182' },
      { type: 'PHONE', start: 29, end: 41, text: '212-555-0199' },
    ]);
  });

  it('finds international numbers whatever the default country', () => {
    const text = 'my mobile is +44 20 7946 0958, office +1 212 555 0182.';
    expect(spans(us, text).map((s) => s.text)).toEqual(['+44 20 7946 0958', '+1 212 555 0182']);
    expect(spans(gb, '+49 30 901820').map((s) => s.text)).toEqual(['+49 30 901820']);
  });

  it('reads the configured countries national formats', () => {
    expect(spans(gb, 'ring 020 7946 0958 today').map((s) => s.text)).toEqual(['020 7946 0958']);
    expect(spans(gb, 'Tel. 030 901820').map((s) => s.text)).toEqual(['030 901820']);
    expect(spans(us, 'ring 020 7946 0958 today')).toEqual([]);
  });

  it('reads US numbers only in 3-3-4 groupings; other groupings of ten digits are ids', () => {
    expect(spans(us, 'The lab results for sample 2025-0412-77 are in')).toEqual([]);
    expect(spans(us, 'call 202-504-1277 today').map((s) => s.text)).toEqual(['202-504-1277']);
    expect(spans(us, 'or 1-202-504-1277').map((s) => s.text)).toEqual(['1-202-504-1277']);
  });

  it('ranks context over none', () => {
    const bare = only(us, 'it is (212) 555-0182').confidence;
    expect(only(us, 'phone: (212) 555-0182').confidence).toBeGreaterThan(bare);
    expect(only(us, '+1 212 555 0182').confidence).toBeGreaterThan(bare);
  });

  it('reports digits in one block only with a phone context word (not order ids)', () => {
    expect(spans(us, 'order 2125550182 shipped')).toEqual([]);
    expect(spans(us, 'call 2125550182')).toEqual([{ type: 'PHONE', start: 5, end: 15, text: '2125550182' }]);
    expect(spans(us, 'call #2125550182')).toEqual([]);
    expect(spans(us, 'phone ref2125550182')).toEqual([]);
  });

  it('does not report dates, versions, decimals, amounts or invalid numbers', () => {
    for (const text of [
      'call on 2024-05-12',
      'call on 12.05.2024',
      'phone v1.2.3.4567',
      'phone 1.2.3.4567',
      'phone 10.20.30.4567',
      'paid $212 555 0182',
      'pi is 3.1415926535',
      'phone (999) 999-9999',
      'phone 123-4567',
      'phone (212 555-0182',
      'see /212-555-0182',
      'phone 212-555-0182/3',
    ]) {
      expect(spans(us, text), text).toEqual([]);
    }
    expect(spans(gb, 'am 12.05.2024 angerufen')).toEqual([]);
  });

  it('rejects unsupported countries and unknown options', () => {
    expect(configError(() => phoneDetector({ defaultCountry: 'XX' })).message).toContain('defaultCountry');
    expect(configError(() => phoneDetector({ countries: ['GB', 'ZZ'] })).message).toContain('countries[1]');
    expect(configError(() => phoneDetector({ leniency: 'valid' } as never)).message).toContain('leniency');
  });

  it('scans hostile 100 KB inputs in under 50 ms each', () => {
    const inputs = {
      ...commonHostileInputs,
      'repeated near misses': hostile('(999) 999-9999, '),
      'dotted runs': hostile('1.2.'),
      'open parentheses': hostile('(1'),
      'plus runs': hostile('+1 '),
      'seven-digit blocks': hostile('1234567,'),
      dates: hostile('2024-05-12 '),
    };
    for (const [name, text] of Object.entries(inputs)) expect(scanMillis(us, text), name).toBeLessThan(50);
  });

  // Not a backtracking shape but the densest honest case: 6,400 valid numbers, each a finding with
  // its context lookup. It runs in ~45 ms on a quiet 2-core machine; the bound leaves room for a
  // loaded CI run while still failing on anything super-linear.
  it('scans 100 KB of valid numbers (one context lookup each) in under 150 ms', () => {
    expect(scanMillis(us, hostile('(212) 555-0182, '))).toBeLessThan(150);
  });

  it('never throws and keeps spans inside the text', () => {
    assertScanTotal(us, '0123456789 -.()+');
  });
});
