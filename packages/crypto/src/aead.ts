import { createCipheriv, createDecipheriv } from 'node:crypto';
import { SecbotError } from '@secbot/core';
import { loadSodium, sodiumIfLoaded } from './internal/sodium.js';

/** The AEAD algorithms secbot offers. */
export type AeadName = 'aes-256-gcm' | 'chacha20-poly1305' | 'xchacha20-poly1305';

/**
 * One AEAD algorithm with explicit key, nonce and associated data, for interoperability and
 * test vectors. Results and arguments are `Uint8Array`. A call returns its result directly, or a
 * Promise while libsodium is still loading (the ChaCha algorithms); `await` works for both.
 * Nonce management is the caller's: never reuse a nonce with the same key. The envelope API
 * (`createEnvelope`) does all of that for you.
 */
export interface Aead {
  /** Algorithm name. */
  readonly name: AeadName;
  /** Key length in bytes (32). */
  readonly keyLength: number;
  /** Nonce length in bytes (12, or 24 for XChaCha20-Poly1305). */
  readonly nonceLength: number;
  /** Tag length in bytes (16), appended to the ciphertext. */
  readonly tagLength: number;
  /**
   * Encrypt and authenticate.
   *
   * @param key - 32-byte key.
   * @param nonce - Nonce of {@link Aead.nonceLength} bytes, unique per key.
   * @param plaintext - Data to encrypt.
   * @param aad - Associated data, authenticated but not encrypted.
   * @returns `ciphertext || tag`.
   * @throws SecbotError `ARGUMENT_INVALID` for a key or nonce of the wrong length or type.
   */
  encrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array | Promise<Uint8Array>;
  /**
   * Verify and decrypt.
   *
   * @param key - 32-byte key.
   * @param nonce - The nonce used to encrypt.
   * @param sealed - `ciphertext || tag`.
   * @param aad - The associated data used to encrypt.
   * @returns The plaintext.
   * @throws SecbotError `CRYPTO_DECRYPT_FAILED` for anything that does not verify (wrong key, nonce,
   *   AAD, tag, truncation or argument sizes); the message never contains key or plaintext.
   */
  decrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    sealed: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array | Promise<Uint8Array>;
}

const tagLength = 16;
const empty = new Uint8Array(0);

function checkEncryptArgs(
  name: AeadName,
  nonceLength: number,
  key: unknown,
  nonce: unknown,
  plaintext: unknown,
  aad: unknown,
): void {
  const bad = (what: string) => {
    throw new SecbotError('ARGUMENT_INVALID', `${name}: ${what}`);
  };
  if (!(key instanceof Uint8Array) || key.byteLength !== 32) bad('key must be 32 bytes');
  if (!(nonce instanceof Uint8Array) || nonce.byteLength !== nonceLength)
    bad(`nonce must be ${nonceLength} bytes`);
  if (!(plaintext instanceof Uint8Array)) bad('plaintext must be a Uint8Array');
  if (aad !== undefined && !(aad instanceof Uint8Array)) bad('aad must be a Uint8Array');
}

function decryptFailed(name: AeadName, cause?: unknown): SecbotError {
  return new SecbotError(
    'CRYPTO_DECRYPT_FAILED',
    `${name}: ciphertext did not verify`,
    cause === undefined ? {} : { cause },
  );
}

function validDecryptArgs(
  nonceLength: number,
  key: unknown,
  nonce: unknown,
  sealed: unknown,
  aad: unknown,
): boolean {
  return (
    key instanceof Uint8Array &&
    key.byteLength === 32 &&
    nonce instanceof Uint8Array &&
    nonce.byteLength === nonceLength &&
    sealed instanceof Uint8Array &&
    sealed.byteLength >= tagLength &&
    (aad === undefined || aad instanceof Uint8Array)
  );
}

/**
 * AES-256-GCM into a caller's buffer: `ciphertext || tag` written at `offset` (room for
 * `plaintext.byteLength + 16` bytes). Arguments are not checked here: callers check them.
 */
export function aesGcmEncryptInto(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array | undefined,
  out: Uint8Array,
  offset: number,
): void {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: tagLength });
  if (aad !== undefined && aad.byteLength > 0) cipher.setAAD(aad);
  const head = cipher.update(plaintext);
  const tail = cipher.final();
  out.set(head, offset);
  out.set(tail, offset + head.byteLength);
  out.set(cipher.getAuthTag(), offset + head.byteLength + tail.byteLength);
}

