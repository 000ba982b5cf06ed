import { isSecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/finding.js';
import { hashOperator } from '../../src/operators/hash-operator.js';
import { maskOperator } from '../../src/operators/mask-operator.js';
import { applyOperator } from '../../src/operators/operator.js';
import { operatorMap } from '../../src/operators/operator-map.js';
import { redactOperator } from '../../src/operators/redact-operator.js';
import { removeOperator } from '../../src/operators/remove-operator.js';

const find = (text: string, value: string, type: string, from = 0): Finding => {
  const start = text.indexOf(value, from);
  if (start === -1) throw new Error(`${value} not in text`);
  return { type, start, end: start + value.length, confidence: 1, detector: 'test' };
};

const thrownCode = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return isSecbotError(error) ? error.code : 'not a SecbotError';
  }
  return undefined;
};

const text = 'Hé 🙂 ann@x.test / 4111 1111 1111 1111, ok';
const findings = [find(text, '4111 1111 1111 1111', 'CREDIT_CARD'), find(text, 'ann@x.test', 'EMAIL')];

describe('applyOperator', () => {
  it('redacts with [TYPE] by default and a label per type, in multi-byte text, findings in any order', () => {
    expect(applyOperator(text, findings, redactOperator())).toBe('Hé 🙂 [EMAIL] / [CREDIT_CARD], ok');
    expect(applyOperator(text, findings, redactOperator({ labels: { EMAIL: '<mail>' } }))).toBe(
      'Hé 🙂 <mail> / [CREDIT_CARD], ok',
    );
  });

  it('removes', () => {
    expect(applyOperator(text, findings, removeOperator())).toBe('Hé 🙂  / , ok');
  });

  it('handles adjacent findings and an empty list', () => {
    const t = 'abc123def';
    const adjacent = [find(t, 'abc', 'A'), find(t, '123', 'B'), find(t, 'def', 'C')];
    expect(applyOperator(t, adjacent, redactOperator())).toBe('[A][B][C]');
    expect(applyOperator(t, [], redactOperator())).toBe(t);
    expect(applyOperator('', [], redactOperator())).toBe('');
  });

  it('refuses overlapping, empty, fractional and out-of-range spans', () => {
    const t = 'abcdef';
    const bad: Finding[][] = [
      [find(t, 'abcd', 'A'), find(t, 'cdef', 'B')],
      [{ type: 'A', start: 2, end: 2, confidence: 1, detector: 'x' }],
      [{ type: 'A', start: 0.5, end: 2, confidence: 1, detector: 'x' }],
      [{ type: 'A', start: -1, end: 2, confidence: 1, detector: 'x' }],
      [{ type: 'A', start: 3, end: 7, confidence: 1, detector: 'x' }],
      [{ type: 'A', start: Number.NaN, end: 2, confidence: 1, detector: 'x' }],
    ];
    for (const spans of bad)
      expect(thrownCode(() => applyOperator(t, spans, redactOperator()))).toBe('ARGUMENT_INVALID');
    expect(thrownCode(() => applyOperator(t, 'x' as never, redactOperator()))).toBe('ARGUMENT_INVALID');
  });
});

describe('maskOperator', () => {
  const mask = maskOperator();
  it('keeps the last 4 letters or digits and masks everything before', () => {
    expect(applyOperator(text, findings, mask)).toBe('Hé 🙂 ******test / ***************1111, ok');
    expect(mask.replace('4111-1111-1111-1111', 'CREDIT_CARD')).toBe('***************1111');
  });

  it('keeps separators, a custom count and mask character on request', () => {
    const custom = maskOperator({ keep: 2, maskChar: '#', keepSeparators: true });
    expect(custom.replace('4111 1111 1111 1111', 'CREDIT_CARD')).toBe('#### #### #### ##11');
    expect(maskOperator({ maskChar: '•' }).replace('abcdefgh', 'X')).toBe('••••efgh');
  });

  it('counts code points: an astral letter is one character and is never split', () => {
    expect(mask.replace('𝐀𝐁𝐂𝐃𝐄𝐅𝐆𝐇', 'X')).toBe('****𝐄𝐅𝐆𝐇');
    expect(mask.replace('🙂🙂🙂ab12cd', 'X')) // 6 letters or digits: at most 3 shown
      .toBe('******2cd');
  });

  it('never shows more than half of a short value', () => {
    expect(mask.replace('12345', 'X')).toBe('***45');
    expect(mask.replace('1234', 'X')).toBe('**34');
    expect(mask.replace('1', 'X')).toBe('*');
    expect(mask.replace('--', 'X')).toBe('**');
    expect(maskOperator({ keep: 0 }).replace('4111111111111111', 'X')).toBe('*'.repeat(16));
  });

  it('refuses bad options', () => {
    expect(thrownCode(() => maskOperator({ keep: -1 }))).toBe('CONFIG_INVALID');
    expect(thrownCode(() => maskOperator({ maskChar: '**' }))).toBe('CONFIG_INVALID');
    expect(thrownCode(() => maskOperator({ keep: 1.5 }))).toBe('CONFIG_INVALID');
  });
});

