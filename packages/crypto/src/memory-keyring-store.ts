import { SecbotError } from '@secbot/core';
import type { DataKeyRecord, KeyringSnapshot, KeyringStore } from './keyring-store.js';

/**
 * A {@link KeyringStore} in memory: for tests and for data that need not outlive the process.
 *
 * @returns An empty store.
 * @example
 * ```ts
 * import { memoryKeyringStore } from '@secbot/crypto';
 * const keys = memoryKeyringStore();
 * ```
 */
export function memoryKeyringStore(): KeyringStore {
  const rings = new Map<string, KeyringSnapshot>();
  return {
    async load(scope) {
      const ring = rings.get(scope);
      return ring === undefined ? undefined : structuredClone(ring);
    },
    async save(scope, records: readonly DataKeyRecord[], expectedRevision) {
      const current = rings.get(scope)?.revision ?? 0;
      if (current !== expectedRevision) {
        throw new SecbotError('STORE_CONFLICT', 'keyring store: the keyring changed since it was read');
      }
      rings.set(scope, { records: structuredClone(records), revision: current + 1 });
      return current + 1;
    },
    async scopes() {
      return [...rings.keys()];
    },
  };
}