const aes256gcm: Aead = {
  name: 'aes-256-gcm',
  keyLength: 32,
  nonceLength: 12,
  tagLength,
  encrypt(key, nonce, plaintext, aad) {
    checkEncryptArgs('aes-256-gcm', 12, key, nonce, plaintext, aad);
    const out = new Uint8Array(plaintext.byteLength + tagLength);
    aesGcmEncryptInto(key, nonce, plaintext, aad, out, 0);
    return out;
  },
  decrypt(key, nonce, sealed, aad) {
    if (!validDecryptArgs(12, key, nonce, sealed, aad)) throw decryptFailed('aes-256-gcm');
    const split = sealed.byteLength - tagLength;
    try {
      // authTagLength pins the tag to 16 bytes: a truncated tag can never be accepted
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: tagLength });
      decipher.setAuthTag(sealed.subarray(split));
      if (aad !== undefined && aad.byteLength > 0) decipher.setAAD(aad);
      const head = decipher.update(sealed.subarray(0, split));
      const tail = decipher.final();
      // a plain Uint8Array view, like the libsodium algorithms return (no copy)
      if (tail.byteLength === 0) return new Uint8Array(head.buffer, head.byteOffset, head.byteLength);
      const out = new Uint8Array(head.byteLength + tail.byteLength);
      out.set(head, 0);
      out.set(tail, head.byteLength);
      return out;
    } catch (cause) {
      throw decryptFailed('aes-256-gcm', cause);
    }
  },
};

type SodiumAead = {
  encrypt: 'crypto_aead_chacha20poly1305_ietf_encrypt' | 'crypto_aead_xchacha20poly1305_ietf_encrypt';
  decrypt: 'crypto_aead_chacha20poly1305_ietf_decrypt' | 'crypto_aead_xchacha20poly1305_ietf_decrypt';
};

function sodiumAead(name: AeadName, nonceLength: number, fns: SodiumAead): Aead {
  const encryptNow = (
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array => {
    const sodium = sodiumIfLoaded();
    if (sodium === undefined) throw new SecbotError('INTERNAL', `${name}: libsodium is not loaded`);
    return sodium[fns.encrypt](plaintext, aad ?? empty, null, nonce, key);
  };
  const decryptNow = (
    key: Uint8Array,
    nonce: Uint8Array,
    sealed: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array => {
    const sodium = sodiumIfLoaded();
    if (sodium === undefined) throw new SecbotError('INTERNAL', `${name}: libsodium is not loaded`);
    try {
      return sodium[fns.decrypt](null, sealed, aad ?? empty, nonce, key);
    } catch (cause) {
      throw decryptFailed(name, cause);
    }
  };
  return {
    name,
    keyLength: 32,
    nonceLength,
    tagLength,
    encrypt(key, nonce, plaintext, aad) {
      checkEncryptArgs(name, nonceLength, key, nonce, plaintext, aad);
      if (sodiumIfLoaded() !== undefined) return encryptNow(key, nonce, plaintext, aad);
      return loadSodium().then(() => encryptNow(key, nonce, plaintext, aad));
    },
    decrypt(key, nonce, sealed, aad) {
      if (!validDecryptArgs(nonceLength, key, nonce, sealed, aad)) throw decryptFailed(name);
      if (sodiumIfLoaded() !== undefined) return decryptNow(key, nonce, sealed, aad);
      return loadSodium().then(() => decryptNow(key, nonce, sealed, aad));
    },
  };
}

/**
 * The AEAD primitives: AES-256-GCM (node:crypto, FIPS-approved), ChaCha20-Poly1305 and
 * XChaCha20-Poly1305 (libsodium). Checked against every applicable Project Wycheproof vector.
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { aead } from '@secbot/crypto';
 *
 * const key = randomBytes(32);
 * const nonce = randomBytes(12);
 * const sealed = await aead.aes256gcm.encrypt(key, nonce, new TextEncoder().encode('hi'), new TextEncoder().encode('record-7'));
 * const plain = await aead.aes256gcm.decrypt(key, nonce, sealed, new TextEncoder().encode('record-7'));
 * ```
 */
export const aead = {
  /** AES-256-GCM, 12-byte nonce, 16-byte tag. */
  aes256gcm: aes256gcm,
  /** ChaCha20-Poly1305 (RFC 8439, IETF variant), 12-byte nonce, 16-byte tag. */
  chacha20poly1305: sodiumAead('chacha20-poly1305', 12, {
    encrypt: 'crypto_aead_chacha20poly1305_ietf_encrypt',
    decrypt: 'crypto_aead_chacha20poly1305_ietf_decrypt',
  }),
  /** XChaCha20-Poly1305, 24-byte nonce (safe to pick at random), 16-byte tag. */
  xchacha20poly1305: sodiumAead('xchacha20-poly1305', 24, {
    encrypt: 'crypto_aead_xchacha20poly1305_ietf_encrypt',
    decrypt: 'crypto_aead_xchacha20poly1305_ietf_decrypt',
  }),
} as const satisfies Record<string, Aead>;

/**
 * Load libsodium now rather than on first use, so every later ChaCha call is synchronous.
 *
 * @returns A promise that resolves once libsodium is ready.
 * @example
 * ```ts
 * import { ready } from '@secbot/crypto';
 * await ready();
 * ```
 */
export async function ready(): Promise<void> {
  await loadSodium();
}
