import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  decryptFields,
  type EncryptedRecord,
  encryptedFieldPrefix,
  encryptFields,
  type FieldContext,
} from '../src/field-encryption.js';
import { createEnvelope, type Envelope } from '../src/index.js';
import { localKeyProvider } from '../src/local-key-provider.js';
import { codeOf } from './kv-store-suite.js';

let envelope: Envelope;
const context: FieldContext = { tenant: 'acme', collection: 'users', recordId: 'u-1' };

beforeAll(() => {
  envelope = createEnvelope({
    keyProvider: localKeyProvider({ keys: [{ id: 'kek-1', key: randomBytes(32) }] }),
  });
});

interface User {
  id: string;
  email: string;
  age: number;
  admin: boolean;
  address: { street: string; city: string; geo: number[] };
  nickname?: string;
  deleted: null;
}

const user: User = {
  id: 'u-1',
  email: 'ana@example.com',
  age: 41,
  admin: false,
  address: { street: 'Rua Augusta 1', city: 'Lisboa', geo: [38.71, -9.14] },
  deleted: null,
};
const secretFields = ['email', 'age', 'admin', 'address', 'deleted'] as const;

describe('encryptFields / decryptFields', () => {
  it('encrypts only the named fields, recognisably, and restores the original types', async () => {
    const row = await encryptFields(envelope, user, secretFields, context);
    expect(row.id).toBe('u-1');
    for (const field of secretFields) {
      expect(row[field]).toMatch(/^sbenc:v1:[A-Za-z0-9_-]+$/);
      // the envelope bytes (random-looking text could hold any short string by chance)
      const sealed = Buffer.from(row[field].slice(encryptedFieldPrefix.length), 'base64url');
      for (const plaintext of ['ana@example.com', 'Rua Augusta', 'Lisboa']) {
        expect(sealed.includes(Buffer.from(plaintext))).toBe(false);
      }
    }
    expect(Object.keys(row)).toEqual(Object.keys(user));
    const back = await decryptFields(envelope, row, secretFields, context);
    expect(back).toStrictEqual(user);
    expect(user.email).toBe('ana@example.com'); // input untouched
  });

  it('types the encrypted record and infers the original back', async () => {
    const row = await encryptFields(envelope, user, ['email', 'nickname'], context);
    expectTypeOf(row).toEqualTypeOf<EncryptedRecord<User, 'email' | 'nickname'>>();
    expectTypeOf(row.email).toEqualTypeOf<string>();
    expectTypeOf(row.nickname).toEqualTypeOf<string | undefined>();
    expectTypeOf(row.age).toEqualTypeOf<number>();
    const back = await decryptFields(envelope, row, ['email', 'nickname'], context);
    expectTypeOf(back).toEqualTypeOf<User>();
    expect(back).toStrictEqual(user);
  });

  it('round-trips every kind of value exactly', async () => {
    const values: Record<string, unknown> = {
      empty: '',
      unicode: 'héllo 世界 🔐 \u0000 \u202e e\u0301',
      looksLikeJson: '{"a":1}',
      looksLikeNumber: '42',
      zero: 0,
      negativeZero: -0,
      fraction: 0.1 + 0.2,
      big: 1e21,
      tiny: 5e-324,
      max: Number.MAX_VALUE,
      negative: -123.456,
      safe: Number.MAX_SAFE_INTEGER,
      yes: true,
      no: false,
      nil: null,
      array: [1, 'two', [3, { four: 4 }], null, true],
      emptyObject: {},
      emptyArray: [],
      nested: { a: { b: { c: { d: ['deep', { e: 'ünï' }] } } } },
      protoKey: JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}'),
    };
    const names = Object.keys(values);
    const row = await encryptFields(envelope, values, names, context);
    const back = await decryptFields(envelope, row, names, context);
    // node's deep equality: vitest's strict mode reads `.constructor`, an own field of `protoKey`
    expect(isDeepStrictEqual(back, values)).toBe(true);
    expect(Object.is(back.negativeZero, -0)).toBe(true);
    expect(Object.getPrototypeOf(back.protoKey)).toBe(Object.prototype);
    expect(Object.hasOwn(back.protoKey as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('round-trips any JSON value (property test)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.string({ minLength: 1, maxLength: 20 }), async (value, field) => {
        const record: Record<string, unknown> = {};
        Object.defineProperty(record, field, { value, enumerable: true, writable: true, configurable: true });
        const row = await encryptFields(envelope, record, [field], context);
        expect(Object.keys(row)).toEqual([field]);
        // top-level values come back exactly; nested ones as JSON has them (a nested -0 becomes 0)
        const expected: Record<string, unknown> = {};
        const nested = typeof value === 'object' && value !== null;
        Object.defineProperty(expected, field, {
          value: nested ? JSON.parse(JSON.stringify(value)) : value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        expect(isDeepStrictEqual(await decryptFields(envelope, row, [field], context), expected)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("treats '__proto__' as an ordinary field name and never sets a prototype", async () => {
    const record = JSON.parse('{"__proto__": "secret", "other": 1}') as Record<string, unknown>;
    const row = await encryptFields(envelope, record, ['__proto__'], context);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.hasOwn(row, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toMatch(/^sbenc:v1:/);
    const back = await decryptFields(envelope, row, ['__proto__'], context);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toBe('secret');
    expect(back).toStrictEqual(record);

    const objectValue = JSON.parse('{"__proto__": {"isAdmin": true}}') as Record<string, unknown>;
    const sealed = await encryptFields(envelope, objectValue, ['__proto__'], context);
    const opened = await decryptFields(envelope, sealed, ['__proto__'], context);
    expect((opened as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('accepts null-prototype records and leaves absent or undefined fields alone', async () => {
    const record = Object.assign(Object.create(null) as Record<string, unknown>, { a: 'x', u: undefined });
    const row = await encryptFields(envelope, record, ['a', 'u', 'missing'], context);
    expect(row).toStrictEqual({ a: expect.stringMatching(/^sbenc:v1:/), u: undefined });
    expect(Object.hasOwn(row, 'missing')).toBe(false);
    expect(await decryptFields(envelope, row, ['a', 'u', 'missing'], context)).toStrictEqual({
      a: 'x',
      u: undefined,
    });
  });

  describe('refuses tampering', () => {
    it('a field moved to another field name fails with CRYPTO_DECRYPT_FAILED', async () => {
      const row = await encryptFields(envelope, { first: 'Ana', last: 'Silva' }, ['first', 'last'], context);
      const swapped = { first: row.last, last: row.first };
      expect(await codeOf(() => decryptFields(envelope, swapped, ['first', 'last'], context))).toBe(
        'CRYPTO_DECRYPT_FAILED',
      );
      const copied = { first: row.first, last: row.first };
      expect(await codeOf(() => decryptFields(envelope, copied, ['first', 'last'], context))).toBe(
        'CRYPTO_DECRYPT_FAILED',
      );
    });

    it('a field moved to another record or collection fails with CRYPTO_DECRYPT_FAILED', async () => {
      const row = await encryptFields(envelope, { email: 'ana@example.com' }, ['email'], context);
      for (const other of [
        { ...context, recordId: 'u-2' },
        { ...context, collection: 'admins' },
        { ...context, user: 'u-1' },
      ]) {
        expect(await codeOf(() => decryptFields(envelope, row, ['email'], other))).toBe(
          'CRYPTO_DECRYPT_FAILED',
        );
      }
    });

    it('a field copied from another tenant does not open (its key is not in this tenant)', async () => {
      const row = await encryptFields(envelope, { email: 'ana@example.com' }, ['email'], context);
      await encryptFields(envelope, { seed: 'x' }, ['seed'], { ...context, tenant: 'globex' });
      expect(
        await codeOf(() => decryptFields(envelope, row, ['email'], { ...context, tenant: 'globex' })),
      ).toBe('CRYPTO_KEY_NOT_FOUND');
    });

    it('plaintext or garbage in an encrypted field fails with CRYPTO_DECRYPT_FAILED', async () => {
      const row = await encryptFields(envelope, { email: 'ana@example.com' }, ['email'], context);
      const body = row.email.slice(encryptedFieldPrefix.length);
      const flipped = `${body.slice(0, -2)}${body.at(-2) === 'A' ? 'B' : 'A'}${body.at(-1)}`;
      const forgeries: unknown[] = [
        'mallory@example.com',
        42,
        true,
        null,
        { email: 'x' },
        encryptedFieldPrefix,
        `${encryptedFieldPrefix}!!!not base64!!!`,
        `${encryptedFieldPrefix}${body.slice(0, 40)}`,
        `${encryptedFieldPrefix}${flipped}`,
        `sbenc:v2:${body}`,
        body,
      ];
      for (const email of forgeries) {
        expect(
          await codeOf(() =>
            decryptFields<{ email: string }, 'email'>(
              envelope,
              { email } as { email: string },
              ['email'],
              context,
            ),
          ),
        ).toBe('CRYPTO_DECRYPT_FAILED');
      }
    });

    it('a value sealed as another type or malformed inside fails with CRYPTO_DECRYPT_FAILED', async () => {
      const forge = async (plaintext: string): Promise<string> =>
        encryptedFieldPrefix + (await envelope.sealText(plaintext, { ...context, field: 'f' }));
      for (const plaintext of ['', 'x', 'n', 'nabc', 'n1e', 'nNaN', 'nInfinity', 'b', 'btrue', 'j{', 'j']) {
        expect(
          await codeOf(async () => decryptFields(envelope, { f: await forge(plaintext) }, ['f'], context)),
        ).toBe('CRYPTO_DECRYPT_FAILED');
      }
      expect(await decryptFields(envelope, { f: await forge('n-1.5e+3') }, ['f'], context)).toEqual({
        f: -1500,
      });
    });
  });

  describe('refuses what it cannot encrypt faithfully, with ARGUMENT_INVALID', () => {
    class Account {
      email = 'a@example.com';
    }
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const sparse = new Array<number>(3);
    sparse[0] = 1;
    sparse[2] = 3;
    let shared: unknown = 'leaf';
    for (let i = 0; i < 40; i++) shared = [shared, shared]; // 2^40 leaves by reference
    let deep: unknown = 'leaf';
    for (let i = 0; i < 70; i++) deep = { deep };

    it.each([
      ['an array', [1, 2]],
      ['null', null],
      ['a string', 'record'],
      ['a class instance', new Account()],
      ['a Date', new Date()],
      ['a Map', new Map([['email', 'x']])],
      ['an object with a custom prototype', Object.create({ inherited: 1 }) as object],
    ])('a record that is %s', async (_, record) => {
      expect(await codeOf(() => encryptFields(envelope, record as never, ['email'] as never, context))).toBe(
        'ARGUMENT_INVALID',
      );
      expect(await codeOf(() => decryptFields(envelope, record as never, ['email'] as never, context))).toBe(
        'ARGUMENT_INVALID',
      );
    });

    it.each([
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['a bigint', 10n],
      ['a function', () => 1],
      ['a symbol', Symbol('s')],
      ['a Date', new Date(0)],
      ['a nested Date', { when: new Date(0) }],
      ['a nested Map', { m: new Map() }],
      ['a nested function', { toJSON: () => 'forged' }],
      ['a nested undefined', { u: undefined }],
      ['a nested NaN', [1, Number.NaN]],
      ['a sparse array', sparse],
      ['a cycle', cyclic],
      ['nesting deeper than 64', deep],
      ['an exponential graph of shared references', shared],
      ['a lone surrogate', 'bad \uD800'],
      ['a nested lone surrogate', { s: '\uDC00' }],
      ['an already encrypted value', `${encryptedFieldPrefix}abc`],
    ])('a field holding %s', async (_, value) => {
      expect(await codeOf(() => encryptFields(envelope, { f: value }, ['f'], context))).toBe(
        'ARGUMENT_INVALID',
      );
    });

    it('accessor and non-enumerable named fields, and bad field lists', async () => {
      let reads = 0;
      const withGetter = {
        get secret() {
          reads += 1;
          return 'x';
        },
      };
      expect(await codeOf(() => encryptFields(envelope, withGetter, ['secret'], context))).toBe(
        'ARGUMENT_INVALID',
      );
      expect(reads).toBe(0);
      const hidden = Object.defineProperty({}, 'secret', { value: 'x', enumerable: false });
      expect(await codeOf(() => encryptFields(envelope, hidden, ['secret'] as never, context))).toBe(
        'ARGUMENT_INVALID',
      );
      for (const fields of ['email', [''], ['a', 'a'], [42], ['x'.repeat(1025)], ['\uD800']]) {
        expect(await codeOf(() => encryptFields(envelope, { a: 1 }, fields as never, context))).toBe(
          'ARGUMENT_INVALID',
        );
      }
      expect(await codeOf(() => encryptFields(envelope, { a: 1 }, ['a'], null as never))).toBe(
        'ARGUMENT_INVALID',
      );
      // regression: the envelope's AAD encodes unpaired surrogates alike, so such a context could
      // open another record's fields
      for (const bad of [{ recordId: 'u\uD800' }, { tenant: '\uDBFF' }, { user: 'a\uDC00' }]) {
        const other = { ...context, ...bad };
        expect(await codeOf(() => encryptFields(envelope, { a: 1 }, ['a'], other))).toBe('ARGUMENT_INVALID');
        expect(await codeOf(() => decryptFields(envelope, { a: 'sbenc:v1:AAAA' }, ['a'], other))).toBe(
          'ARGUMENT_INVALID',
        );
      }
      expect(await codeOf(() => encryptFields(envelope, { a: 1 }, ['a'], { tenant: 'acme' } as never))).toBe(
        'ARGUMENT_INVALID',
      );
    });
  });
});
