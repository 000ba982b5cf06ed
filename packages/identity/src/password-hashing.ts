import { SecbotError } from '@secbot/core';
import { credentialLimits, isAcceptablePassword } from './internal/credentials.js';
import {
  computeHash,
  hashDiffers,
  parsePasswordHash,
  resolvePasswordHashParams,
  verifyParsed,
} from './internal/password-hash.js';

export { passwordHashDefaults } from './internal/password-hash.js';

/**
 * Argon2id parameters (RFC 9106), computed by libsodium. Parallelism is always 1 (libsodium's
 * `crypto_pwhash_str` is single-lane), which is what OWASP's recommended configurations use.
 */
export interface Argon2idParams {
  readonly algorithm: 'argon2id';
  /** Memory cost in KiB. Default 19,456 (19 MiB), OWASP's recommended minimum with 2 iterations. */
  readonly memoryKiB?: number;
  /** Time cost (passes over memory). Default 2. */
  readonly iterations?: number;
}

/**
 * scrypt parameters (RFC 7914), computed by `node:crypto` (OpenSSL, usable in FIPS deployments
 * where Argon2 is not an approved algorithm).
 */
export interface ScryptParams {
  readonly algorithm: 'scrypt';
  /** CPU/memory cost N, a power of two. Default 2^17 (131,072): OWASP's recommendation. */
  readonly cost?: number;
  /** Block size r. Default 8. */
  readonly blockSize?: number;
  /** Parallelisation p. Default 1. */
  readonly parallelization?: number;
}

/** How to hash a password: Argon2id (the default) or scrypt. */
export type PasswordHashParams = Argon2idParams | ScryptParams;

/**
 * Hash a password for storage, with a fresh random salt.
 *
 * Argon2id (default) runs in libsodium's WebAssembly build on the calling thread, so it blocks the
 * event loop for the duration of one hash (about 30 ms at the defaults on a typical server core);
 * scrypt runs on libuv's thread pool and does not. libsodium is loaded on first use.
 *
 * @param password - The password: 1 to 1,024 UTF-8 bytes, well-formed Unicode. Hashed as its UTF-8
 *   bytes, without normalisation or truncation.
 * @param params - Algorithm and costs; Argon2id with OWASP's parameters when omitted.
 * @returns A self-describing string: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` or
 *   `$scrypt$N=131072,r=8,p=1$<salt>$<hash>` (unpadded base64).
 * @throws SecbotError `ARGUMENT_INVALID` when the password is not acceptable (not a string, empty,
 *   over 1,024 bytes, or holding a lone surrogate); `CONFIG_INVALID` when `params` are out of range;
 *   `INTERNAL` when the hash cannot be computed.
 * @example
 * ```ts
 * import { hashPassword, verifyPassword } from '@secbot/identity';
 *
 * const stored = await hashPassword('correct horse battery staple');
 * await verifyPassword('correct horse battery staple', stored); // true
 * const fips = await hashPassword('correct horse battery staple', { algorithm: 'scrypt' });
 * ```
 */
export async function hashPassword(password: string, params?: PasswordHashParams): Promise<string> {
  const resolved = resolvePasswordHashParams(params);
  if (!isAcceptablePassword(password)) {
    throw new SecbotError(
      'ARGUMENT_INVALID',
      `hashPassword: the password must be a well-formed string of 1 to ${credentialLimits.maxPasswordBytes} UTF-8 bytes`,
    );
  }
  return computeHash(password, resolved);
}

/**
 * Check a password against a stored hash, in time independent of where the two differ.
 *
 * A password that could never have been hashed (not a string, empty, over 1,024 bytes, a lone
 * surrogate) is simply wrong: the result is `false`, quickly, since that depends on the input alone.
 *
 * @param password - What the user typed.
 * @param encoded - A hash from {@link hashPassword} (or any standard single-lane `$argon2id$v=19$`
 *   string within the accepted costs).
 * @returns `true` when the password matches.
 * @throws SecbotError `ARGUMENT_INVALID` when `encoded` is not a recognised hash, or names costs
 *   beyond the accepted bounds (up to 1 GiB of memory); `INTERNAL` when hashing fails.
 * @example
 * ```ts
 * import { hashPassword, verifyPassword } from '@secbot/identity';
 *
 * const stored = await hashPassword('hunter2hunter2');
 * await verifyPassword('hunter2hunter2', stored); // true
 * await verifyPassword('hunter3hunter3', stored); // false
 * ```
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parsePasswordHash(encoded);
  if (parsed === undefined) {
    throw new SecbotError('ARGUMENT_INVALID', 'verifyPassword: not a recognised password hash');
  }
  if (!isAcceptablePassword(password)) return false;
  return verifyParsed(password, encoded, parsed);
}

/**
 * Whether a stored hash should be replaced: it uses another algorithm or other costs than the current
 * parameters (or is not a hash we recognise). Call it after a successful {@link verifyPassword},
 * when the plaintext is at hand, and store `hashPassword(password, current)` instead.
 *
 * @param encoded - The stored hash.
 * @param current - The parameters hashes should have now; Argon2id defaults when omitted.
 * @returns `true` when the hash should be recomputed.
 * @throws SecbotError `CONFIG_INVALID` when `current` is out of range.
 * @example
 * ```ts
 * import { hashPassword, needsRehash } from '@secbot/identity';
 *
 * const old = await hashPassword('hunter2hunter2', { algorithm: 'scrypt' });
 * needsRehash(old, { algorithm: 'argon2id' }); // true: the algorithm changed
 * ```
 */
export function needsRehash(encoded: string, current?: PasswordHashParams): boolean {
  return hashDiffers(encoded, resolvePasswordHashParams(current, 'needsRehash'));
}
