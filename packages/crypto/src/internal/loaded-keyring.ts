import { createHmac } from 'node:crypto';
import type { DataKeyRecord } from '../keyring-store.js';

/**
 * A data key in memory: the record, the key bytes, and its commitment, computed once. The same
 * object is kept across reloads of its keyring (its record refreshed), so in-flight operations
 * and usage counts are never split between copies. Key bytes are never zeroed while reachable:
 * an operation holding the object must still encrypt under the real key.
 */
export interface LoadedKey {
  record: DataKeyRecord;
  readonly key: Uint8Array;
  readonly commitment: Uint8Array;
  /** Messages sealed by this process under this key since it was loaded or reserved. */
  used: number;
}

/** One scope's keyring as cached: its revision, usable keys by id, and when it was loaded. */
export interface LoadedKeyring {
  readonly scope: string;
  readonly revision: number;
  readonly records: readonly DataKeyRecord[];
  readonly keys: ReadonlyMap<string, LoadedKey>;
  readonly primary: LoadedKey | undefined;
  readonly loadedAt: number;
}

const commitInfo = 'secbot/envelope/v1/key-commitment';

/**
 * The key commitment written into every envelope: HMAC-SHA256(key, label). A ciphertext then
 * opens only under the key it was made with, even for an attacker who knows several keys.
 */
export function keyCommitment(key: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(commitInfo).digest());
}
