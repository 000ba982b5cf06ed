import { isSecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { customRegexDetector } from '../../../src/detectors/custom-regex.js';
import { scanText } from '../../../src/scan-text.js';
import { found, scanMillis, texts } from './helpers.js';

const employeeId = customRegexDetector({
  name: 'employee-id',
  type: 'EMPLOYEE_ID',
  pattern: /\bEMP-\d{6}\b/,
  context: ['employee'],
});

// The message of the CONFIG_INVALID error the options raise, or a marker when there is none.
function refusal(options: object): string {
  try {
    customRegexDetector(options as never);
  } catch (error) {
    return isSecbotError(error, 'CONFIG_INVALID') ? error.message : 'wrong error';
  }
  return 'accepted';
}

describe('customRegexDetector', () => {
  it('reports matches with exact spans, boosted near context words', () => {
    expect(scanText('employee EMP-004211 called', [employeeId])).toEqual([
      { type: 'EMPLOYEE_ID', start: 9, end: 19, confidence: 0.8, detector: 'employee-id' },
    ]);
    expect(found(employeeId, 'tickets EMP-000001 and EMP-000002, not EMP-1')).toEqual([
      ['EMPLOYEE_ID', 'EMP-000001', 0.6],
      ['EMPLOYEE_ID', 'EMP-000002', 0.6],
    ]);
  });

  it('keeps flags, adds g safely: repeated scans give the same result', () => {
    const order = customRegexDetector({
      name: 'order',
      type: 'ORDER_NO',
      pattern: /order #?\d+/i,
      confidence: 0.9,
    });
    const text = 'Order #123 and ORDER 456';
    expect(texts(order, text)).toEqual(['Order #123', 'ORDER 456']);
    expect(texts(order, text)).toEqual(['Order #123', 'ORDER 456']);
    const sticky = customRegexDetector({ name: 's', type: 'S', pattern: /ab/y });
    expect(texts(sticky, 'xx ab ab')).toEqual(['ab', 'ab']);
  });

  it('accepts a source string and skips empty matches', () => {
    const maybe = customRegexDetector({ name: 'm', type: 'M', pattern: 'x*' });
    expect(texts(maybe, 'a xx b x')).toEqual(['xx', 'x']);
  });

  it('bounds * and + to maxRepeat, so a long run is reported in pieces', () => {
    const digits = customRegexDetector({ name: 'd', type: 'D', pattern: /\d+/, maxRepeat: 4 });
    expect(texts(digits, '1234567890')).toEqual(['1234', '5678', '90']);
  });

  it('refuses patterns prone to catastrophic backtracking, and invalid ones, without quoting them', () => {
    const base = { name: 'x', type: 'X' };
    expect(refusal({ ...base, pattern: /(a+)+$/ })).toContain(
      'pattern: a repeated group contains a quantifier',
    );
    expect(refusal({ ...base, pattern: /(?:a|ab)*c/ })).toContain('alternation');
    expect(refusal({ ...base, pattern: /(\d{3}-){2}/ })).toContain('repeated group');
    expect(refusal({ ...base, pattern: /(a)\1/ })).toContain('backreferences');
    expect(refusal({ ...base, pattern: /(?<=secret)\d/ })).toContain('lookbehind');
    expect(refusal({ ...base, pattern: /\d{1,1000}/ })).toContain('maxRepeat');
    expect(refusal({ ...base, pattern: 'unclosed(' })).toContain('pattern');
    expect(refusal({ ...base, pattern: 'a{2,1}' })).toContain('not a valid regular expression');
    expect(refusal({ ...base, pattern: 'hunter2-(x+)+' })).not.toContain('hunter2');
  });

  it('accepts safe groups, optional groups and unicode escapes', () => {
    expect(refusal({ name: 'a', type: 'A', pattern: /(?:ab)?(x|y)\d{2,}(?=z)/ })).toBe('accepted');
    const letters = customRegexDetector({ name: 'l', type: 'L', pattern: /\p{Lu}\u{1F600}/u });
    expect(texts(letters, 'a Ä😀 b')).toEqual(['Ä😀']);
  });

  it('validates name, type, confidence and unknown options', () => {
    expect(refusal({ name: '', type: 'X', pattern: /a/ })).toContain('name');
    expect(refusal({ name: 'x', type: 'lower', pattern: /a/ })).toContain('type');
    expect(refusal({ name: 'x', type: 'X', pattern: /a/, confidence: 2 })).toContain('confidence');
    expect(refusal({ name: 'x', type: 'X', pattern: /a/, flags: 'g' })).toContain('flags');
  });

  it('scans a hostile 100 KB input in well under 50 ms once * and + are bounded', () => {
    const trailing = customRegexDetector({ name: 't', type: 'T', pattern: /\d+x/ });
    expect(scanMillis(trailing, '1'.repeat(100_000))).toBeLessThan(50);
    const words = customRegexDetector({ name: 'w', type: 'W', pattern: /[a-z]+@[a-z]+\.com/ });
    expect(scanMillis(words, 'a'.repeat(100_000))).toBeLessThan(50);
  });
});
