import { describe, expect, it } from 'vitest';
import { ibanMod97Valid } from '../../../src/detectors/checksums.js';
import { ibanDetector } from '../../../src/detectors/iban.js';
import { assertScanTotal, commonHostileInputs, hostile, only, scanMillis, spans } from './part1-helpers.js';

const iban = ibanDetector();

describe('ibanDetector', () => {
  it('finds a spaced IBAN with context, exact span', () => {
    const text = 'Please transfer to IBAN: DE89 3704 0044 0532 0130 00. Thanks!';
    expect(spans(iban, text)).toEqual([
      { type: 'IBAN', start: 25, end: 52, text: 'DE89 3704 0044 0532 0130 00' },
    ]);
    expect(only(iban, text).confidence).toBeCloseTo(0.95);
  });

  it('finds compact IBANs of several countries and lengths, in either case', () => {
    for (const value of [
      'GB82WEST12345698765432',
      'FR1420041010050500013M02606',
      'NL91ABNA0417164300',
      'BE68539007547034',
      'NO9386011117947',
      'CH9300762011623852957',
      'MT84MALT011000012345MTLCAST001S',
      'LC55HEMM000100010012001200023015',
      'de89370400440532013000',
    ]) {
      expect(spans(iban, `send it to ${value}, ok`), value).toEqual([
        { type: 'IBAN', start: 11, end: 11 + value.length, text: value },
      ]);
    }
    expect(spans(iban, 'NL91 ABNA 0417 1643 00')[0]?.text).toBe('NL91 ABNA 0417 1643 00');
  });

  it('ranks context over none', () => {
    expect(only(iban, 'bank account GB82WEST12345698765432').confidence).toBeGreaterThan(
      only(iban, 'ref GB82WEST12345698765432').confidence,
    );
  });

  it('does not report a failed mod-97, a wrong length, an unknown country, bad grouping or glued text', () => {
    for (const text of [
      'DE89370400440532013001',
      'DE88370400440532013000',
      'DE8937040044053201300',
      'DE893704004405320130000',
      'XX89370400440532013000',
      'US89370400440532013000',
      'DE89 370 400 440 532 013 000',
      'DE89 3704 0044 0532 013000',
      'XDE89370400440532013000',
      'DE89370400440532013000X',
    ]) {
      expect(spans(iban, text), text).toEqual([]);
    }
    expect(ibanMod97Valid('DE89-3704')).toBe(false);
  });

  it('scans hostile 100 KB inputs in under 50 ms each', () => {
    const inputs = {
      ...commonHostileInputs,
      'near-miss IBANs': hostile('DE89 3704 0044 0532 0130 01 '),
      'country and check runs': hostile('DE89 '),
      'long alphanumeric word': `DE89${hostile('A1', 99_996)}`,
    };
    for (const [name, text] of Object.entries(inputs)) expect(scanMillis(iban, text), name).toBeLessThan(50);
  });

  it('never throws and keeps spans inside the text', () => {
    assertScanTotal(iban, 'DEGB8901234 ');
  });
});
