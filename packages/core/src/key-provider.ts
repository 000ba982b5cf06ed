/** What a wrapped data key is bound to: it can only be unwrapped for the same key id and scope. */
export interface WrapContext {
  /** Id of the data key being wrapped. */
  readonly keyId: string;
  /** Scope the data key serves, e.g. `tenant:acme`. */
  readonly scope: string;
}

/** A data key encrypted under a key-encryption key. */
export interface WrappedKey {
  /** Id of the key-encryption key that wrapped it. */
  readonly kekId: string;
  /** The wrapped bytes (opaque to everyone but the provider). */
  readonly wrapped: Uint8Array;
}

/**
 * The port for key-encryption keys (KEKs): wraps and unwraps data keys, so data keys are never
 * stored in the clear. `@secbot/crypto` ships a local provider (a 32-byte key from a file, the
 * environment or memory); a KMS, Vault or HSM provider implements the same two calls.
 */
export interface KeyProvider {
  /** Id of the KEK new wraps use (the provider's primary key). */
  readonly currentKekId: string;
  /**
   * Encrypt a data key under the current KEK, bound to `context`.
   *
   * @param dataKey - The plaintext data key.
   * @param context - Key id and scope, authenticated with the wrap.
   */
  wrap(dataKey: Uint8Array, context: WrapContext): Promise<WrappedKey>;
  /**
   * Decrypt a data key. Fails with `CRYPTO_DECRYPT_FAILED` when the wrap was tampered with or
   * belongs to another key id or scope, and `CRYPTO_KEY_NOT_FOUND` for an unknown KEK.
   *
   * @param wrapped - What {@link KeyProvider.wrap} returned.
   * @param context - The same key id and scope.
   */
  unwrap(wrapped: WrappedKey, context: WrapContext): Promise<Uint8Array>;
}
