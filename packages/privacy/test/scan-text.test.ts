import { describe, expect, it } from 'vitest';
import type { Detector, Finding } from '../src/finding.js';
import { createScanContext, scanText } from '../src/scan-text.js';

const fixed = (name: string, findings: Omit<Finding, 'detector'>[]): Detector => ({
  name,
  types: [...new Set(findings.map((f) => f.type))],
  scan: () => findings.map((f) => ({ ...f, detector: name })),
});

describe('scanText', () => {
  it('resolves overlaps: higher confidence, then longer, then earlier wins; output sorted by start', () => {
    const findings = scanText('x'.repeat(100), [
      fixed('a', [
        { type: 'PHONE', start: 10, end: 20, confidence: 0.6 },
        { type: 'EMAIL', start: 50, end: 60, confidence: 0.9 },
      ]),
      fixed('b', [
        { type: 'CREDIT_CARD', start: 12, end: 30, confidence: 0.95 }, // beats the phone
        { type: 'IBAN', start: 55, end: 70, confidence: 0.9 }, // same confidence, longer: beats the email
        { type: 'US_SSN', start: 0, end: 5, confidence: 0.4 },
      ]),
    ]);
    expect(findings.map((f) => f.type)).toEqual(['US_SSN', 'CREDIT_CARD', 'IBAN']);
  });

  it('drops findings under minConfidence before resolving, and empty spans', () => {
    const findings = scanText(
      'x'.repeat(40),
      [
        fixed('a', [
          { type: 'PHONE', start: 0, end: 10, confidence: 0.3 },
          { type: 'EMAIL', start: 5, end: 15, confidence: 0.8 },
          { type: 'IBAN', start: 20, end: 20, confidence: 1 },
        ]),
      ],
      { minConfidence: 0.5 },
    );
    expect(findings).toEqual([{ type: 'EMAIL', start: 5, end: 15, confidence: 0.8, detector: 'a' }]);
  });

  it('a throwing detector is skipped and reported; the others still run', () => {
    const errors: string[] = [];
    const broken: Detector = {
      name: 'broken',
      types: ['X'],
      scan: () => {
        throw new Error('boom');
      },
    };
    const findings = scanText(
      'abc',
      [broken, fixed('ok', [{ type: 'EMAIL', start: 0, end: 3, confidence: 1 }])],
      {
        onError: (_error, name) => errors.push(name),
      },
    );
    expect(errors).toEqual(['broken']);
    expect(findings).toHaveLength(1);
  });

  it('resolves 20,000 overlapping findings quickly (no quadratic blow-up)', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => ({
      type: 'PHONE',
      start: i * 2,
      end: i * 2 + 3,
      confidence: 0.5,
    }));
    const started = performance.now();
    const findings = scanText('x'.repeat(40_002), [fixed('many', many)]);
    expect(performance.now() - started).toBeLessThan(2_000); // a quadratic resolution takes many seconds here
    for (let i = 1; i < findings.length; i++)
      expect(findings[i]?.start).toBeGreaterThanOrEqual(findings[i - 1]?.end ?? 0);
  });
});

describe('createScanContext().near', () => {
  it('finds whole context words before or after a span, ignoring case', () => {
    const text = 'My Card number is 4111 1111 1111 1111, thanks';
    const context = createScanContext(text);
    const start = text.indexOf('4111');
    expect(context.near(start, start + 19, ['card'])).toBe(true);
    expect(context.near(start, start + 19, ['thanks'])).toBe(true);
    expect(context.near(start, start + 19, ['visa'])).toBe(false);
    expect(context.near(start, start + 19, ['car'])).toBe(false); // not a whole word
  });

  it('respects the window, ignores the span itself, and keeps indices right after İ', () => {
    const text = `İİİİ card ${'x'.repeat(60)} 12345`;
    const context = createScanContext(text);
    const start = text.indexOf('12345');
    expect(context.near(start, start + 5, ['card'], 40)).toBe(false);
    expect(context.near(start, start + 5, ['card'], 80)).toBe(true);
    const inside = createScanContext('cardholder 1234 card');
    expect(inside.near(11, 20, ['card'], 0)).toBe(false); // "card" overlaps the span: not context
  });

  it('a word next to letters of another script is not whole; next to a no-break space or a quote it is', () => {
    const number = '123456789';
    expect(createScanContext(`ссн${'ssn'}: ${number}`).near(8, 17, ['ssn'])).toBe(false);
    expect(createScanContext(`\u00a0ssn\u00a0${number}`).near(5, 14, ['ssn'])).toBe(true);
    expect(createScanContext(`“ssn” ${number}`).near(6, 15, ['ssn'])).toBe(true);
  });
});
