import { SecbotError } from '@secbot/core';
import { compileHmacSha256, sha256Hex } from './sha256.js';

/** The MAC keys of a log, compiled once: the newest signs, all of them verify. */
export interface MacKeys {
  /** The key new lines are MACed with. */
  readonly current: { readonly kid: string; readonly mac: (hash: string) => string };
  /** Every key by id, for verification. */
  readonly byKid: ReadonlyMap<string, (hash: string) => string>;
}

/** The key id written in `kid`: the first 8 hex digits of SHA-256 of the raw key. */
export function macKeyId(key: Uint8Array): string {
  return sha256Hex(key).slice(0, 8);
}

/**
 * Compile a rotating key list (newest first).
 *
 * @throws SecbotError `CONFIG_INVALID` naming `key` when two keys share an id.
 */
export function compileMacKeys(keys: readonly Uint8Array[], where: string): MacKeys {
  const byKid = new Map<string, (hash: string) => string>();
  keys.forEach((key, index) => {
    const kid = macKeyId(key);
    if (byKid.has(kid)) {
      throw new SecbotError('CONFIG_INVALID', `${where}: invalid options: key[${index}]: duplicate key id`, {
        issues: [{ path: `key[${index}]`, message: 'duplicate key id' }],
      });
    }
    byKid.set(kid, compileHmacSha256(key));
  });
  const first = keys[0] as Uint8Array;
  const kid = macKeyId(first);
  return { current: { kid, mac: byKid.get(kid) as (hash: string) => string }, byKid };
}
