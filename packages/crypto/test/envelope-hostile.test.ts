// Hostile input against createEnvelope, for both algorithms: every single-bit flip and every
// truncation of a sealed message, swapped and moved contexts, a wrong key-encryption key over a
// shared file store, unknown format bytes, random bytes, random prefixes, property-based round
// trips, and errors that must never carry key material or plaintext.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventBus, isSecbotError, type SecbotErrorCode, type SecurityEvent } from '@secbot/core';
import {
  createEnvelope,
  type Envelope,
  fileKeyringStore,
  type KeyringStore,
  localKeyProvider,
  memoryKeyringStore,
  type SealContext,
} from '@secbot/crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

type Algorithm = 'aes-256-gcm' | 'xchacha20-poly1305';
const algorithms: readonly Algorithm[] = ['aes-256-gcm', 'xchacha20-poly1305'];
const algorithmByte: Record<Algorithm, number> = { 'aes-256-gcm': 1, 'xchacha20-poly1305': 2 };
const nonceLength: Record<Algorithm, number> = { 'aes-256-gcm': 12, 'xchacha20-poly1305': 24 };

// Envelope layout: 'S' 'B' version algorithm keyIdLength keyId(34) nonce commitment(32) ct tag(16)
const keyIdStart = 5;
const keyIdLength = 34;
const keyIdEnd = keyIdStart + keyIdLength;
const commitmentLength = 32;
const tagLength = 16;
const keyIdPattern = /^k_[0-9a-f]{32}$/;

const kekBytes = randomBytes(32);
const keyProvider = localKeyProvider({ keys: [{ id: 'kek-1', key: kekBytes }] });

const base: SealContext = { tenant: 'acme', collection: 'transcripts', recordId: 'r-1', field: 'body' };

const temporaryDirs: string[] = [];
afterAll(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

interface Rig {
  readonly envelope: Envelope;
  readonly store: KeyringStore;
  readonly failures: SecurityEvent<'crypto.decrypt_failed'>[];
}

function rig(
  algorithm: Algorithm,
  keyScope: 'tenant' | 'user' = 'tenant',
  store: KeyringStore = memoryKeyringStore(),
): Rig {
  const bus = createEventBus();
  const failures: SecurityEvent<'crypto.decrypt_failed'>[] = [];
  bus.on('crypto.decrypt_failed', (event) => {
    failures.push(event);
  });
  return {
    envelope: createEnvelope({ keyProvider, keyStore: store, algorithm, keyScope, bus }),
    store,
    failures,
  };
}

type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

async function attempt(call: () => unknown): Promise<Outcome> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, error };
  }
}

const describeError = (error: unknown): string =>
  isSecbotError(error)
    ? `SecbotError ${error.code}: ${error.message}`
    : `${String(error)} (not a SecbotError)`;

/** The code a refused call failed with; fails the test if it returned or threw a non-SecbotError. */
async function refusal(call: () => unknown, what: string): Promise<SecbotErrorCode> {
  const outcome = await attempt(call);
  if (outcome.ok)
    throw new Error(`${what}: expected a SecbotError, but it returned ${String(outcome.value)}`);
  if (!isSecbotError(outcome.error)) throw new Error(`${what}: threw ${describeError(outcome.error)}`);
  return outcome.error.code;
}

