import { createHash, createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileHmacSha256, sha256Bytes, sha256Hex } from '../src/internal/sha256.js';

describe('sha256 helpers', () => {
  it('compileHmacSha256 equals createHmac for keys of any length and hex messages', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: 64, maxLength: 64 }),
        (key, chars) => {
          const message = chars.join('');
          const mac = compileHmacSha256(key);
          const expected = createHmac('sha256', key).update(message, 'latin1').digest('base64url');
          // twice: the preallocated buffers must not carry state between calls
          expect(mac(message)).toBe(expected);
          expect(mac(message)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('compileHmacSha256 falls back to createHmac for messages that are not 64 characters', () => {
    const key = randomBytes(32);
    const mac = compileHmacSha256(key);
    for (const message of ['', 'short', 'x'.repeat(65)]) {
      expect(mac(message)).toBe(createHmac('sha256', key).update(message, 'latin1').digest('base64url'));
    }
  });

  it('sha256Hex and sha256Bytes equal createHash on strings and bytes', () => {
    const bytes = randomBytes(100);
    expect(sha256Hex('é€𝄞')).toBe(createHash('sha256').update('é€𝄞', 'utf8').digest('hex'));
    expect(sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(sha256Bytes(bytes).equals(createHash('sha256').update(bytes).digest())).toBe(true);
  });
});
