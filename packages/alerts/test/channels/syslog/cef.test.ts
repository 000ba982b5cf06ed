import { isSecbotError } from '@secbot/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CefEvent, formatCef } from '../../../src/channels/syslog/cef.js';
import { parseCef } from './parse.js';

const event: CefEvent = {
  vendor: 'secbot',
  product: 'secbot',
  version: '0.1.0',
  signatureId: 'auth.brute-force',
  name: 'Brute force',
  severity: 8,
  extension: [
    ['rt', 1767322800000],
    ['cnt', 12],
    ['msg', 'twelve failures'],
  ],
};

describe('formatCef', () => {
  it('writes the exact CEF:0 layout', () => {
    expect(formatCef(event)).toBe(
      'CEF:0|secbot|secbot|0.1.0|auth.brute-force|Brute force|8|rt=1767322800000 cnt=12 msg=twelve failures',
    );
  });

  it('escapes | and \\ in the header, line breaks there become spaces', () => {
    const line = formatCef({ ...event, name: 'a|b\\c\r\nCEF:0|forged', signatureId: 'x|y' });
    expect(line).toContain('|x\\|y|a\\|b\\\\c  CEF:0\\|forged|8|');
    expect(parseCef(line).header).toEqual([
      '0',
      'secbot',
      'secbot',
      '0.1.0',
      'x|y',
      'a|b\\c  CEF:0|forged',
      '8',
    ]);
  });

  it('escapes \\ and = in extension values and writes line breaks as \\n and \\r; pipes stay', () => {
    const line = formatCef({ ...event, extension: [['msg', 'a=b\\c|d\ne\r\nf\rg\th']] });
    expect(line.endsWith('|8|msg=a\\=b\\\\c|d\\ne\\nf\\rg h')).toBe(true);
    expect(parseCef(line).extension).toEqual([['msg', 'a=b\\c|d\ne\nf\rg h']]);
  });

  it('a value cannot smuggle in another key', () => {
    const line = formatCef({ ...event, extension: [['msg', 'x suser=admin src=10.0.0.1']] });
    expect(parseCef(line).extension).toEqual([['msg', 'x suser=admin src=10.0.0.1']]);
  });

  it('refuses a severity outside 0 to 10 and keys that are not CEF keys', () => {
    for (const severity of [-1, 11, 2.5, Number.NaN]) {
      expect(() => formatCef({ ...event, severity })).toThrow(
        expect.objectContaining({ code: 'ARGUMENT_INVALID' }) as Error,
      );
    }
    for (const key of ['', 'a b', 'a=b', '1abc', '__proto__', 'k'.repeat(64)]) {
      try {
        formatCef({ ...event, extension: [[key, 'v']] });
        expect.unreachable(`accepted ${key}`);
      } catch (error) {
        expect(isSecbotError(error, 'ARGUMENT_INVALID')).toBe(true);
      }
    }
  });

  it('property: any header and value text reads back (control characters aside)', () => {
    const printable = fc
      .string({ unit: 'grapheme', maxLength: 60 })
      .map((s) => s.replace(/[\p{Cc}\u2028\u2029]/gu, ''));
    fc.assert(
      fc.property(printable, printable, fc.string({ maxLength: 200 }), (name, product, value) => {
        const parsed = parseCef(
          formatCef({
            ...event,
            name,
            product,
            extension: [
              ['msg', value],
              ['cnt', 1],
            ],
          }),
        );
        expect(parsed.header[2]).toBe(product);
        expect(parsed.header[5]).toBe(name);
        const expected = value
          .replace(/\r\n/g, '\n')
          .replace(/[\p{Cc}\u2028\u2029]/gu, (c) => (c === '\n' || c === '\r' ? c : ' '));
        expect(parsed.extension).toEqual([
          ['msg', expected],
          ['cnt', '1'],
        ]);
      }),
      { numRuns: 300 },
    );
  });
});
