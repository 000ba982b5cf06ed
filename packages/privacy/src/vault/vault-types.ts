import type { Clock, SecbotErrorCode, SecretInput, SecurityEventBus, Store } from '@secbot/core';
import type { Envelope } from '@secbot/crypto';

/** Options of `createVault`. */
export interface VaultOptions {
  /** Seals each value (`createEnvelope` from `@secbot/crypto`), bound to conversation and placeholder. */
  readonly envelope: Envelope;
  /** Where sealed values live. Default: a memory store (one process) driven by `now`. */
  readonly store?: Store;
  /** How long a value can be restored after it was first vaulted. Default 24 hours; at most 30 days. */
  readonly ttlMs?: number;
  /** Most distinct values vaulted per conversation within `ttlMs`. Default 1,000. */
  readonly maxValuesPerConversation?: number;
  /** Longest value vaulted, in UTF-16 code units; longer ones are not vaulted. Default 4,096. */
  readonly maxValueLength?: number;
  /** Tenant used when a call names none. Default `default`. */
  readonly tenant?: string;
  /** Prefix of every store key. Default `secbot:privacy:vault:`. */
  readonly prefix?: string;
  /**
   * HMAC key (32+ bytes; several, newest first, while rotating) that turns a value into the store
   * key that finds its placeholder, so the store never holds a value in the clear nor an unkeyed
   * hash of it. Default: random per vault, which is enough for one process; processes sharing a
   * store must share this key, or each gives the same value its own placeholder.
   */
  readonly indexKey?: SecretInput;
  /**
   * Values and placeholders kept in process memory after they were sealed or opened, so a warm
   * conversation costs no store or envelope call. Default 10,000 entries; 0 turns the cache off.
   */
  readonly cacheSize?: number;
  /**
   * How long a cached entry is trusted (never past the entry's own expiry): a tampered, deleted or
   * crypto-shredded entry may still be restored from this process's cache for this long, as the
   * envelope's own key cache does. Default 60,000 ms; 0 turns the cache off. Give `bus` to have
   * the cache emptied as soon as keys are destroyed.
   */
  readonly cacheTtlMs?: number;
  /**
   * The bus the envelope reports on: on `key.destroyed` (crypto-shredding) the cache is emptied at
   * once, so no shredded value is restored from memory.
   */
  readonly bus?: SecurityEventBus;
  /** Clock, epoch ms (expiry checks and the default memory store). Default `Date.now`. */
  readonly now?: Clock;
}

/** Which conversation a value belongs to. */
export interface VaultScope {
  /** The conversation (1-128 characters). Values never cross conversations. */
  readonly conversationId: string;
  /** The tenant; the vault's `tenant` when omitted. */
  readonly tenant?: string;
  /**
   * The user the values belong to (1-128 characters). Required when the envelope's `keyScope` is
   * `user` or `conversation` (so one user's or one conversation's values can be crypto-shredded);
   * it is bound to each sealed value, so restore must name the same user.
   */
  readonly user?: string;
}

/** What {@link PseudonymVault.reveal} found. */
export type RevealResult =
  | {
      /** The value was found and opened. */
      readonly ok: true;
      /** The original value. */
      readonly value: string;
    }
  | {
      /** Nothing to restore. */
      readonly ok: false;
      /** Not in this conversation's vault: expired, never made, or another conversation's. */
      readonly reason: 'missing';
    }
  | {
      /** Nothing to restore. */
      readonly ok: false;
      /** Stored, but does not open: tampered, moved, or its keys destroyed. */
      readonly reason: 'unopenable';
      /** The envelope's code, e.g. `CRYPTO_DECRYPT_FAILED` or `CRYPTO_KEY_DESTROYED`. */
      readonly code: SecbotErrorCode;
    };

/** A value to vault, with its type. */
export interface VaultValue {
  /** The value's type, upper-case snake case (`EMAIL`). */
  readonly type: string;
  /** The value. */
  readonly value: string;
}

/**
 * Sealed, expiring storage of the values behind placeholders. Both methods take a batch, so a
 * message costs one call however many values it holds.
 */
export interface PseudonymVault {
  /**
   * The placeholder of each value in a conversation: the one it already has, or a new one
   * (`<EMAIL_1>`, `<EMAIL_2>`, ...) under which the sealed value is stored.
   *
   * @param scope - The conversation.
   * @param values - The values, each with its type.
   * @returns One entry per value, in order: its placeholder, or `undefined` when it is not
   *   vaulted (empty, longer than `maxValueLength`, or the conversation already holds
   *   `maxValuesPerConversation` values).
   * @throws SecbotError `ARGUMENT_INVALID` for a bad conversation id, tenant, user or type; the
   *   envelope's and the store's errors (`CRYPTO_KEY_DESTROYED`, `STORE_UNAVAILABLE`).
   */
  assign(scope: VaultScope, values: readonly VaultValue[]): Promise<(string | undefined)[]>;
  /**
   * The values behind placeholders of this conversation. Never fails for what is stored: a value
   * that expired or was never vaulted is `missing`; one that does not open (tampered, copied from
   * another conversation, keys destroyed) is `unopenable` with the envelope's code.
   *
   * @param scope - The conversation.
   * @param placeholders - E.g. `['<EMAIL_1>']`.
   * @returns One result per placeholder, in order.
   * @throws SecbotError `ARGUMENT_INVALID` for a bad conversation id, tenant or user; the store's errors.
   */
  reveal(scope: VaultScope, placeholders: readonly string[]): Promise<RevealResult[]>;
}
