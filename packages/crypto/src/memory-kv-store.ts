import { sameBytes } from './internal/same-bytes.js';
import { assertKvKey, assertKvPrefix, assertKvValue, type KvStore } from './kv-store.js';

const where = 'memoryKvStore';

/**
 * A {@link KvStore} in memory: the reference implementation, for tests and for data that need not
 * outlive the process. Values are copied in and out, so no caller can change what is stored by
 * mutating an array. Every call completes without yielding to other tasks between its read and
 * its write, so {@link KvStore.compareAndSet} is atomic.
 *
 * @returns An empty store.
 * @example
 * ```ts
 * import { memoryKvStore } from '@secbot/crypto';
 *
 * const kv = memoryKvStore();
 * await kv.set('conversation:42', new TextEncoder().encode('{"step":3}'));
 * const bytes = await kv.get('conversation:42');
 * ```
 */
export function memoryKvStore(): KvStore {
  const values = new Map<string, Uint8Array>();
  return {
    async get(key) {
      assertKvKey(key, where);
      const value = values.get(key);
      return value === undefined ? undefined : value.slice();
    },
    async set(key, value) {
      assertKvKey(key, where);
      assertKvValue(value, where);
      values.set(key, new Uint8Array(value));
    },
    async delete(key) {
      assertKvKey(key, where);
      return values.delete(key);
    },
    keys(prefix) {
      assertKvPrefix(prefix, where);
      return listKeys(values, prefix ?? '');
    },
    async compareAndSet(key, expected, value) {
      assertKvKey(key, where);
      assertKvValue(value, where);
      if (expected !== undefined) assertKvValue(expected, where);
      if (!sameBytes(values.get(key), expected)) return false;
      values.set(key, new Uint8Array(value));
      return true;
    },
  };
}

async function* listKeys(values: ReadonlyMap<string, Uint8Array>, prefix: string): AsyncGenerator<string> {
  // a snapshot, then a liveness check per key: a key deleted during the iteration is not listed
  for (const key of [...values.keys()]) {
    if (key.startsWith(prefix) && values.has(key)) yield key;
  }
}
