import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { parseOptions, type SecretInput, secretList } from '@secbot/core';
import { z } from 'zod';
import type { Operator } from './operator.js';

const hashOptionsSchema = z
  .object({
    secret: secretList({ minBytes: 32 }),
    hexLength: z.number().int().min(8).max(64).default(12),
  })
  .strict();

/** Options of {@link hashOperator}. */
export interface HashOperatorOptions {
  /**
   * The HMAC key, at least 32 bytes; several, newest first, while a key rotates: the first makes
   * the replacements, {@link HashOperator.candidates} gives one per key.
   */
  readonly secret: SecretInput;
  /** Hex digits of the HMAC kept in the replacement (8 to 64). Default 12 (48 bits). */
  readonly hexLength?: number;
}

/** The keyed-hash operator: {@link Operator} plus the replacements under every key. */
export interface HashOperator extends Operator {
  /**
   * What {@link Operator.replace} gives for the value under each secret, newest first: match
   * replacements made before a rotation against all of them.
   *
   * @param value - The value.
   * @param type - Its type.
   */
  candidates(value: string, type: string): string[];
}

/**
 * Replace each value with its type and a keyed hash: `<EMAIL:3f2a9c1d0b7e>`, the first
 * `hexLength` hex digits of HMAC-SHA256(secret, type NUL value). Equal values of the same type give
 * equal replacements, so records stay linkable, but without the key a value cannot be confirmed by
 * hashing guesses. The value is hashed exactly as found (no case folding or normalisation).
 *
 * @param options - The secret (rotatable) and the hash length.
 * @returns The operator.
 * @throws SecbotError `CONFIG_INVALID` for a missing or short secret (the secret is never quoted).
 * @example
 * ```ts
 * import { hashOperator } from '@secbot/privacy';
 *
 * const hash = hashOperator({ secret: process.env.PII_HASH_KEY ?? 'x'.repeat(32) });
 * hash.replace('ann@x.test', 'EMAIL'); // '<EMAIL:…12 hex digits…>'
 * ```
 */
export function hashOperator(options: HashOperatorOptions): HashOperator {
  const { secret, hexLength } = parseOptions(hashOptionsSchema, options, 'hashOperator');
  const keys: KeyObject[] = secret.map((bytes) => createSecretKey(bytes));
  const hashWith = (key: KeyObject, value: string, type: string): string =>
    `<${type}:${createHmac('sha256', key).update(type).update('\u0000').update(value).digest('hex').slice(0, hexLength)}>`;
  const primary = keys[0] as KeyObject;
  return {
    name: 'hash',
    replace: (value, type) => hashWith(primary, value, type),
    candidates: (value, type) => keys.map((key) => hashWith(key, value, type)),
  };
}
