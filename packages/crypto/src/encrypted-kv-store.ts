import { isSecbotError, parseOptions, SecbotError, type SecbotErrorCode } from '@secbot/core';
import { z } from 'zod';
import type { SealContext } from './envelope-format.js';
import type { Envelope, Progress } from './envelope-types.js';
import { createKeyLock } from './internal/key-lock.js';
import { sameBytes } from './internal/same-bytes.js';
import { hasUnpairedSurrogate } from './internal/well-formed.js';
import { assertKvKey, assertKvPrefix, assertKvValue, type KvStore } from './kv-store.js';

/** Options of {@link encryptedKvStore}. */
export interface EncryptedKvStoreOptions {
  /** Where the ciphertexts are kept (`memoryKvStore`, `fileKvStore`, or your own). */
  readonly inner: KvStore;
  /** Seals and opens the values (see `createEnvelope`). */
  readonly envelope: Envelope;
  /** Tenant the values belong to; selects the data key and is bound to every value. */
  readonly tenant: string;
  /** Kind of record, e.g. `conversation-state`; bound to every value. */
  readonly collection: string;
  /** The user the values belong to (required when the envelope's `keyScope` is `user`). */
  readonly user?: string;
  /** The conversation (required when the envelope's `keyScope` is `conversation`). */
  readonly conversation?: string;
  /**
   * Re-encrypt a value under the primary key when a read finds it sealed under an older one.
   * Default `true`.
   */
  readonly reencryptOnRead?: boolean;
  /**
   * Called when re-encryption on read could not write the value back. The read still succeeds
   * and the value stays under its old key; `rewrap` will find it again.
   */
  readonly onReencryptError?: (failure: KvFailure) => void;
}

/** A key whose value could not be opened or re-encrypted, with the code of the error. */
export interface KvFailure {
  /** The key. */
  readonly key: string;
  /** Why: `CRYPTO_DECRYPT_FAILED`, `CRYPTO_KEY_NOT_FOUND`, `CRYPTO_KEY_DESTROYED`, a store code... */
  readonly code: SecbotErrorCode;
  /** The error itself, for logs (its message never contains the value). */
  readonly error: unknown;
}

/** Options of {@link EncryptedKvStore.rewrap}. */
export interface KvRewrapOptions {
  /** Only keys starting with this. */
  readonly prefix?: string;
  /** Called after each key. */
  readonly onProgress?: (progress: Progress) => void;
  /** Called for each key whose value failed to open or to be rewritten (it is left as it is). */
  readonly onError?: (failure: KvFailure) => void;
}

/** What {@link EncryptedKvStore.rewrap} did. */
export interface KvRewrapResult {
  /** Keys visited (including keys deleted while the walk ran). */
  readonly scanned: number;
  /** Values re-encrypted under the primary key and written back. */
  readonly rewrapped: number;
  /** Values that could not be opened or rewritten; each was reported to `onError` and left in place. */
  readonly failed: number;
}

/**
 * A {@link KvStore} whose values are sealed with an envelope, bound to tenant, collection and key.
 * The plain `KvStore` methods take and return plaintext bytes.
 */
