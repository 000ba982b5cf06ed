import { createHmac, randomBytes } from 'node:crypto';
import { isSecbotError } from '@secbot/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBlindIndex, normalizeIndexValue } from '../src/blind-index.js';
import { codeOf } from './kv-store-suite.js';

const key = new Uint8Array(32).fill(7);
const email = { tenant: 'acme', field: 'email' } as const;

function issuePaths(options: unknown): string[] {
  try {
    createBlindIndex(options as never);
  } catch (error) {
    if (isSecbotError(error, 'CONFIG_INVALID')) return error.issues?.map((issue) => issue.path) ?? [];
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

/** The documented construction, computed independently. */
function expected(secret: Uint8Array, bits: number, tenant: string, field: string, value: string): string {
  const prefixed = (text: string): Buffer => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  return createHmac('sha256', secret)
    .update(
      Buffer.concat([
        Buffer.from('secbot/blind-index/v1'),
        Buffer.of(bits - 1),
        prefixed(tenant),
        prefixed(field),
        prefixed(value),
      ]),
    )
    .digest()
    .subarray(0, bits / 8)
    .toString('base64url');
}

describe('createBlindIndex', () => {
  it('computes the documented, length-prefixed HMAC-SHA256, truncated', () => {
    const blind = createBlindIndex({ key });
    expect(blind.bits).toBe(128);
    expect(blind.index('ana@example.com', email)).toBe(
      expected(key, 128, 'acme', 'email', 'ana@example.com'),
    );
    expect(blind.index('ana@example.com', email)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('is stable: equal values under the same tenant and field give equal indexes', () => {
    const a = createBlindIndex({ key });
    const b = createBlindIndex({ key: Buffer.from(key) });
    expect(a.index('ana@example.com', email)).toBe(a.index('ana@example.com', email));
    expect(a.index('ana@example.com', email)).toBe(b.index('ana@example.com', email));
  });

  it('normalises by default: case, surrounding white space and compatibility forms', () => {
    const blind = createBlindIndex({ key });
    const reference = blind.index('ana@example.com', email);
    for (const variant of [
      'ANA@EXAMPLE.COM',
      '  Ana@Example.com\n',
      '\u00a0ana@example.com\t',
      'ａｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ',
    ]) {
      expect(blind.index(variant, email)).toBe(reference);
    }
    expect(blind.index('ana@example.org', email)).not.toBe(reference);
    expect(blind.index('an a@example.com', email)).not.toBe(reference);
    expect(normalizeIndexValue(' Ana@ＥＸＡＭＰＬＥ.com ')).toBe('ana@example.com');
    expect(normalizeIndexValue('cafe\u0301')).toBe('caf\u00e9');
  });

  it('the default normaliser is idempotent (property test)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 40 }),
          fc.string({ unit: 'binary', maxLength: 40 }),
        ),
        (value) => {
          const once = normalizeIndexValue(value);
          expect(normalizeIndexValue(once)).toBe(once);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('uses a custom normaliser when given one', () => {
    const digitsOnly = createBlindIndex({ key, normalize: (value) => value.replace(/\D/g, '') });
    const phone = { tenant: 'acme', field: 'phone' };
    expect(digitsOnly.index('+351 912-345-678', phone)).toBe(digitsOnly.index('351912345678', phone));
    const exact = createBlindIndex({ key, normalize: (value) => value });
    expect(exact.index('Ana', email)).not.toBe(exact.index('ana', email));
  });

  it('separates tenants and fields, with no ambiguity between them', () => {
    const blind = createBlindIndex({ key });
    const seen = new Set<string>();
    const contexts = [
      { tenant: 'acme', field: 'email' },
      { tenant: 'globex', field: 'email' },
      { tenant: 'acme', field: 'phone' },
      // the same bytes split differently across tenant, field and value
      { tenant: 'a', field: 'bc' },
      { tenant: 'ab', field: 'c' },
      { tenant: 'abc', field: 'x' },
    ];
    for (const context of contexts) {
      for (const value of ['', 'x', 'cx', 'bcx']) seen.add(blind.index(value, context));
    }
    expect(seen.size).toBe(contexts.length * 4);
  });

  it('different keys and different lengths give unrelated indexes', () => {
    const value = 'ana@example.com';
    const other = createBlindIndex({ key: randomBytes(32) });
    expect(other.index(value, email)).not.toBe(createBlindIndex({ key }).index(value, email));
    const short = createBlindIndex({ key, bits: 32 });
    const long = createBlindIndex({ key, bits: 256 });
    expect(short.index(value, email)).toMatch(/^[A-Za-z0-9_-]{6}$/);
    expect(long.index(value, email)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(short.index(value, email)).toBe(expected(key, 32, 'acme', 'email', value));
    // the length is an input, so a short index is not a prefix of a long one
    expect(Buffer.from(long.index(value, email), 'base64url').subarray(0, 4)).not.toEqual(
      Buffer.from(short.index(value, email), 'base64url'),
    );
  });

  it('supports rotation: indexes() gives one index per key, current first', () => {
    const oldKey = new Uint8Array(32).fill(1);
    const newKey = new Uint8Array(32).fill(2);
    const before = createBlindIndex({ key: oldKey });
    const during = createBlindIndex({ key: [newKey, oldKey] });
    const after = createBlindIndex({ key: newKey });
    const value = 'ana@example.com';
    const stored = before.index(value, email);
    const lookups = during.indexes(value, email);
    expect(lookups).toEqual([after.index(value, email), stored]);
    expect(during.index(value, email)).toBe(after.index(value, email));
    expect(lookups).toContain(stored);
    expect(before.indexes(value, email)).toEqual([stored]);
    // text keys are their UTF-8 bytes
    const textKey = 'k'.repeat(32);
    expect(createBlindIndex({ key: textKey }).index(value, email)).toBe(
      createBlindIndex({ key: Buffer.from(textKey) }).index(value, email),
    );
  });

  it('refuses bad values and contexts with ARGUMENT_INVALID', async () => {
    const blind = createBlindIndex({ key });
    const bad: [unknown, unknown][] = [
      [42, email],
      [undefined, email],
      [null, email],
      ['lone \uD800', email],
      ['x'.repeat(65_537), email],
      ['v', undefined],
      ['v', null],
      ['v', { tenant: 'acme' }],
      ['v', { tenant: '', field: 'email' }],
      ['v', { tenant: 'acme', field: 42 }],
      ['v', { tenant: 'x'.repeat(1025), field: 'email' }],
      ['v', { tenant: '\uDC00', field: 'email' }],
    ];
    for (const [value, context] of bad) {
      expect(await codeOf(() => blind.index(value as string, context as never))).toBe('ARGUMENT_INVALID');
      expect(await codeOf(() => blind.indexes(value as string, context as never))).toBe('ARGUMENT_INVALID');
    }
    const throwing = createBlindIndex({
      key,
      normalize: () => {
        throw new Error('boom');
      },
    });
    expect(await codeOf(() => throwing.index('v', email))).toBe('ARGUMENT_INVALID');
    const notString = createBlindIndex({ key, normalize: () => 42 as never });
    expect(await codeOf(() => notString.index('v', email))).toBe('ARGUMENT_INVALID');
    expect(blind.index('', email)).toBe(expected(key, 128, 'acme', 'email', ''));
  });

  it('validates options with CONFIG_INVALID naming the path, never quoting the key', () => {
    expect(issuePaths({})).toEqual(['key[0]']); // secretList reads a missing secret as a list of one
    expect(issuePaths({ key: new Uint8Array(31) })).toEqual(['key[0]']);
    expect(issuePaths({ key: [new Uint8Array(32), 'too short'] })).toEqual(['key[1]']);
    expect(issuePaths({ key: [] })).toEqual(['key']);
    expect(issuePaths({ key, bits: 16 })).toEqual(['bits']);
    expect(issuePaths({ key, bits: 264 })).toEqual(['bits']);
    expect(issuePaths({ key, bits: 100 })).toEqual(['bits']);
    expect(issuePaths({ key, bits: 128.5 })).toEqual(['bits']);
    expect(issuePaths({ key, normalize: 'lowercase' })).toEqual(['normalize']);
    expect(issuePaths({ key, extra: 1 })).toEqual(['']);
    try {
      createBlindIndex({ key: 'my-short-secret-text' });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('my-short-secret-text');
    }
  });
});
