// Published known-answer vectors for the three AEADs, typed out from their specifications, and
// the argument-misuse contract of the `aead` API: encrypt refuses misuse as ARGUMENT_INVALID,
// decrypt refuses anything that does not verify (sizes included) as CRYPTO_DECRYPT_FAILED.
import { isSecbotError, type SecbotErrorCode } from '@secbot/core';
import { type Aead, aead, ready } from '@secbot/crypto';
import { describe, expect, it } from 'vitest';

const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
const hex = (value: Uint8Array): string => Buffer.from(value).toString('hex');
const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

interface KnownAnswer {
  readonly source: string;
  readonly cipher: Aead;
  readonly key: string;
  readonly nonce: string;
  readonly aad: string;
  readonly plaintext: Uint8Array;
  readonly ciphertext: string;
  readonly tag: string;
}

const sunscreen = ascii(
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
);
const key80to9f = '808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f';
const gcmKey = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308';
const gcmPlaintext15 =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
  '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const gcmCiphertext15 =
  '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
  '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad';

const knownAnswers: readonly KnownAnswer[] = [
  {
    source: 'RFC 8439 section 2.8.2 (ChaCha20-Poly1305)',
    cipher: aead.chacha20poly1305,
    key: key80to9f,
    nonce: '070000004041424344454647',
    aad: '50515253c0c1c2c3c4c5c6c7',
    plaintext: sunscreen,
    ciphertext:
      'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6' +
      '3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36' +
      '92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc' +
      '3ff4def08e4b7a9de576d26586cec64b6116',
    tag: '1ae10b594f09e26a7e902ecbd0600691',
  },
  {
    source: 'draft-irtf-cfrg-xchacha A.3.1 (XChaCha20-Poly1305)',
    cipher: aead.xchacha20poly1305,
    key: key80to9f,
    nonce: '404142434445464748494a4b4c4d4e4f5051525354555657',
    aad: '50515253c0c1c2c3c4c5c6c7',
    plaintext: sunscreen,
    ciphertext:
      'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb' +
      '731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452' +
      '2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9' +
      '21f9664c97637da9768812f615c68b13b52e',
    tag: 'c0875924c1c7987947deafd8780acf49',
  },
  {
    source: 'GCM spec (McGrew-Viega) test case 13: AES-256, zero key, empty plaintext',
    cipher: aead.aes256gcm,
    key: '00'.repeat(32),
    nonce: '00'.repeat(12),
    aad: '',
    plaintext: new Uint8Array(0),
    ciphertext: '',
    tag: '530f8afbc74536b9a963b4f1c4cb738b',
  },
  {
    source: 'GCM spec (McGrew-Viega) test case 14: AES-256, zero key, one zero block',
    cipher: aead.aes256gcm,
    key: '00'.repeat(32),
    nonce: '00'.repeat(12),
    aad: '',
    plaintext: new Uint8Array(16),
    ciphertext: 'cea7403d4d606b6e074ec5d3baf39d18',
    tag: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  {
    source: 'GCM spec (McGrew-Viega) test case 15: AES-256, no AAD',
    cipher: aead.aes256gcm,
    key: gcmKey,
    nonce: 'cafebabefacedbaddecaf888',
    aad: '',
    plaintext: bytes(gcmPlaintext15),
    ciphertext: gcmCiphertext15,
    tag: 'b094dac5d93471bdec1a502270e3cc6c',
  },
  {
    source: 'GCM spec (McGrew-Viega) test case 16: AES-256 with AAD, 60-byte plaintext',
    cipher: aead.aes256gcm,
    key: gcmKey,
    nonce: 'cafebabefacedbaddecaf888',
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    plaintext: bytes(gcmPlaintext15.slice(0, 120)),
    ciphertext: gcmCiphertext15.slice(0, 120),
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
];

const ciphers: readonly Aead[] = [aead.aes256gcm, aead.chacha20poly1305, aead.xchacha20poly1305];

type Outcome =
  | { readonly ok: true; readonly value: Uint8Array }
  | { readonly ok: false; readonly error: unknown };

/** Run an AEAD call that may return, return a Promise, throw, or reject, and say which. */
async function attempt(call: () => Uint8Array | Promise<Uint8Array>): Promise<Outcome> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Assert that a call is refused with exactly `code`, and never yields bytes. */
async function expectRefused(
  call: () => Uint8Array | Promise<Uint8Array>,
  code: SecbotErrorCode,
  what: string,
): Promise<void> {
  const outcome = await attempt(call);
  if (outcome.ok) throw new Error(`${what}: expected ${code}, but it returned ${hex(outcome.value)}`);
  expect(
    isSecbotError(outcome.error, code),
    `${what}: expected SecbotError ${code}, got ${String(outcome.error)}`,
  ).toBe(true);
}

describe('aead known answers', () => {
  it('ChaCha calls return a value or a Promise before ready(), and a plain value after it', async () => {
    const vector = knownAnswers[0] as KnownAnswer;
    const early = vector.cipher.encrypt(
      bytes(vector.key),
      bytes(vector.nonce),
      vector.plaintext,
      bytes(vector.aad),
    );
    expect(early instanceof Promise || early instanceof Uint8Array).toBe(true);
    expect(hex(await early)).toBe(vector.ciphertext + vector.tag);
    await ready();
    const late = vector.cipher.encrypt(
      bytes(vector.key),
      bytes(vector.nonce),
      vector.plaintext,
      bytes(vector.aad),
    );
    expect(late).toBeInstanceOf(Uint8Array);
    expect(hex(late as Uint8Array)).toBe(vector.ciphertext + vector.tag);
  });

  for (const vector of knownAnswers) {
    it(`${vector.source}: encrypts to the published ciphertext and tag, and decrypts back`, async () => {
      const sealed = await vector.cipher.encrypt(
        bytes(vector.key),
        bytes(vector.nonce),
        vector.plaintext,
        bytes(vector.aad),
      );
      expect(hex(sealed)).toBe(vector.ciphertext + vector.tag);
      const opened = await vector.cipher.decrypt(
        bytes(vector.key),
        bytes(vector.nonce),
        sealed,
        bytes(vector.aad),
      );
      expect(hex(opened)).toBe(hex(vector.plaintext));
    });

    it(`${vector.source}: every tag bit, a wrong AAD, nonce or key, and every truncation are refused`, async () => {
      const key = bytes(vector.key);
      const nonce = bytes(vector.nonce);
      const aad = bytes(vector.aad);
      const sealed = bytes(vector.ciphertext + vector.tag);
      for (let bit = 0; bit < sealed.byteLength * 8; bit++) {
        const tampered = sealed.slice();
        tampered[bit >> 3] = (tampered[bit >> 3] as number) ^ (1 << (bit & 7));
        await expectRefused(
          () => vector.cipher.decrypt(key, nonce, tampered, aad),
          'CRYPTO_DECRYPT_FAILED',
          `bit ${bit} flipped`,
        );
      }
      for (let length = 0; length < sealed.byteLength; length++) {
        await expectRefused(
          () => vector.cipher.decrypt(key, nonce, sealed.subarray(0, length), aad),
          'CRYPTO_DECRYPT_FAILED',
          `truncated to ${length} bytes`,
        );
      }
      const otherAad = aad.byteLength === 0 ? new Uint8Array([0]) : aad.subarray(1);
      await expectRefused(
        () => vector.cipher.decrypt(key, nonce, sealed, otherAad),
        'CRYPTO_DECRYPT_FAILED',
        'other AAD',
      );
      const otherNonce = nonce.slice();
      otherNonce[0] = (otherNonce[0] as number) ^ 1;
      await expectRefused(
        () => vector.cipher.decrypt(key, otherNonce, sealed, aad),
        'CRYPTO_DECRYPT_FAILED',
        'other nonce',
      );
      const otherKey = key.slice();
      otherKey[31] = (otherKey[31] as number) ^ 0x80;
      await expectRefused(
        () => vector.cipher.decrypt(otherKey, nonce, sealed, aad),
        'CRYPTO_DECRYPT_FAILED',
        'other key',
      );
    });
  }

  it('GCM test case 16: a tag truncated to 4-15 bytes is never accepted, even with the matching ciphertext', async () => {
    // node:crypto accepts short GCM tags unless authTagLength is pinned; the API must not.
    const vector = knownAnswers[5] as KnownAnswer;
    for (let tagBytes = 0; tagBytes < 16; tagBytes++) {
      const shortened = bytes(vector.ciphertext + vector.tag.slice(0, tagBytes * 2));
      await expectRefused(
        () => aead.aes256gcm.decrypt(bytes(vector.key), bytes(vector.nonce), shortened, bytes(vector.aad)),
        'CRYPTO_DECRYPT_FAILED',
        `tag of ${tagBytes} bytes`,
      );
    }
    // an empty plaintext: the whole message is the tag, so truncations are shorter than a tag
    const empty = knownAnswers[2] as KnownAnswer;
    for (let tagBytes = 0; tagBytes < 16; tagBytes++) {
      await expectRefused(
        () =>
          aead.aes256gcm.decrypt(
            bytes(empty.key),
            bytes(empty.nonce),
            bytes(empty.tag.slice(0, tagBytes * 2)),
          ),
        'CRYPTO_DECRYPT_FAILED',
        `bare tag of ${tagBytes} bytes`,
      );
    }
  });

  it('absent AAD and empty AAD are the same associated data', async () => {
    for (const cipher of ciphers) {
      const key = new Uint8Array(32).fill(7);
      const nonce = new Uint8Array(cipher.nonceLength).fill(9);
      const plaintext = ascii('same either way');
      const withoutAad = await cipher.encrypt(key, nonce, plaintext);
      const withEmptyAad = await cipher.encrypt(key, nonce, plaintext, new Uint8Array(0));
      expect(hex(withoutAad)).toBe(hex(withEmptyAad));
      expect(hex(await cipher.decrypt(key, nonce, withoutAad, new Uint8Array(0)))).toBe(hex(plaintext));
      expect(withoutAad.byteLength).toBe(plaintext.byteLength + cipher.tagLength);
    }
  });

  it('describes each algorithm: 32-byte key, 16-byte tag, 12 or 24-byte nonce', () => {
    expect(ciphers.map((c) => [c.name, c.keyLength, c.nonceLength, c.tagLength])).toEqual([
      ['aes-256-gcm', 32, 12, 16],
      ['chacha20-poly1305', 32, 12, 16],
      ['xchacha20-poly1305', 32, 24, 16],
    ]);
  });
});

describe('aead argument misuse', () => {
  const wrongKeyLengths = [0, 16, 24, 31, 33, 64];

  for (const cipher of ciphers) {
    const goodKey = new Uint8Array(32).fill(1);
    const goodNonce = new Uint8Array(cipher.nonceLength).fill(2);
    const wrongNonceLengths = [
      0,
      8,
      cipher.nonceLength - 1,
      cipher.nonceLength + 1,
      cipher.nonceLength === 12 ? 24 : 12,
    ];
    const plaintext = ascii('misuse');

    it(`${cipher.name}: encrypt refuses wrong key and nonce lengths and non-byte arguments as ARGUMENT_INVALID`, async () => {
      for (const length of wrongKeyLengths) {
        await expectRefused(
          () => cipher.encrypt(new Uint8Array(length), goodNonce, plaintext),
          'ARGUMENT_INVALID',
          `key of ${length} bytes`,
        );
      }
      for (const length of wrongNonceLengths) {
        await expectRefused(
          () => cipher.encrypt(goodKey, new Uint8Array(length), plaintext),
          'ARGUMENT_INVALID',
          `nonce of ${length} bytes`,
        );
      }
      const notBytes = [ascii('x').buffer, 'a string', [1, 2, 3], null, undefined] as unknown as Uint8Array[];
      for (const value of notBytes) {
        await expectRefused(
          () => cipher.encrypt(value, goodNonce, plaintext),
          'ARGUMENT_INVALID',
          `key ${String(value)}`,
        );
        await expectRefused(
          () => cipher.encrypt(goodKey, value, plaintext),
          'ARGUMENT_INVALID',
          `nonce ${String(value)}`,
        );
        await expectRefused(
          () => cipher.encrypt(goodKey, goodNonce, value),
          'ARGUMENT_INVALID',
          `plaintext ${String(value)}`,
        );
      }
      await expectRefused(
        () => cipher.encrypt(goodKey, goodNonce, plaintext, 'aad' as unknown as Uint8Array),
        'ARGUMENT_INVALID',
        'aad as a string',
      );
    });

    it(`${cipher.name}: decrypt refuses wrong key and nonce lengths, short and non-byte input as CRYPTO_DECRYPT_FAILED`, async () => {
      const sealed = await cipher.encrypt(goodKey, goodNonce, plaintext, ascii('aad'));
      expect(hex(await cipher.decrypt(goodKey, goodNonce, sealed, ascii('aad')))).toBe(hex(plaintext));
      for (const length of wrongKeyLengths) {
        const key = new Uint8Array(length).fill(1);
        await expectRefused(
          () => cipher.decrypt(key, goodNonce, sealed, ascii('aad')),
          'CRYPTO_DECRYPT_FAILED',
          `key of ${length} bytes`,
        );
      }
      for (const length of wrongNonceLengths) {
        const nonce = new Uint8Array(length).fill(2);
        await expectRefused(
          () => cipher.decrypt(goodKey, nonce, sealed, ascii('aad')),
          'CRYPTO_DECRYPT_FAILED',
          `nonce of ${length} bytes`,
        );
      }
      await expectRefused(
        () => cipher.decrypt(goodKey, goodNonce, new Uint8Array(15)),
        'CRYPTO_DECRYPT_FAILED',
        '15-byte sealed',
      );
      await expectRefused(
        () => cipher.decrypt(goodKey, goodNonce, new Uint8Array(0)),
        'CRYPTO_DECRYPT_FAILED',
        'empty sealed',
      );
      await expectRefused(
        () => cipher.decrypt(goodKey, goodNonce, new Uint8Array(16)),
        'CRYPTO_DECRYPT_FAILED',
        '16 zero bytes',
      );
      await expectRefused(
        () => cipher.decrypt(goodKey, goodNonce, sealed.subarray(0, 15), ascii('aad')),
        'CRYPTO_DECRYPT_FAILED',
        'first 15 bytes',
      );
      const notBytes = ['a string', [1, 2, 3], null, undefined] as unknown as Uint8Array[];
      for (const value of notBytes) {
        await expectRefused(
          () => cipher.decrypt(goodKey, goodNonce, value),
          'CRYPTO_DECRYPT_FAILED',
          `sealed ${String(value)}`,
        );
        await expectRefused(
          () => cipher.decrypt(value, goodNonce, sealed),
          'CRYPTO_DECRYPT_FAILED',
          `key ${String(value)}`,
        );
      }
      await expectRefused(
        () => cipher.decrypt(goodKey, goodNonce, sealed, 'aad' as unknown as Uint8Array),
        'CRYPTO_DECRYPT_FAILED',
        'aad as a string',
      );
    });

    it(`${cipher.name}: decrypt errors name neither the key nor the plaintext`, async () => {
      const key = new Uint8Array(32).fill(0xab);
      const secret = ascii('PLAINTEXT-MARKER-7c1f');
      const sealed = await cipher.encrypt(key, goodNonce, secret);
      const tampered = sealed.slice();
      tampered[0] = (tampered[0] as number) ^ 1;
      const outcome = await attempt(() => cipher.decrypt(key, goodNonce, tampered));
      expect(outcome.ok).toBe(false);
      if (outcome.ok) return;
      const text = `${String(outcome.error)} ${JSON.stringify(outcome.error)}`;
      expect(text).toContain('CRYPTO_DECRYPT_FAILED');
      for (const needle of [
        'PLAINTEXT-MARKER',
        Buffer.from(key).toString('hex'),
        Buffer.from(key).toString('base64'),
      ]) {
        expect(text).not.toContain(needle);
      }
    });
  }
});
