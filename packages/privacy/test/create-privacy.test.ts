import { describe, expect, it } from 'vitest';
import { builtinDetectors, createPrivacy, customRegexDetector, maskOperator } from '../src/index.js';

const message =
  'Hi, I am Jo (jo.smith@example.com, +44 20 7946 0958). My card 4111 1111 1111 1111 was charged twice; ' +
  'my IBAN is GB82 WEST 1234 5698 7654 32 and my SSN 536-22-8815. Order 1234 5678 9012 3456 is late.';

describe('createPrivacy', () => {
  it('finds the personal data of a support message and redacts it, leaving the order number', () => {
    const privacy = createPrivacy({ detectors: builtinDetectors({ phoneCountries: ['US', 'GB'] }) });
    const types = privacy.scan(message).map((finding) => finding.type);
    expect(types).toEqual(expect.arrayContaining(['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'US_SSN']));
    const redacted = privacy.redact(message);
    expect(redacted).toContain('[EMAIL]');
    expect(redacted).toContain('[CREDIT_CARD]');
    expect(redacted).not.toContain('4111 1111 1111 1111');
    expect(redacted).not.toContain('jo.smith@example.com');
    expect(redacted).not.toContain('536-22-8815');
    expect(redacted).toContain('Order 1234 5678 9012 3456'); // fails Luhn: not a card
  });

  it('takes custom detectors and operators; a throwing detector is reported and skipped', () => {
    const errors: string[] = [];
    const privacy = createPrivacy({
      detectors: [
        customRegexDetector({ name: 'employee-id', type: 'EMPLOYEE_ID', pattern: /EMP-\d{6}/ }),
        {
          name: 'broken',
          types: ['X'],
          scan: () => {
            throw new Error('boom');
          },
        },
      ],
      operator: maskOperator(),
      onError: (_error, name) => errors.push(name),
    });
    expect(privacy.redact('ask EMP-123456 today')).toBe('ask ******3456 today');
    expect(errors).toEqual(['broken']);
  });

  it('refuses bad options with CONFIG_INVALID naming the path', () => {
    expect(() => createPrivacy({ minConfidence: 2 })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        issues: [expect.objectContaining({ path: 'minConfidence' })],
      }),
    );
    expect(() => builtinDetectors({ disable: ['email', 'nope'] })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        issues: [expect.objectContaining({ path: 'disable[1]' })],
      }),
    );
    expect(builtinDetectors({ disable: ['mac-address'] }).map((d) => d.name)).not.toContain('mac-address');
  });
});