export interface EncryptedKvStore extends KvStore {
  /**
   * Read and decrypt a value; if it was sealed under an older key, re-encrypt it under the
   * primary key and write it back, unless another write replaced it meanwhile.
   *
   * @param key - The key.
   * @returns The plaintext, or `undefined` when the key has no value.
   * @throws SecbotError `CRYPTO_DECRYPT_FAILED` when the value was tampered with or moved here
   *   from another key or collection; `CRYPTO_KEY_NOT_FOUND` when its data key is unknown in
   *   this scope (e.g. copied from another tenant) or retired; `CRYPTO_KEY_DESTROYED` after
   *   crypto-shredding; `ARGUMENT_INVALID` for a bad key; the inner store's errors.
   */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Encrypt and write a value.
   *
   * @param key - The key.
   * @param value - The plaintext bytes.
   * @throws SecbotError `ARGUMENT_INVALID` for a bad key or value; `CRYPTO_KEY_DESTROYED` when
   *   the scope's keys were destroyed; the inner store's errors.
   */
  set(key: string, value: Uint8Array): Promise<void>;
  /**
   * {@link EncryptedKvStore.get} for UTF-8 text.
   *
   * @param key - The key.
   * @returns The text, or `undefined`.
   * @throws SecbotError as `get`, and `CRYPTO_DECRYPT_FAILED` when the value is not UTF-8.
   */
  getText(key: string): Promise<string | undefined>;
  /**
   * {@link EncryptedKvStore.set} for text, stored as UTF-8.
   *
   * @param key - The key.
   * @param text - The text (with no unpaired surrogate, so it round-trips exactly).
   * @throws SecbotError as `set`, and `ARGUMENT_INVALID` when `text` is not well-formed text.
   */
  setText(key: string, text: string): Promise<void>;
  /**
   * Walk every key (or every key under `prefix`), open each value, and re-encrypt the ones sealed
   * under an older key. Run it after `envelope.rotate()` to finish a rotation; once it reports
   * no failures the old key can be retired. A value that does not open is counted in `failed`,
   * reported to `onError`, and left untouched: never deleted, never skipped silently. A value
   * rewritten concurrently is not overwritten.
   *
   * @param options - Prefix and progress and error callbacks.
   * @returns Counts of keys scanned, values rewrapped and failures.
   * @throws SecbotError `ARGUMENT_INVALID` for a bad prefix; the inner store's errors while
   *   listing keys.
   */
  rewrap(options?: KvRewrapOptions): Promise<KvRewrapResult>;
}

const where = 'encryptedKvStore';
// Unpaired surrogates are refused: UTF-8 encoding would turn them all into U+FFFD, and two
// different contexts would then authenticate alike.
const contextText = z
  .string()
  .min(1)
  .max(1024)
  .refine((text) => !hasUnpairedSurrogate(text), 'must not contain an unpaired surrogate');
const isFunction = (v: unknown): boolean => typeof v === 'function';
const hasMethods =
  (...names: string[]) =>
  (v: unknown): boolean =>
    typeof v === 'object' &&
    v !== null &&
    names.every((name) => isFunction((v as Record<string, unknown>)[name]));

const optionsSchema = z
  .object({
    inner: z.custom<KvStore>(hasMethods('get', 'set', 'delete', 'keys'), 'must be a KvStore'),
    envelope: z.custom<Envelope>(hasMethods('seal', 'open', 'isStale'), 'must be an Envelope'),
    tenant: contextText,
    collection: contextText,
    user: contextText.optional(),
    conversation: contextText.optional(),
    reencryptOnRead: z.boolean().default(true),
    onReencryptError: z.custom<(failure: KvFailure) => void>(isFunction, 'must be a function').optional(),
  })
  .strict();

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const maxAttempts = 3;

/**
 * Wrap a {@link KvStore} so every value is sealed with envelope encryption under the context
 * `{ tenant, collection, recordId: key }` (plus `user` and `conversation` when given). The inner
 * store only ever sees ciphertext, and a value copied to another key, collection or tenant
 * does not open there. Keys are not encrypted: do not put secrets in keys.
 *
 * After `envelope.rotate()`, values are re-encrypted lazily as they are read, and
 * {@link EncryptedKvStore.rewrap} re-encrypts the rest. A write-back only happens if the stored
 * ciphertext is still the one that was read: through the inner store's `compareAndSet` when it has
 * one (atomic against every writer), otherwise by re-reading and comparing under this wrapper's
 * per-key lock (atomic against writes through this wrapper; another writer could slip in between
 * the re-read and the write, so give inner stores shared between processes a `compareAndSet`).
 *
 * @param options - Inner store, envelope, and the context values are bound to.
 * @returns The store.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option.
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { createEnvelope, encryptedKvStore, fileKvStore, localKeyProvider } from '@secbot/crypto';
 *
 * const envelope = createEnvelope({ keyProvider: localKeyProvider({ keys: [{ id: 'kek-1', key: randomBytes(32) }] }) });
 * const kv = encryptedKvStore({ inner: fileKvStore({ dir: './.secbot/state' }), envelope, tenant: 'acme', collection: 'state' });
 * await kv.setText('conversation:42', '{"step":3}');
 * const state = await kv.getText('conversation:42');
 * ```
 */