async function expectRefused(call: () => unknown, code: SecbotErrorCode, what: string): Promise<void> {
  expect(await refusal(call, what), what).toBe(code);
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const flipBit = (bytes: Uint8Array, bit: number): Uint8Array => {
  const out = bytes.slice();
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
  return out;
};

/** The unwrapped data key of a scope's primary, read back through the store and the provider. */
async function primaryDataKey(store: KeyringStore, scope: string): Promise<{ id: string; key: Uint8Array }> {
  const record = (await store.load(scope))?.records.find((r) => r.status === 'primary');
  if (record?.wrapped === undefined || record.kekId === undefined)
    throw new Error(`no primary key in ${scope}`);
  const key = await keyProvider.unwrap(
    { kekId: record.kekId, wrapped: new Uint8Array(Buffer.from(record.wrapped, 'base64')) },
    { keyId: record.id, scope },
  );
  return { id: record.id, key };
}

for (const algorithm of algorithms) {
  const headerLength = keyIdEnd + nonceLength[algorithm] + commitmentLength;
  const regionOf = (byte: number): string => {
    if (byte < 2) return 'magic';
    if (byte === 2) return 'version';
    if (byte === 3) return 'algorithm';
    if (byte === 4) return 'key id length';
    if (byte < keyIdEnd) return 'key id';
    if (byte < keyIdEnd + nonceLength[algorithm]) return 'nonce';
    if (byte < headerLength) return 'commitment';
    if (byte < headerLength + 64) return 'ciphertext';
    return 'tag';
  };

  describe(`createEnvelope (${algorithm}) under hostile input`, () => {
    it('writes the documented layout: SB, version 1, algorithm, 34-byte key id, nonce, commitment, ct||tag', async () => {
      const { envelope, store } = rig(algorithm);
      const sealed = await envelope.seal(new Uint8Array(64), base);
      expect(sealed.byteLength).toBe(headerLength + 64 + tagLength);
      expect([...sealed.subarray(0, 5)]).toEqual([0x53, 0x42, 1, algorithmByte[algorithm], keyIdLength]);
      const { id, key } = await primaryDataKey(store, 'tenant:acme');
      expect(Buffer.from(sealed.subarray(keyIdStart, keyIdEnd)).toString('latin1')).toBe(id);
      expect(envelope.inspect(sealed)).toEqual({ algorithm, keyId: id });
      // the commitment is HMAC-SHA256(data key, label): this also proves `key` is the real data key
      const commitment = createHmac('sha256', key).update('secbot/envelope/v1/key-commitment').digest('hex');
      expect(
        Buffer.from(sealed.subarray(headerLength - commitmentLength, headerLength)).toString('hex'),
      ).toBe(commitment);
    });

    it('refuses every single-bit flip of a sealed 64-byte message with the exact code, never plaintext', async () => {
      const { envelope, failures } = rig(algorithm);
      const plaintext = randomBytes(64);
      const sealed = await envelope.seal(plaintext, base);
      expect(sealed.byteLength).toBe(headerLength + 64 + tagLength);
      const tally = new Map<string, number>();
      const wrong: string[] = [];
      for (let bit = 0; bit < sealed.byteLength * 8; bit++) {
        const tampered = flipBit(sealed, bit);
        const byte = bit >> 3;
        let expected: SecbotErrorCode = 'CRYPTO_DECRYPT_FAILED';
        if (byte >= keyIdStart && byte < keyIdEnd) {
          // a key id that is still well-formed names a key this scope does not have
          const keyId = Buffer.from(tampered.subarray(keyIdStart, keyIdEnd)).toString('latin1');
          if (keyIdPattern.test(keyId)) expected = 'CRYPTO_KEY_NOT_FOUND';
        }
        const outcome = await attempt(() => envelope.open(tampered, base));
        const where = `bit ${bit} (byte ${byte}, ${regionOf(byte)})`;
        if (outcome.ok) wrong.push(`${where}: opened`);
        else if (!isSecbotError(outcome.error, expected))
          wrong.push(`${where}: ${describeError(outcome.error)}, expected ${expected}`);
        const key = `${regionOf(byte)} -> ${expected}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }
      expect(wrong, wrong.slice(0, 20).join('\n')).toEqual([]);
      const bits = (bytes: number) => bytes * 8;
      expect(tally.get('magic -> CRYPTO_DECRYPT_FAILED')).toBe(bits(2));
      expect(tally.get('version -> CRYPTO_DECRYPT_FAILED')).toBe(bits(1));
      expect(tally.get('algorithm -> CRYPTO_DECRYPT_FAILED')).toBe(bits(1));
      expect(tally.get('key id length -> CRYPTO_DECRYPT_FAILED')).toBe(bits(1));
      expect(
        (tally.get('key id -> CRYPTO_KEY_NOT_FOUND') ?? 0) +
          (tally.get('key id -> CRYPTO_DECRYPT_FAILED') ?? 0),
      ).toBe(bits(34));
      expect(tally.get('key id -> CRYPTO_KEY_NOT_FOUND')).toBeGreaterThan(0);
      expect(tally.get('nonce -> CRYPTO_DECRYPT_FAILED')).toBe(bits(nonceLength[algorithm]));
      expect(tally.get('commitment -> CRYPTO_DECRYPT_FAILED')).toBe(bits(32));
      expect(tally.get('ciphertext -> CRYPTO_DECRYPT_FAILED')).toBe(bits(64));
      expect(tally.get('tag -> CRYPTO_DECRYPT_FAILED')).toBe(bits(16));
      // every refusal is reported on the bus, with its code and never the plaintext
      expect(failures).toHaveLength(sealed.byteLength * 8);
      expect(failures.filter((e) => e.code === 'CRYPTO_KEY_NOT_FOUND')).toHaveLength(
        tally.get('key id -> CRYPTO_KEY_NOT_FOUND') ?? -1,
      );
      expect(JSON.stringify(failures)).not.toContain(Buffer.from(plaintext).toString('hex'));
      // nothing above poisoned the cache: the untouched envelope still opens
      expect(Buffer.from(await envelope.open(sealed, base)).equals(plaintext)).toBe(true);
    });

    it('refuses every truncation and an appended byte; opens from a view at an offset', async () => {
      const { envelope } = rig(algorithm);
      const sealed = await envelope.seal(randomBytes(64), base);
      for (let length = 0; length < sealed.byteLength; length++) {
        await expectRefused(
          () => envelope.open(sealed.slice(0, length), base),
          'CRYPTO_DECRYPT_FAILED',
          `truncated to ${length}`,
        );
        await expectRefused(
          () => envelope.open(sealed.subarray(0, length), base),
          'CRYPTO_DECRYPT_FAILED',
          `view of ${length}`,
        );
      }
      const longer = new Uint8Array(sealed.byteLength + 1);
      longer.set(sealed);
      await expectRefused(() => envelope.open(longer, base), 'CRYPTO_DECRYPT_FAILED', 'one byte appended');
      const framed = new Uint8Array(sealed.byteLength + 7);
      framed.set(sealed, 3);
      const view = framed.subarray(3, 3 + sealed.byteLength);
      expect(view.byteOffset).toBe(3);
      expect(text(await envelope.open(view, base))).toBe(text(await envelope.open(sealed, base)));
    });

    it('refuses a swapped context: other record, field, collection, field added or removed, shifted boundaries', async () => {
      const { envelope } = rig(algorithm);
      const sealed = await envelope.seal('the body', base);
      const { field: _field, ...withoutField } = base;
      const swaps: readonly [string, SealContext][] = [
        ['other recordId', { ...base, recordId: 'r-2' }],
        ['other field', { ...base, field: 'title' }],
        ['other collection', { ...base, collection: 'notes' }],
        ['field removed', withoutField],
        ['user added', { ...base, user: 'ana' }],
        ['conversation added', { ...base, conversation: 'c-1' }],
        ['recordId and field swapped', { ...base, recordId: 'body', field: 'r-1' }],
        [
          'boundary shifted between collection and recordId',
          { ...base, collection: 'transcriptsr', recordId: '-1' },
        ],
        ['case changed', { ...base, recordId: 'R-1' }],
        ['trailing NUL', { ...base, recordId: 'r-1\u0000' }],
      ];
      for (const [what, context] of swaps)
        await expectRefused(() => envelope.open(sealed, context), 'CRYPTO_DECRYPT_FAILED', what);
      const bare = await envelope.seal('no field', withoutField);
      await expectRefused(() => envelope.open(bare, base), 'CRYPTO_DECRYPT_FAILED', 'field added');
      expect(text(await envelope.open(sealed, base))).toBe('the body');
      expect(text(await envelope.open(bare, withoutField))).toBe('no field');
    });

    it("refuses a ciphertext moved to another tenant's scope (and another user's, with keyScope user)", async () => {
      const { envelope } = rig(algorithm);
      const sealed = await envelope.seal('acme only', base);
      const globex = { ...base, tenant: 'globex' };
      // globex has no keyring yet, then one of its own: the key id is in neither
      await expectRefused(() => envelope.open(sealed, globex), 'CRYPTO_KEY_NOT_FOUND', 'tenant without keys');
      const own = await envelope.seal('globex data', globex);
      expect(envelope.inspect(own).keyId).not.toBe(envelope.inspect(sealed).keyId);
      await expectRefused(
        () => envelope.open(sealed, globex),
        'CRYPTO_KEY_NOT_FOUND',
        'tenant with its own keys',
      );
      await expectRefused(() => envelope.open(own, base), 'CRYPTO_KEY_NOT_FOUND', 'globex data into acme');

      const perUser = rig(algorithm, 'user').envelope;
      const ana = { ...base, user: 'ana' };
      const bob = { ...base, user: 'bob' };
      const anas = await perUser.seal('ana only', ana);
      await perUser.seal('bob data', bob);
      await expectRefused(() => perUser.open(anas, bob), 'CRYPTO_KEY_NOT_FOUND', "moved to bob's scope");
      expect(text(await perUser.open(anas, ana))).toBe('ana only');
    });

    it('refuses to open or seal with a wrong key-encryption key over a shared file store, leaving it intact', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'secbot-hostile-'));
      temporaryDirs.push(dir);
      const owner = createEnvelope({ keyProvider, keyStore: fileKeyringStore({ dir }), algorithm });
      const sealed = await owner.seal('kept under kek-1', base);
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      const recordsIn = (): unknown =>
        (JSON.parse(readFileSync(join(dir, files[0] as string), 'utf8')) as { records: unknown }).records;
      const before = recordsIn();

      const sameIdOtherKey = localKeyProvider({ keys: [{ id: 'kek-1', key: randomBytes(32) }] });
      const impostor = createEnvelope({
        keyProvider: sameIdOtherKey,
        keyStore: fileKeyringStore({ dir }),
        algorithm,
      });
      await expectRefused(
        () => impostor.open(sealed, base),
        'CRYPTO_DECRYPT_FAILED',
        'open, same KEK id, other key',
      );
      await expectRefused(
        () => impostor.seal('overwrite?', base),
        'CRYPTO_DECRYPT_FAILED',
        'seal, same KEK id, other key',
      );
      await expectRefused(
        () => impostor.rewrapKeys(),
        'CRYPTO_DECRYPT_FAILED',
        'rewrapKeys, same KEK id, other key',
      );

      const otherId = localKeyProvider({ keys: [{ id: 'kek-2', key: randomBytes(32) }] });
      const stranger = createEnvelope({
        keyProvider: otherId,
        keyStore: fileKeyringStore({ dir }),
        algorithm,
      });
      await expectRefused(() => stranger.open(sealed, base), 'CRYPTO_KEY_NOT_FOUND', 'open, unknown KEK id');
      await expectRefused(
        () => stranger.seal('overwrite?', base),
        'CRYPTO_KEY_NOT_FOUND',
        'seal, unknown KEK id',
      );

      expect(readdirSync(dir)).toEqual(files);
      // (rewrapKeys re-saves unchanged records, bumping the revision: only the keys must be intact)
      expect(recordsIn()).toEqual(before);
      const restarted = createEnvelope({ keyProvider, keyStore: fileKeyringStore({ dir }), algorithm });
      expect(text(await restarted.open(sealed, base))).toBe('kept under kek-1');
    });

    it('refuses unknown version, algorithm and magic bytes, and the other known algorithm id', async () => {
      const { envelope } = rig(algorithm);
      const sealed = await envelope.seal('versioned', base);
      const withByte = (index: number, value: number): Uint8Array => {
        const out = sealed.slice();
        out[index] = value;
        return out;
      };
      const variants: readonly [string, Uint8Array][] = [
        ...[0, 2, 3, 0x7f, 0xff].map((v): [string, Uint8Array] => [`version ${v}`, withByte(2, v)]),
        ...[0, 3, 4, 0x7f, 0xff].map((v): [string, Uint8Array] => [`algorithm ${v}`, withByte(3, v)]),
        [
          `algorithm ${3 - algorithmByte[algorithm]} (the other one)`,
          withByte(3, 3 - algorithmByte[algorithm]),
        ],
        ['magic "sB"', withByte(0, 0x73)],
        ['magic "SC"', withByte(1, 0x43)],
        ['key id length 33', withByte(4, 33)],
        ['key id length 255', withByte(4, 255)],
        ['key id length 0', withByte(4, 0)],
      ];
      for (const [what, bytes] of variants) {
        await expectRefused(() => envelope.open(bytes, base), 'CRYPTO_DECRYPT_FAILED', `open: ${what}`);
        await expectRefused(
          () => envelope.openText(Buffer.from(bytes).toString('base64url'), base),
          'CRYPTO_DECRYPT_FAILED',
          `openText: ${what}`,
        );
        if (!what.includes('other one')) {
          await expectRefused(() => envelope.inspect(bytes), 'CRYPTO_DECRYPT_FAILED', `inspect: ${what}`);
        }
      }
      expect(text(await envelope.open(sealed, base))).toBe('versioned');
    });

    it('fast-check: random bytes, header-shaped bytes, prefixes and corruptions only ever fail with a SecbotError', async () => {
      const { envelope } = rig(algorithm);
      const sealed = await envelope.seal(randomBytes(64), base);
      const keyId = envelope.inspect(sealed).keyId;
      const allowed = new Set<SecbotErrorCode>(['CRYPTO_DECRYPT_FAILED', 'CRYPTO_KEY_NOT_FOUND']);
      const refusedWith = async (
        bytes: Uint8Array,
        codes: ReadonlySet<SecbotErrorCode>,
      ): Promise<boolean> => {
        const outcome = await attempt(() => envelope.open(bytes, base));
        return !outcome.ok && isSecbotError(outcome.error) && codes.has(outcome.error.code);
      };

      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), (bytes) => refusedWith(bytes, allowed)),
        { numRuns: 300 },
      );

      const keyIdArb = fc.oneof(
        fc.constant(keyId),
        fc.stringMatching(/^k_[0-9a-f]{32}$/),
        fc.uint8Array({ minLength: 34, maxLength: 34 }).map((b) => Buffer.from(b).toString('latin1')),
      );
      const headerShaped = fc
        .tuple(fc.constantFrom(1, 2), keyIdArb, fc.uint8Array({ minLength: 0, maxLength: 200 }))
        .map(
          ([alg, id, rest]) =>
            new Uint8Array([0x53, 0x42, 1, alg, id.length, ...Buffer.from(id, 'latin1'), ...rest]),
        );
      await fc.assert(
        fc.asyncProperty(headerShaped, (bytes) => refusedWith(bytes, allowed)),
        { numRuns: 300 },
      );

      const decryptFailed = new Set<SecbotErrorCode>(['CRYPTO_DECRYPT_FAILED']);
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: sealed.byteLength - 1 }), (length) =>
          refusedWith(sealed.slice(0, length), decryptFailed),
        ),
        { numRuns: 200 },
      );
      // a valid prefix followed by random bytes
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: sealed.byteLength - 1 }),
          fc.uint8Array({ minLength: 1, maxLength: 100 }),
          async (length, tail) => {
            const bytes = new Uint8Array([...sealed.subarray(0, length), ...tail]);
            return Buffer.from(bytes).equals(Buffer.from(sealed)) || refusedWith(bytes, allowed);
          },
        ),
        { numRuns: 200 },
      );
      // several bytes changed at once
      const edits = fc.array(
        fc.tuple(fc.nat({ max: sealed.byteLength - 1 }), fc.integer({ min: 1, max: 255 })),
        {
          minLength: 1,
          maxLength: 8,
        },
      );
      await fc.assert(
        fc.asyncProperty(edits, async (changes) => {
          const bytes = sealed.slice();
          for (const [index, xor] of changes) bytes[index] = (bytes[index] as number) ^ xor;
          return Buffer.from(bytes).equals(Buffer.from(sealed)) || refusedWith(bytes, allowed);
        }),
        { numRuns: 300 },
      );
      // random text through openText
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (input) => {
          const outcome = await attempt(() => envelope.openText(input, base));
          return !outcome.ok && isSecbotError(outcome.error, 'CRYPTO_DECRYPT_FAILED', 'CRYPTO_KEY_NOT_FOUND');
        }),
        { numRuns: 200 },
      );
    });

    it('refuses values that are not bytes, and bad contexts, with a SecbotError', async () => {
      const { envelope } = rig(algorithm);
      const sealed = await envelope.seal('x', base);
      const notBytes = [
        'SB',
        42,
        null,
        undefined,
        {},
        [0x53, 0x42],
        new ArrayBuffer(200),
      ] as unknown as Uint8Array[];
      for (const value of notBytes) {
        await expectRefused(
          () => envelope.open(value, base),
          'CRYPTO_DECRYPT_FAILED',
          `open(${String(value)})`,
        );
      }
      const badContexts = [
        null,
        {},
        { ...base, tenant: '' },
        { ...base, recordId: undefined },
        { ...base, collection: 7 },
        { ...base, field: '' },
        { ...base, recordId: 'x'.repeat(1025) },
      ] as unknown as SealContext[];
      for (const context of badContexts) {
        await expectRefused(
          () => envelope.seal('x', context),
          'ARGUMENT_INVALID',
          `seal with ${JSON.stringify(context)}`,
        );
        await expectRefused(
          () => envelope.open(sealed, context),
          'ARGUMENT_INVALID',
          `open with ${JSON.stringify(context)}`,
        );
      }
      await expectRefused(() => envelope.seal(42 as unknown as string, base), 'ARGUMENT_INVALID', 'seal(42)');
    });

    it('fast-check: random plaintexts round trip under random contexts (unicode, 1024-character values, __proto__)', async () => {
      const { envelope } = rig(algorithm);
      const value = fc.oneof(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
        fc
          .string({ unit: 'binary', minLength: 1, maxLength: 1024 })
          .map((s) => s.slice(0, 1024))
          .filter((s) => s.length > 0 && !/\p{Surrogate}/u.test(s)),
        fc.string({ unit: 'grapheme-ascii', minLength: 1024, maxLength: 1024 }),
        fc.constantFrom(
          '__proto__',
          'constructor',
          'prototype',
          'toString',
          '😀'.repeat(512),
          'é'.repeat(1024),
          '\u0000',
          '\uD83D\uDE00',
        ),
      );
      const context = fc.record(
        { tenant: value, collection: value, recordId: value, field: value },
        { requiredKeys: ['tenant', 'collection', 'recordId'] },
      );
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), context, async (plaintext, ctx) => {
          const sealed = await envelope.seal(plaintext, ctx);
          const opened = await envelope.open(sealed, { ...ctx });
          expect(Buffer.from(opened).equals(Buffer.from(plaintext))).toBe(true);
        }),
        { numRuns: 150 },
      );
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 200 }), async (message) => {
          const sealedText = await envelope.sealText(message, base);
          expect(sealedText).toMatch(/^[A-Za-z0-9_-]+$/);
          expect(await envelope.openText(sealedText, base)).toBe(message);
        }),
        { numRuns: 100 },
      );
    });

    it('round trips an empty message and a 1 MiB message, and refuses the 1 MiB one with a flipped bit', async () => {
      const { envelope } = rig(algorithm);
      const empty = await envelope.seal(new Uint8Array(0), base);
      expect(empty.byteLength).toBe(headerLength + tagLength);
      expect((await envelope.open(empty, base)).byteLength).toBe(0);
      expect(await envelope.openText(await envelope.sealText('', base), base)).toBe('');

      const large = randomBytes(1024 * 1024);
      const sealed = await envelope.seal(large, base);
      expect(sealed.byteLength).toBe(headerLength + large.byteLength + tagLength);
      expect(Buffer.from(await envelope.open(sealed, base)).equals(large)).toBe(true);
      await expectRefused(
        () => envelope.open(flipBit(sealed, (headerLength + 512 * 1024) * 8 + 3), base),
        'CRYPTO_DECRYPT_FAILED',
        '1 MiB, bit flipped',
      );
    });

    it('keeps key bytes and plaintext out of error messages, JSON, causes and bus events', async () => {
      const { envelope, store, failures } = rig(algorithm);
      const marker = 'PLAINTEXT-MARKER-4111-1111-1111-1111';
      const sealed = await envelope.seal(marker, base);
      const sealedText = await envelope.sealText(marker, base);
      const notUtf8 = await envelope.seal(new Uint8Array([...Buffer.from(marker), 0xff, 0xfe]), base);
      const { key: dataKey } = await primaryDataKey(store, 'tenant:acme');
      const needles = [
        marker,
        Buffer.from(marker).toString('hex'),
        Buffer.from(marker).toString('base64'),
        ...[dataKey, kekBytes].flatMap((key) => [
          Buffer.from(key).toString('hex'),
          Buffer.from(key).toString('base64'),
          Buffer.from(key).toString('base64url'),
        ]),
      ];

      const impostor = createEnvelope({
        keyProvider: localKeyProvider({ keys: [{ id: 'kek-1', key: randomBytes(32) }] }),
        keyStore: store,
        algorithm,
      });
      const cases: readonly [string, () => unknown][] = [
        ['tampered ciphertext', () => envelope.open(flipBit(sealed, (headerLength + 3) * 8), base)],
        ['tampered tag', () => envelope.open(flipBit(sealed, sealed.byteLength * 8 - 1), base)],
        ['other record', () => envelope.open(sealed, { ...base, recordId: 'r-2' })],
        ['other tenant', () => envelope.open(sealed, { ...base, tenant: 'globex' })],
        ['truncated', () => envelope.open(sealed.subarray(0, 60), base)],
        ['openText tampered', () => envelope.openText(`${sealedText.slice(0, -4)}AAAA`, base)],
        ['openText not UTF-8', () => envelope.openText(Buffer.from(notUtf8).toString('base64url'), base)],
        ['wrong KEK', () => impostor.open(sealed, base)],
        ['bad context', () => envelope.open(sealed, { ...base, recordId: '' })],
      ];
      const leaks: string[] = [];
      for (const [what, call] of cases) {
        const outcome = await attempt(call);
        if (outcome.ok) {
          leaks.push(`${what}: did not fail`);
          continue;
        }
        const error = outcome.error;
        if (!isSecbotError(error)) {
          leaks.push(`${what}: ${describeError(error)}`);
          continue;
        }
        const haystacks: string[] = [String(error), JSON.stringify(error), error.message, error.stack ?? ''];
        for (
          let cause: unknown = error.cause;
          cause !== undefined;
          cause = (cause as { cause?: unknown }).cause
        ) {
          haystacks.push(String(cause), cause instanceof Error ? (cause.stack ?? '') : '');
        }
        for (const needle of needles) {
          if (haystacks.some((h) => h.includes(needle)))
            leaks.push(`${what}: error text contains ${needle.slice(0, 12)}...`);
        }
      }
      await envelope.destroy(base, 'test');
      const destroyed = await attempt(() => envelope.open(sealed, base));
      expect(!destroyed.ok && isSecbotError(destroyed.error, 'CRYPTO_KEY_DESTROYED')).toBe(true);
      if (!destroyed.ok) {
        const haystack = `${String(destroyed.error)} ${JSON.stringify(destroyed.error)}`;
        for (const needle of needles)
          if (haystack.includes(needle)) leaks.push(`destroyed: contains ${needle.slice(0, 12)}...`);
      }
      const events = JSON.stringify(failures);
      expect(failures.length).toBeGreaterThanOrEqual(7);
      for (const needle of needles)
        if (events.includes(needle)) leaks.push(`bus event contains ${needle.slice(0, 12)}...`);
      expect(leaks).toEqual([]);
    });
  });
}

describe('createEnvelope: regressions (each was a bug; the test names what broke)', () => {
  // TextEncoder turns every lone surrogate into U+FFFD, so two different record ids used to encode
  // to the same associated data and a ciphertext opened under the other one. Such strings are now
  // refused, at seal and at open.
  it('refuses contexts with lone surrogates, so two different record ids can never encode alike', async () => {
    const { envelope } = rig('aes-256-gcm');
    await expectRefused(
      () => envelope.seal('secret', { ...base, recordId: '\uD800' }),
      'ARGUMENT_INVALID',
      'lone surrogate at seal',
    );
    const sealed = await envelope.seal('secret', base);
    await expectRefused(
      () => envelope.open(sealed, { ...base, recordId: '\uDC00' }),
      'ARGUMENT_INVALID',
      'lone surrogate at open',
    );
    await expectRefused(
      () => envelope.seal('secret', { ...base, tenant: 'a\uDFFF' }),
      'ARGUMENT_INVALID',
      'lone surrogate in the scope',
    );
  });

  // scopeOf used to join `tenant:${tenant}/user:${user}` without escaping, so tenant "a/user:b" with
  // user "c" and tenant "a" with user "b/user:c" shared one keyring: one could shred the other's keys.
  it('keyScope user: a tenant name containing "/user:" cannot reach another scope', async () => {
    const { envelope, store } = rig('aes-256-gcm', 'user');
    const victim = { ...base, tenant: 'a', user: 'b/user:c' };
    const attacker = { ...base, tenant: 'a/user:b', user: 'c' };
    const sealed = await envelope.seal('victim data', victim);
    await envelope.seal('attacker data', attacker).catch(() => undefined);
    expect(await store.scopes()).toHaveLength(2);
    await envelope.destroy(attacker, 'attacker');
    expect(text(await envelope.open(sealed, victim))).toBe('victim data');
  });

  // rotate() used to save a new primary wrapped under its own KEK before unwrapping the ring, and
  // only then fail to load it. A process whose KEK has the right id but the wrong bytes thus
  // commits a key no other process can unwrap; since a keyring loads all-or-nothing, the scope is
  // then unusable for everyone (open, seal, rewrapKeys all fail) until the file is repaired by hand.
  it('rotate() with a wrong KEK over a shared store leaves the scope usable for its owner', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secbot-hostile-'));
    temporaryDirs.push(dir);
    const owner = createEnvelope({ keyProvider, keyStore: fileKeyringStore({ dir }) });
    const sealed = await owner.seal('owner data', base);
    const wrongKek = localKeyProvider({ keys: [{ id: 'kek-1', key: randomBytes(32) }] });
    const impostor = createEnvelope({ keyProvider: wrongKek, keyStore: fileKeyringStore({ dir }) });
    await expectRefused(() => impostor.rotate(base), 'CRYPTO_DECRYPT_FAILED', 'rotate with a wrong KEK');
    const restarted = createEnvelope({ keyProvider, keyStore: fileKeyringStore({ dir }) });
    expect(text(await restarted.open(sealed, base))).toBe('owner data');
  });
});