describe('hashOperator', () => {
  const keyA = 'a'.repeat(32);
  const keyB = 'b'.repeat(32);

  it('gives <TYPE:12 hex> that links equal values of one type and separates types', () => {
    const hash = hashOperator({ secret: keyA });
    const out = applyOperator(text, findings, hash);
    expect(out).toMatch(/^Hé 🙂 <EMAIL:[0-9a-f]{12}> \/ <CREDIT_CARD:[0-9a-f]{12}>, ok$/);
    expect(hash.replace('ann@x.test', 'EMAIL')).toBe(hash.replace('ann@x.test', 'EMAIL'));
    expect(hash.replace('ann@x.test', 'EMAIL')).not.toBe(hash.replace('bob@x.test', 'EMAIL'));
    expect(hash.replace('ann@x.test', 'EMAIL').slice(7)).not.toBe(
      hash.replace('ann@x.test', 'OTHER').slice(7),
    );
    expect(out).not.toContain('ann');
  });

  it('is HMAC-SHA256 of type NUL value under the key', async () => {
    const { createHmac } = await import('node:crypto');
    const expected = createHmac('sha256', keyA).update('EMAIL\u0000ann@x.test').digest('hex').slice(0, 12);
    expect(hashOperator({ secret: keyA }).replace('ann@x.test', 'EMAIL')).toBe(`<EMAIL:${expected}>`);
    expect(hashOperator({ secret: keyA, hexLength: 64 }).replace('v', 'T')).toMatch(/^<T:[0-9a-f]{64}>$/);
  });

  it('rotates: the newest key hashes, candidates cover the older ones', () => {
    const before = hashOperator({ secret: keyA }).replace('ann@x.test', 'EMAIL');
    const rotated = hashOperator({ secret: [keyB, keyA] });
    expect(rotated.replace('ann@x.test', 'EMAIL')).not.toBe(before);
    expect(rotated.candidates('ann@x.test', 'EMAIL')).toEqual([
      rotated.replace('ann@x.test', 'EMAIL'),
      before,
    ]);
  });

  it('refuses a short or missing key without quoting it', () => {
    try {
      hashOperator({ secret: 'short-secret-value' });
      expect.unreachable();
    } catch (error) {
      expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
      expect(String((error as Error).message)).not.toContain('short-secret-value');
    }
    expect(thrownCode(() => hashOperator({} as never))).toBe('CONFIG_INVALID');
    expect(thrownCode(() => hashOperator({ secret: keyA, hexLength: 4 }))).toBe('CONFIG_INVALID');
  });
});

describe('operatorMap', () => {
  it('chooses per type and redacts unknown types by default', () => {
    const operator = operatorMap({ byType: { CREDIT_CARD: maskOperator(), SECRET: removeOperator() } });
    expect(applyOperator(text, findings, operator)).toBe('Hé 🙂 [EMAIL] / ***************1111, ok');
    expect(operator.replace('tok', 'SECRET')).toBe('');
  });

  it('takes a fallback and refuses what is not an operator', () => {
    const operator = operatorMap({ byType: {}, fallback: removeOperator() });
    expect(applyOperator(text, findings, operator)).toBe('Hé 🙂  / , ok');
    expect(thrownCode(() => operatorMap({ byType: { EMAIL: 'mask' as never } }))).toBe('CONFIG_INVALID');
  });
});
