import { SecbotError } from '@secbot/core';
import { hasUnpairedSurrogate } from './internal/well-formed.js';

/**
 * A small key-value port for bytes: chat state, transcripts, tokens a bot must keep. Keys are
 * names, never paths or property names: `'../../etc/passwd'`, `'\u0000'` and `'__proto__'` are
 * ordinary keys. Wrap any implementation in `encryptedKvStore` to keep the values encrypted.
 *
 * Keys are strings of 1-512 UTF-16 code units with no unpaired surrogate (two keys that differ
 * only in unpaired surrogates would encode to the same UTF-8 and so collide). Implementations
 * check them with {@link assertKvKey}. Keys themselves are not secret: do not put a secret in one.
 *
 * @example
 * ```ts
 * import { type KvStore, memoryKvStore } from '@secbot/crypto';
 *
 * async function saveStep(kv: KvStore, conversationId: string, step: number): Promise<void> {
 *   await kv.set(`conversation:${conversationId}`, new TextEncoder().encode(JSON.stringify({ step })));
 * }
 * await saveStep(memoryKvStore(), '42', 3);
 * ```
 */
export interface KvStore {
  /**
   * Read a value.
   *
   * @param key - The key.
   * @returns A copy of the value, or `undefined` when the key has none.
   * @throws SecbotError `ARGUMENT_INVALID` for a bad key; `STORE_UNAVAILABLE` when the storage
   *   cannot be read.
   */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Write a value, replacing any previous one. Resolves once the write is durable.
   *
   * @param key - The key.
   * @param value - The bytes (copied; the caller may reuse the array).
   * @throws SecbotError `ARGUMENT_INVALID` for a bad key or a value that is not a `Uint8Array`;
   *   `STORE_UNAVAILABLE` when the storage cannot be written.
   */
  set(key: string, value: Uint8Array): Promise<void>;
  /**
   * Remove a key.
   *
   * @param key - The key.
   * @returns Whether the key had a value.
   * @throws SecbotError `ARGUMENT_INVALID` for a bad key; `STORE_UNAVAILABLE` on a storage error.
   */
  delete(key: string): Promise<boolean>;
  /**
   * Every key, or every key starting with `prefix`, in no particular order. A key written while
   * the iteration runs may or may not be listed; a key deleted meanwhile is not listed.
   *
   * @param prefix - Only keys starting with this (compared by UTF-16 code units).
   * @returns The keys.
   * @throws SecbotError `ARGUMENT_INVALID` for a bad prefix.
   */
  keys(prefix?: string): AsyncIterable<string>;
  /**
   * Optional atomic compare-and-set: write `value` only if the key currently holds exactly
   * `expected` (`undefined`: only if the key has no value). `encryptedKvStore` uses it, when
   * present, so lazy re-encryption never overwrites a concurrent write from another writer.
   *
   * @param key - The key.
   * @param expected - The bytes the key must hold, or `undefined` for "absent".
   * @param value - The new bytes.
   * @returns Whether the value was written.
   * @throws SecbotError `ARGUMENT_INVALID` for a bad key or value; `STORE_UNAVAILABLE` on a
   *   storage error.
   */
  compareAndSet?(key: string, expected: Uint8Array | undefined, value: Uint8Array): Promise<boolean>;
}

/** Bounds every {@link KvStore} implementation enforces on keys. */
export const kvStoreLimits = {
  /** Longest key, in UTF-16 code units. */
  maxKeyLength: 512,
} as const;

/**
 * Check a {@link KvStore} key: a string of 1-512 UTF-16 code units with no unpaired surrogate.
 *
 * @param key - The key to check.
 * @param where - Who is checking, for the message (e.g. `fileKvStore`).
 * @throws SecbotError `ARGUMENT_INVALID` when the key is not acceptable. The message never
 *   quotes the key.
 * @example
 * ```ts
 * import { assertKvKey } from '@secbot/crypto';
 * assertKvKey('conversation:42', 'myKvStore'); // passes
 * ```
 */
export function assertKvKey(key: unknown, where = 'kv store'): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new SecbotError('ARGUMENT_INVALID', `${where}: key must be a non-empty string`);
  }
  checkText(key, 'key', where);
}

/**
 * Check a {@link KvStore.keys} prefix: `undefined`, or a string of 0-512 UTF-16 code units with
 * no unpaired surrogate.
 *
 * @param prefix - The prefix to check.
 * @param where - Who is checking, for the message.
 * @throws SecbotError `ARGUMENT_INVALID` when the prefix is not acceptable.
 * @example
 * ```ts
 * import { assertKvPrefix } from '@secbot/crypto';
 * assertKvPrefix('conversation:', 'myKvStore'); // passes
 * ```
 */
export function assertKvPrefix(prefix: unknown, where = 'kv store'): asserts prefix is string | undefined {
  if (prefix === undefined) return;
  if (typeof prefix !== 'string')
    throw new SecbotError('ARGUMENT_INVALID', `${where}: prefix must be a string`);
  checkText(prefix, 'prefix', where);
}

/**
 * Check a {@link KvStore} value: a `Uint8Array` (a `Buffer` is one).
 *
 * @param value - The value to check.
 * @param where - Who is checking, for the message.
 * @throws SecbotError `ARGUMENT_INVALID` when the value is not a `Uint8Array`.
 * @example
 * ```ts
 * import { assertKvValue } from '@secbot/crypto';
 * assertKvValue(new Uint8Array([1, 2, 3]), 'myKvStore'); // passes
 * ```
 */
export function assertKvValue(value: unknown, where = 'kv store'): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new SecbotError('ARGUMENT_INVALID', `${where}: value must be a Uint8Array`);
  }
}

function checkText(text: string, what: string, where: string): void {
  if (text.length > kvStoreLimits.maxKeyLength) {
    throw new SecbotError('ARGUMENT_INVALID', `${where}: ${what} longer than ${kvStoreLimits.maxKeyLength}`);
  }
  if (hasUnpairedSurrogate(text)) {
    throw new SecbotError('ARGUMENT_INVALID', `${where}: ${what} contains an unpaired surrogate`);
  }
}
