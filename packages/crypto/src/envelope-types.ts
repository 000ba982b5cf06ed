import type { KeyProvider, SecurityEventBus } from '@secbot/core';
import type { SealContext } from './envelope-format.js';
import type { KeyringStore } from './keyring-store.js';

/** The scope that owns data keys: one key set per tenant, per user or per conversation. */
export type KeyScope = 'tenant' | 'user' | 'conversation';

/** Options of {@link createEnvelope}. */
export interface EnvelopeOptions {
  /** Wraps and unwraps data keys (see `localKeyProvider`). */
  readonly keyProvider: KeyProvider;
  /** Where wrapped data keys live. Default: memory (data does not outlive the process). */
  readonly keyStore?: KeyringStore;
  /** Algorithm for new data keys. Default `aes-256-gcm` (FIPS-approved); or `xchacha20-poly1305`. */
  readonly algorithm?: 'aes-256-gcm' | 'xchacha20-poly1305';
  /** Which context fields select the data key. Default `tenant`. */
  readonly keyScope?: KeyScope;
  /** Scopes whose unwrapped keys stay cached. Default 1,000. */
  readonly cacheSize?: number;
  /**
   * How long a cached keyring is trusted before it is re-read from the store, so a rotation or
   * destruction made by another process takes effect here too. Default 60,000 ms.
   */
  readonly cacheTtlMs?: number;
  /**
   * Messages sealed under one AES-GCM key before a new key takes over. Default and maximum 2^32
   * (the NIST limit for random 96-bit nonces). Counts are reserved in the key store in blocks.
   */
  readonly maxMessagesPerKey?: number;
  /** Bus for `key.rotated`, `key.destroyed` and `crypto.decrypt_failed`. */
  readonly bus?: SecurityEventBus;
  /** Clock, epoch ms. */
  readonly now?: () => number;
}

/** Progress of a long operation such as {@link Envelope.rewrapKeys}. */
export interface Progress {
  /** Items done. */
  readonly done: number;
  /** Items in all. */
  readonly total: number;
}

/** What an envelope header says, read without decrypting. */
export interface EnvelopeInfo {
  /** The algorithm. */
  readonly algorithm: 'aes-256-gcm' | 'xchacha20-poly1305';
  /** The data key id. */
  readonly keyId: string;
}

/**
 * Envelope encryption bound to where the data belongs. Every method that reads keys is async:
 * the first use of a scope loads (or creates) its keyring; later calls hit the cache.
 */
export interface Envelope {
  /**
   * Encrypt with the scope's primary data key. The header (version, algorithm, key id, nonce,
   * key commitment) and the context are authenticated.
   *
   * @param plaintext - Bytes, or a string (UTF-8).
   * @param context - Tenant, collection, record id (and field, user, conversation).
   * @returns The envelope bytes.
   * @throws SecbotError `ARGUMENT_INVALID` for a bad context; `CRYPTO_KEY_DESTROYED` when the
   *   scope's keys were destroyed (no new data may be written for an erased tenant or user).
   */
  seal(plaintext: Uint8Array | string, context: SealContext): Promise<Uint8Array>;
  /**
   * Verify and decrypt.
   *
   * @param sealed - What {@link Envelope.seal} returned.
   * @param context - The same context it was sealed with.
   * @returns The plaintext bytes.
   * @throws SecbotError `CRYPTO_DECRYPT_FAILED` for anything that does not verify (tampering, a
   *   different context, an unknown format); `CRYPTO_KEY_DESTROYED` after crypto-shredding;
   *   `CRYPTO_KEY_NOT_FOUND` for a key not in the context's scope or retired.
   */
  open(sealed: Uint8Array, context: SealContext): Promise<Uint8Array>;
  /**
   * {@link Envelope.seal} for text, returning base64url text (for JSON or text columns).
   *
   * @param text - The text.
   * @param context - The context.
   */
  sealText(text: string, context: SealContext): Promise<string>;
  /**
   * {@link Envelope.open} for what {@link Envelope.sealText} returned.
   *
   * @param sealed - The base64url envelope.
   * @param context - The context.
   */
  openText(sealed: string, context: SealContext): Promise<string>;
  /**
   * Read the header without decrypting.
   *
   * @param sealed - An envelope.
   * @throws SecbotError `CRYPTO_DECRYPT_FAILED` for a malformed or unknown header.
   */
  inspect(sealed: Uint8Array): EnvelopeInfo;
  /**
   * Whether an envelope was sealed under a key other than its scope's primary (it should be
   * re-encrypted: see {@link Envelope.reseal}).
   *
   * @param sealed - An envelope.
   * @param context - Its context.
   */
  isStale(sealed: Uint8Array, context: SealContext): Promise<boolean>;
  /**
   * Open and seal again under the scope's primary key (lazy re-encryption after a rotation).
   *
   * @param sealed - An envelope.
   * @param context - Its context.
   * @returns The new envelope.
   */
  reseal(sealed: Uint8Array, context: SealContext): Promise<Uint8Array>;
  /**
   * Make a new primary data key for the scope of `context`; the old primary stays active for
   * decryption. Emits `key.rotated`.
   *
   * @param context - Selects the scope (tenant, and user or conversation per `keyScope`).
   * @returns The new key id.
   */
  rotate(context: ScopeContext): Promise<string>;
  /**
   * Crypto-shredding: destroy every data key of a scope. Everything sealed under them becomes
   * unreadable for good (`CRYPTO_KEY_DESTROYED`); the scope cannot seal again. Emits `key.destroyed`.
   * Other processes sharing the key store see it within `cacheTtlMs`.
   *
   * @param context - Selects the scope.
   * @param by - Who asked (for the event and audit trail).
   * @returns The ids of the keys destroyed.
   */
  destroy(context: ScopeContext, by?: string): Promise<string[]>;
  /**
   * Retire an active key after its data has been re-encrypted: it then opens nothing, but is kept
   * and can be reactivated with {@link Envelope.reactivate}.
   *
   * @param context - Selects the scope.
   * @param keyId - The key to retire (never the primary).
   */
  retire(context: ScopeContext, keyId: string): Promise<void>;
  /**
   * Return a retired key to active (it opens data again).
   *
   * @param context - Selects the scope.
   * @param keyId - The retired key.
   */
  reactivate(context: ScopeContext, keyId: string): Promise<void>;
  /**
   * After a key-encryption-key rotation: re-wrap every data key of every scope under the
   * provider's current KEK. Data is not touched.
   *
   * @param onProgress - Called after each scope.
   * @returns How many data keys were re-wrapped.
   */
  rewrapKeys(onProgress?: (progress: Progress) => void): Promise<number>;
}

/** The context fields that select a data key's scope. */
export type ScopeContext = Pick<SealContext, 'tenant' | 'user' | 'conversation'>;
