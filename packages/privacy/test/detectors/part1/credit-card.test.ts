import { describe, expect, it } from 'vitest';
import { creditCardDetector } from '../../../src/detectors/credit-card.js';
import {
  assertScanTotal,
  commonHostileInputs,
  configError,
  hostile,
  only,
  scanMillis,
  spans,
} from './part1-helpers.js';

const cards = creditCardDetector();

describe('creditCardDetector', () => {
  it('finds a Visa number in groups of four, with context', () => {
    const text = 'my visa is 4111 1111 1111 1111, expiry 09/27';
    expect(spans(cards, text)).toEqual([
      { type: 'CREDIT_CARD', start: 11, end: 30, text: '4111 1111 1111 1111' },
    ]);
    expect(only(cards, text).confidence).toBeCloseTo(0.95);
  });

  it('finds Amex 4-6-5, Mastercard with dashes and one block', () => {
    const text = 'amex 3782 822463 10005 then 5555-5555-5555-4444 and 6011111111111117';
    expect(spans(cards, text).map((s) => s.text)).toEqual([
      '3782 822463 10005',
      '5555-5555-5555-4444',
      '6011111111111117',
    ]);
  });

  it('finds two cards written one after the other', () => {
    const text = 'try 4111 1111 1111 1111 5555 5555 5555 4444 please';
    expect(spans(cards, text).map((s) => s.text)).toEqual(['4111 1111 1111 1111', '5555 5555 5555 4444']);
  });

  it('ranks context over none, and a known issuer over none', () => {
    const withContext = only(cards, 'charge my card 4111111111111111').confidence;
    const bare = only(cards, 'ref 4111111111111111').confidence;
    const noIssuer = only(cards, 'ref 1234 5678 9012 3452').confidence;
    expect(withContext).toBeGreaterThan(bare);
    expect(bare).toBeGreaterThan(noIssuer);
    expect(noIssuer).toBeCloseTo(0.4);
  });

  it('does not report numbers that fail Luhn (order and tracking numbers)', () => {
    expect(spans(cards, 'order 4111 1111 1111 1112 shipped')).toEqual([]);
    expect(spans(cards, 'tracking 1234567890123456')).toEqual([]);
  });

  it('does not report repeated digits, odd groupings, mixed separators or glued numbers', () => {
    for (const text of [
      '0000 0000 0000 0000',
      '41 11 11 11 11 11 11 11',
      '4111-1111 1111 1111',
      'id4111111111111111',
      '4111111111111111x',
      '94111111111111111111',
      '411111111111',
    ]) {
      expect(spans(cards, text), text).toEqual([]);
    }
  });

  it('accepts extra context words and rejects bad options', () => {
    const german = creditCardDetector({ contextWords: ['Kreditkarte'] });
    expect(only(german, 'Kreditkarte 4111111111111111').confidence).toBeCloseTo(0.95);
    expect(configError(() => creditCardDetector({ contextWords: [''] })).message).toContain(
      'contextWords[0]',
    );
    expect(configError(() => creditCardDetector({ minDigits: 12 } as never)).message).toContain('minDigits');
    expect(configError(() => creditCardDetector({ contextWords: ['karte\u20ac'] })).message).toContain(
      'ASCII',
    );
  });

  it('scans hostile 100 KB inputs in under 50 ms each', () => {
    const inputs = {
      ...commonHostileInputs,
      'near-miss cards': hostile('4111 1111 1111 1112 '),
      'long grouped run': hostile('4111 1111 '),
      'dash groups': hostile('1234-'),
    };
    for (const [name, text] of Object.entries(inputs)) expect(scanMillis(cards, text), name).toBeLessThan(50);
  });

  it('never throws and keeps spans inside the text', () => {
    assertScanTotal(cards, '0123456789 -4x');
  });
});
