import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { parseOptions, SecbotError, type SecretInput, secretList } from '@secbot/core';
import { z } from 'zod';
import { hasUnpairedSurrogate } from './internal/well-formed.js';

/** Options of {@link createBlindIndex}. */
export interface BlindIndexOptions {
  /**
   * The HMAC key: one secret of 32 bytes or more, or several newest first while rotating (text
   * is taken as UTF-8). {@link BlindIndex.index} uses the first; {@link BlindIndex.indexes} all.
   * Keep it apart from the encryption keys: whoever holds it can test guesses against indexes.
   */
  readonly key: SecretInput;
  /**
   * Maps a value to the form that is indexed, so values meant to be equal index alike.
   * Default {@link normalizeIndexValue}: NFKC, lower case, trimmed (right for email addresses,
   * user names, phone numbers already in one format).
   */
  readonly normalize?: (value: string) => string;
  /** Bits of HMAC-SHA256 kept: a multiple of 8 from 32 to 256. Default 128. */
  readonly bits?: number;
}

/** What an index is scoped to: the same value in another tenant or field indexes differently. */
export interface BlindIndexContext {
  /** The tenant. */
  readonly tenant: string;
  /** The field or column indexed, e.g. `email`. */
  readonly field: string;
}

/**
 * Deterministic keyed digests of values, for finding encrypted records by an exact value (e.g.
 * a user by email) without decrypting every row or storing the value in the clear.
 */
export interface BlindIndex {
  /** Bits per index. */
  readonly bits: number;
  /**
   * The index of a value under the current (first) key.
   *
   * @param value - The value (normalised before hashing).
   * @param context - Tenant and field.
   * @returns base64url of the truncated HMAC (`bits / 6` characters, rounded up).
   * @throws SecbotError `ARGUMENT_INVALID` when the value or a context field is not a string
   *   of the allowed length or contains an unpaired surrogate, or `normalize` fails.
   */
  index(value: string, context: BlindIndexContext): string;
  /**
   * The index of a value under every key, current first: while rotating, look a value up with
   * all of them (`WHERE email_idx IN (...)`), and write only {@link BlindIndex.index}.
   *
   * @param value - The value.
   * @param context - Tenant and field.
   * @returns One index per key, in the order the keys were given.
   * @throws SecbotError `ARGUMENT_INVALID` as {@link BlindIndex.index}.
   */
  indexes(value: string, context: BlindIndexContext): string[];
}

const where = 'createBlindIndex';
const label = new TextEncoder().encode('secbot/blind-index/v1');
const maxValueLength = 65_536;
const maxContextLength = 1024;

const optionsSchema = z
  .object({
    key: secretList({ minBytes: 32 }),
    normalize: z
      .custom<(value: string) => string>((v) => typeof v === 'function', 'must be a function')
      .optional(),
    bits: z.number().int().min(32).max(256).multipleOf(8, 'must be a multiple of 8').default(128),
  })
  .strict();

/**
 * The default normaliser: Unicode NFKC (full-width and compatibility forms fold to their plain
 * form), lower case (locale-independent), NFKC again (lower-casing can denormalise), and
 * leading and trailing white space removed. `' Ana@Example.COM '` and `'ana@example.com'` index
 * alike. It does not apply provider rules such as Gmail's ignored dots.
 *
 * @param value - The value.
 * @returns Its normal form.
 * @example
 * ```ts
 * import { normalizeIndexValue } from '@secbot/crypto';
 * normalizeIndexValue(' Ana@ＥＸＡＭＰＬＥ.com '); // 'ana@example.com'
 * ```
 */
export function normalizeIndexValue(value: string): string {
  return value.normalize('NFKC').toLowerCase().normalize('NFKC').trim();
}

