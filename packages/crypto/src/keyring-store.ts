/** Lifecycle of a data key. */
export type DataKeyStatus =
  /** Encrypts new data and decrypts. One per scope. */
  | 'primary'
  /** Decrypts only (a former primary; its data can be re-encrypted lazily or by rewrap). */
  | 'active'
  /** Decrypts nothing, but is kept and can be reactivated (after a completed rewrap). */
  | 'retired'
  /** Erased: everything it protected is unreadable for good (crypto-shredding). */
  | 'destroyed';

/** A data key as persisted: wrapped under a key-encryption key, never in the clear. */
export interface DataKeyRecord {
  /** Key id, written into every envelope it seals. */
  readonly id: string;
  /** The AEAD it is used with. */
  readonly algorithm: 'aes-256-gcm' | 'xchacha20-poly1305';
  /** Lifecycle status. */
  readonly status: DataKeyStatus;
  /** Creation time, epoch ms. */
  readonly createdAt: number;
  /** The wrapping KEK's id; absent once destroyed. */
  readonly kekId?: string;
  /** The wrapped key, base64; absent once destroyed. */
  readonly wrapped?: string;
  /** Messages reserved for encryption under this key (AES-GCM usage limit accounting). */
  readonly reserved: number;
  /** Destruction time, epoch ms. */
  readonly destroyedAt?: number;
}

/** A scope's keys with a revision number for optimistic concurrency. */
export interface KeyringSnapshot {
  /** The keys, newest first. */
  readonly records: readonly DataKeyRecord[];
  /** Incremented by each save. */
  readonly revision: number;
}

/**
 * Where wrapped data keys live, one keyring per scope (`tenant:acme`, `tenant:acme/user:ana`).
 * Saves are compare-and-set on the revision, so two writers never overwrite each other.
 */
export interface KeyringStore {
  /**
   * Read a scope's keyring.
   *
   * @param scope - The scope.
   * @returns The keyring, or `undefined` when the scope has none yet.
   */
  load(scope: string): Promise<KeyringSnapshot | undefined>;
  /**
   * Replace a scope's keys if its revision is still `expectedRevision` (0 for a new scope).
   *
   * @param scope - The scope.
   * @param records - The full new list of keys.
   * @param expectedRevision - The revision the change was based on.
   * @returns The new revision.
   * @throws SecbotError `STORE_CONFLICT` when another writer saved first (reload and retry).
   */
  save(scope: string, records: readonly DataKeyRecord[], expectedRevision: number): Promise<number>;
  /** Every scope that has a keyring (for KEK rotation). */
  scopes(): Promise<string[]>;
}