export function encryptedKvStore(options: EncryptedKvStoreOptions): EncryptedKvStore {
  const config = parseOptions(optionsSchema, options, where);
  const { inner, envelope } = config;
  const lock = createKeyLock();
  const base = {
    tenant: config.tenant,
    collection: config.collection,
    ...(config.user === undefined ? {} : { user: config.user }),
    ...(config.conversation === undefined ? {} : { conversation: config.conversation }),
  };
  const contextOf = (key: string): SealContext => ({ ...base, recordId: key });

  /** Write `next` only if the key still holds `expected`. */
  const replaceIfUnchanged = (key: string, expected: Uint8Array, next: Uint8Array): Promise<boolean> =>
    lock.run(key, async () => {
      if (inner.compareAndSet !== undefined) return inner.compareAndSet(key, expected, next);
      if (!sameBytes(await inner.get(key), expected)) return false;
      await inner.set(key, next);
      return true;
    });

  /** Re-seal `plaintext` under the primary key if `sealed` is stale; whether it was written. */
  const refresh = async (key: string, sealed: Uint8Array, plaintext: Uint8Array): Promise<boolean> => {
    const context = contextOf(key);
    if (!(await envelope.isStale(sealed, context))) return false;
    return replaceIfUnchanged(key, sealed, await envelope.seal(plaintext, context));
  };

  const get = async (key: string): Promise<Uint8Array | undefined> => {
    assertKvKey(key, where);
    const sealed = await inner.get(key);
    if (sealed === undefined) return undefined;
    const plaintext = await envelope.open(sealed, contextOf(key));
    if (config.reencryptOnRead) {
      try {
        await refresh(key, sealed, plaintext);
      } catch (error) {
        config.onReencryptError?.(failureOf(key, error));
      }
    }
    return plaintext;
  };

  const set = async (key: string, value: Uint8Array): Promise<void> => {
    assertKvKey(key, where);
    assertKvValue(value, where);
    const sealed = await envelope.seal(value, contextOf(key));
    await lock.run(key, () => inner.set(key, sealed));
  };

  /** One key of a rewrap: whether it was rewritten. Retries when the value changes meanwhile. */
  const rewrapOne = async (key: string): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      const sealed = await inner.get(key);
      if (sealed === undefined) return false; // deleted meanwhile: nothing left to protect
      const plaintext = await envelope.open(sealed, contextOf(key));
      try {
        const context = contextOf(key);
        if (!(await envelope.isStale(sealed, context))) return false;
        if (await replaceIfUnchanged(key, sealed, await envelope.seal(plaintext, context))) return true;
      } finally {
        plaintext.fill(0);
      }
      if (attempt >= maxAttempts) {
        throw new SecbotError('STORE_CONFLICT', `${where}: the value kept changing during rewrap`);
      }
    }
  };

  return {
    get,
    set,
    async delete(key) {
      assertKvKey(key, where);
      return lock.run(key, () => inner.delete(key));
    },
    keys(prefix) {
      assertKvPrefix(prefix, where);
      return inner.keys(prefix);
    },
    async getText(key) {
      const bytes = await get(key);
      if (bytes === undefined) return undefined;
      try {
        return decoder.decode(bytes);
      } catch (cause) {
        throw new SecbotError('CRYPTO_DECRYPT_FAILED', `${where}: the value is not UTF-8 text`, { cause });
      } finally {
        bytes.fill(0);
      }
    },
    async setText(key, text) {
      if (typeof text !== 'string' || hasUnpairedSurrogate(text)) {
        throw new SecbotError(
          'ARGUMENT_INVALID',
          `${where}: text must be a string with no unpaired surrogate`,
        );
      }
      const bytes = encoder.encode(text);
      try {
        await set(key, bytes);
      } finally {
        bytes.fill(0);
      }
    },
    async rewrap(rewrapOptions = {}) {
      assertKvPrefix(rewrapOptions.prefix, where);
      const keys: string[] = [];
      for await (const key of inner.keys(rewrapOptions.prefix)) keys.push(key);
      let rewrapped = 0;
      let failed = 0;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        try {
          if (await rewrapOne(key)) rewrapped += 1;
        } catch (error) {
          failed += 1;
          rewrapOptions.onError?.(failureOf(key, error));
        }
        rewrapOptions.onProgress?.({ done: i + 1, total: keys.length });
      }
      return { scanned: keys.length, rewrapped, failed };
    },
  };
}

function failureOf(key: string, error: unknown): KvFailure {
  return { key, code: isSecbotError(error) ? error.code : 'INTERNAL', error };
}