/**
 * Create a blind index: HMAC-SHA256 under a secret key over a length-prefixed encoding of a
 * label, the bit length, the tenant, the field and the normalised value, truncated to `bits`.
 * Every part is length-prefixed, so tenant `a` field `bc` and tenant `ab` field `c` never share
 * an input: indexes of different tenants or fields are unrelated by construction.
 *
 * What it leaks: equality. Anyone who can read the index column learns which records share a
 * value within a tenant and field (and so value frequencies: the most common index is probably
 * the most common value). Without the key, indexes reveal nothing else and cannot be tested
 * against guesses; with the key, a low-entropy value (a birth year, a yes/no) can be found by
 * trying every candidate, so index only values with enough variety, and keep the key apart
 * from the data.
 *
 * Truncation trades that leak against false positives. With `b` bits and `n` distinct values
 * in a tenant and field, a lookup matches a wrong record with probability about `n / 2^b`.
 * 128 bits (the default) makes false positives negligible, so an index match is equality. A
 * short index (e.g. 32 bits with millions of rows) makes several values share each index:
 * equality is blurred into buckets, at the price of fetching and decrypting a few extra rows
 * per lookup and comparing the plaintext. Always compare after decrypting if `bits` is small.
 *
 * @param options - Key (or keys, newest first), normaliser and bits.
 * @returns The blind index.
 * @throws SecbotError `CONFIG_INVALID` naming `key` (missing, or shorter than 32 bytes),
 *   `bits` (not a multiple of 8 in 32-256) or `normalize` (not a function).
 * @example
 * ```ts
 * import { createBlindIndex } from '@secbot/crypto';
 *
 * const emails = createBlindIndex({ key: process.env.EMAIL_INDEX_KEY ?? '' });
 * const emailIdx = emails.index('Ana@Example.com', { tenant: 'acme', field: 'email' });
 * // store emailIdx beside the encrypted email; find the user with WHERE email_idx = $1
 * ```
 */
export function createBlindIndex(options: BlindIndexOptions): BlindIndex {
  const config = parseOptions(optionsSchema, options, where);
  const keys: readonly KeyObject[] = config.key.map((secret) => createSecretKey(secret));
  const normalize = config.normalize ?? normalizeIndexValue;
  const bytes = config.bits / 8;
  const bitsByte = Uint8Array.of(config.bits - 1);

  const message = (value: unknown, context: unknown): Buffer[] => {
    if (context === null || typeof context !== 'object') throw invalid('context is required');
    const { tenant, field } = context as Partial<BlindIndexContext>;
    checkText(tenant, 'context.tenant', 1, maxContextLength);
    checkText(field, 'context.field', 1, maxContextLength);
    checkText(value, 'value', 0, maxValueLength);
    let normal: unknown;
    try {
      normal = normalize(value);
    } catch (cause) {
      if (cause instanceof SecbotError) throw cause;
      throw new SecbotError('ARGUMENT_INVALID', `${where}: normalize threw`, { cause });
    }
    if (typeof normal !== 'string') throw invalid('normalize must return a string');
    checkText(normal, 'normalised value', 0, maxValueLength * 18); // NFKC expands at most 18-fold
    return [Buffer.from(label), Buffer.from(bitsByte), ...[tenant, field, normal].map(lengthPrefixed)];
  };

  const digest = (key: KeyObject, parts: readonly Buffer[]): string => {
    const hmac = createHmac('sha256', key);
    for (const part of parts) hmac.update(part);
    return hmac.digest().subarray(0, bytes).toString('base64url');
  };

  return {
    bits: config.bits,
    index(value, context) {
      return digest(keys[0] as KeyObject, message(value, context));
    },
    indexes(value, context) {
      const parts = message(value, context);
      return keys.map((key) => digest(key, parts));
    },
  };
}

function invalid(message: string): SecbotError {
  return new SecbotError('ARGUMENT_INVALID', `${where}: ${message}`);
}

function checkText(value: unknown, what: string, min: number, max: number): asserts value is string {
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    throw invalid(`${what} must be a string of ${min}-${max} characters`);
  }
  if (hasUnpairedSurrogate(value)) throw invalid(`${what} contains an unpaired surrogate`);
}

/** 4-byte big-endian length of the UTF-8 bytes, then the bytes. */
function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(4 + bytes.byteLength);
  out.writeUInt32BE(bytes.byteLength, 0);
  bytes.copy(out, 4);
  return out;
}
