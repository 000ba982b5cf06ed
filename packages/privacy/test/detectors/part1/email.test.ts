import { describe, expect, it } from 'vitest';
import { emailDetector } from '../../../src/detectors/email.js';
import { assertScanTotal, commonHostileInputs, hostile, only, scanMillis, spans } from './part1-helpers.js';

const email = emailDetector();

describe('emailDetector', () => {
  it('finds an address at the end of a sentence, exact span, context raising confidence', () => {
    const text = 'email me at jane.doe@example.com.';
    expect(spans(email, text)).toEqual([{ type: 'EMAIL', start: 12, end: 32, text: 'jane.doe@example.com' }]);
    expect(only(email, text).confidence).toBeGreaterThan(
      only(email, 'it is jane.doe@example.com').confidence,
    );
  });

  it('finds tags, subdomains, hyphens, IDN top-level domains and several addresses', () => {
    const text =
      '(a.b+tag@mail.co.uk), <ops_team@my-host.example.org>; x%y@xn--p1ai.xn--p1ai and Bob@Example.COM';
    expect(spans(email, text).map((s) => s.text)).toEqual([
      'a.b+tag@mail.co.uk',
      'ops_team@my-host.example.org',
      'x%y@xn--p1ai.xn--p1ai',
      'Bob@Example.COM',
    ]);
  });

  it('does not report malformed or out-of-subset addresses', () => {
    for (const text of [
      'logo@2x.png',
      'see icon@3x.PNG in the build',
      'root@localhost',
      'a..b@example.com',
      'john.@example.com',
      'jane@example.123',
      'jane@-example.com',
      'jane@example-.com',
      'user@[10.0.0.1]',
      '@example.com',
      'jane@',
      'jane@.com',
      `${'a'.repeat(65)}@example.com`,
      `jane@${'a'.repeat(64)}.com`,
      `jane@${'abc.'.repeat(64)}com`,
    ]) {
      expect(spans(email, text), text).toEqual([]);
    }
  });

  it('takes the longest local part within 64 characters and drops leading dots', () => {
    expect(spans(email, `${'a'.repeat(64)}@example.com`)[0]?.start).toBe(0);
    expect(spans(email, '...jane@example.com')[0]?.text).toBe('jane@example.com');
  });

  it('scans hostile 100 KB inputs in under 50 ms each', () => {
    const inputs = {
      ...commonHostileInputs,
      'at signs': hostile('@'),
      'local parts': hostile('a.'),
      'near-miss addresses': hostile('a@b.'),
      'long domains': hostile(`@${'a.'.repeat(200)}`),
      'long local parts': hostile(`${'a'.repeat(70)}@`),
    };
    for (const [name, text] of Object.entries(inputs)) expect(scanMillis(email, text), name).toBeLessThan(50);
  });

  // every finding asks ScanContext.near for context words: this needs near() bounded to its window
  it('scans 100 KB of valid addresses (one context lookup each) in under 50 ms', () => {
    expect(scanMillis(email, hostile('jane.doe@example.com '))).toBeLessThan(50);
  });

  it('never throws and keeps spans inside the text', () => {
    assertScanTotal(email, 'ab.@-_+9 ');
  });
});
