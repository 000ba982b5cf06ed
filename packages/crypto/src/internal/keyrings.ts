import { randomBytes } from 'node:crypto';
import { type KeyProvider, SecbotError } from '@secbot/core';
import type { DataKeyRecord, KeyringStore } from '../keyring-store.js';
import { keyCommitment, type LoadedKey, type LoadedKeyring } from './loaded-keyring.js';

/** What the keyring cache needs from the envelope's options. */
export interface KeyringsConfig {
  readonly provider: KeyProvider;
  readonly store: KeyringStore;
  readonly algorithm: 'aes-256-gcm' | 'xchacha20-poly1305';
  readonly cacheSize: number;
  readonly cacheTtlMs: number;
  readonly maxMessagesPerKey: number;
  readonly now: () => number;
  /** Told when a data key cannot be unwrapped (a wrong or changed KEK, a tampered key store). */
  readonly onUnwrapFailure?: (scope: string, keyId: string) => void;
}

const reserveBlock = 2 ** 20;
const maxConflictRetries = 5;
const maxReservationRounds = 10_000;

export function newKeyId(): string {
  return `k_${randomBytes(16).toString('hex')}`;
}

export const demote = (record: DataKeyRecord): DataKeyRecord =>
  record.status === 'primary' ? { ...record, status: 'active' } : record;

/** Whether every key of a keyring was destroyed (crypto-shredded). */
export const destroyedScope = (ring: LoadedKeyring): boolean =>
  ring.records.length > 0 && ring.records.every((r) => r.status === 'destroyed');

const usable = (record: DataKeyRecord): boolean =>
  record.status !== 'destroyed' &&
  record.status !== 'retired' &&
  record.wrapped !== undefined &&
  record.kekId !== undefined;

const isConflict = (error: unknown): boolean =>
  error instanceof SecbotError && error.code === 'STORE_CONFLICT';

/**
 * The data keys of every scope: loaded from the key store, unwrapped once by the key provider,
 * cached (bounded, least recently used evicted, with a TTL so changes by other processes arrive),
 * changed with compare-and-set, and AES-GCM usage reserved in blocks.
 */
export function createKeyrings(config: KeyringsConfig) {
  const { provider, store, now } = config;
  const cache = new Map<string, LoadedKeyring>();
  const loading = new Map<string, Promise<LoadedKeyring>>();
  const reserving = new Map<string, Promise<unknown>>();

  /** A cached keyring that is still fresh, marked as most recently used. */
  const fresh = (scope: string): LoadedKeyring | undefined => {
    const ring = cache.get(scope);
    if (ring === undefined || now() - ring.loadedAt >= config.cacheTtlMs) return undefined;
    cache.delete(scope);
    cache.set(scope, ring);
    return ring;
  };

  const remember = (ring: LoadedKeyring): LoadedKeyring => {
    cache.delete(ring.scope);
    if (cache.size >= config.cacheSize) {
      for (const oldest of cache.keys()) {
        cache.delete(oldest);
        break;
      }
    }
    cache.set(ring.scope, ring);
    return ring;
  };

  const unwrapRecord = async (scope: string, record: DataKeyRecord): Promise<LoadedKey> => {
    let key: Uint8Array;
    try {
      key = await provider.unwrap(
        {
          kekId: record.kekId as string,
          wrapped: new Uint8Array(Buffer.from(record.wrapped as string, 'base64')),
        },
        { keyId: record.id, scope },
      );
    } catch (cause) {
      config.onUnwrapFailure?.(scope, record.id);
      if (cause instanceof SecbotError && cause.code === 'CRYPTO_KEY_NOT_FOUND') throw cause;
      throw new SecbotError(
        'CRYPTO_DECRYPT_FAILED',
        'envelope: a data key could not be unwrapped (wrong or changed key-encryption key, or a tampered key store)',
        { cause },
      );
    }
    if (key.byteLength !== 32)
      throw new SecbotError('CRYPTO_DECRYPT_FAILED', 'envelope: unwrapped data key has the wrong length');
    // Usage reserved by earlier processes is spent: this process counts from the end of it and
    // reserves its own block before its first message, so no two lifetimes share a reservation.
    return { record, key, commitment: keyCommitment(key), used: record.reserved };
  };

  /** The cached key object for a record, when its wrapped bytes are unchanged. */
  const known = (scope: string, record: DataKeyRecord): LoadedKey | undefined => {
    const loaded = cache.get(scope)?.keys.get(record.id);
    return loaded !== undefined && loaded.record.wrapped === record.wrapped ? loaded : undefined;
  };

  /** Unwrap every usable key not yet in memory. Done before a save, so a wrong KEK writes nothing. */
  const unwrapAll = async (
    scope: string,
    records: readonly DataKeyRecord[],
  ): Promise<Map<string, LoadedKey>> => {
    const unwrapped = new Map<string, LoadedKey>();
    for (const record of records) {
      if (usable(record) && known(scope, record) === undefined)
        unwrapped.set(record.id, await unwrapRecord(scope, record));
    }
    return unwrapped;
  };

  /** Build the in-memory keyring, keeping existing key objects (their usage counts) where unchanged. */
  const assemble = (
    scope: string,
    records: readonly DataKeyRecord[],
    revision: number,
    unwrapped: Map<string, LoadedKey>,
  ) => {
    const keys = new Map<string, LoadedKey>();
    let primary: LoadedKey | undefined;
    for (const record of records) {
      if (!usable(record)) continue;
      const existing = known(scope, record);
      let loaded = unwrapped.get(record.id);
      if (existing !== undefined) {
        existing.record = record;
        loaded = existing;
      }
      if (loaded === undefined) continue;
      keys.set(record.id, loaded);
      if (record.status === 'primary') primary = loaded;
    }
    const ring: LoadedKeyring = { scope, revision, records, keys, primary, loadedAt: now() };
    return ring;
  };

  const newRecord = async (scope: string, status: 'primary'): Promise<DataKeyRecord> => {
    const id = newKeyId();
    const key = randomBytes(32);
    const wrapped = await provider.wrap(new Uint8Array(key), { keyId: id, scope });
    key.fill(0);
    return {
      id,
      algorithm: config.algorithm,
      status,
      createdAt: now(),
      kekId: wrapped.kekId,
      wrapped: Buffer.from(wrapped.wrapped).toString('base64'),
      reserved: 0,
    };
  };

  /** Read a scope's keyring from the store, creating its first key when `create` is set. */
  const fetch = async (scope: string, create: boolean): Promise<LoadedKeyring> => {
    for (let attempt = 0; ; attempt++) {
      const snapshot = await store.load(scope);
      if (snapshot === undefined && !create) {
        // an unknown scope is not cached: opens for made-up tenants cannot evict real keyrings
        return { scope, revision: 0, records: [], keys: new Map(), primary: undefined, loadedAt: now() };
      }
      if (snapshot !== undefined) {
        const unwrapped = await unwrapAll(scope, snapshot.records);
        return remember(assemble(scope, snapshot.records, snapshot.revision, unwrapped));
      }
      const first = await newRecord(scope, 'primary');
      const unwrapped = await unwrapAll(scope, [first]);
      try {
        const revision = await store.save(scope, [first], 0);
        return remember(assemble(scope, [first], revision, unwrapped));
      } catch (error) {
        if (!isConflict(error) || attempt >= maxConflictRetries) throw error;
      }
    }
  };

  const keyring = (scope: string, create: boolean): LoadedKeyring | Promise<LoadedKeyring> => {
    const cached = fresh(scope);
    if (cached !== undefined) return cached;
    let pending = loading.get(scope);
    if (pending === undefined) {
      pending = fetch(scope, create).finally(() => loading.delete(scope));
      loading.set(scope, pending);
    }
    return pending;
  };

  /**
   * Apply `change` to a scope's records with compare-and-set, retrying on conflicts. Returning the
   * very array it was given means "no change": nothing is written.
   */
  const update = async (
    scope: string,
    change: (records: DataKeyRecord[]) => Promise<DataKeyRecord[]> | DataKeyRecord[],
  ): Promise<LoadedKeyring> => {
    for (let attempt = 0; ; attempt++) {
      const snapshot = await store.load(scope);
      const current = [...(snapshot?.records ?? [])];
      const next = await change(current);
      const unwrapped = await unwrapAll(scope, next);
      if (next === current) return remember(assemble(scope, next, snapshot?.revision ?? 0, unwrapped));
      try {
        const revision = await store.save(scope, next, snapshot?.revision ?? 0);
        return remember(assemble(scope, next, revision, unwrapped));
      } catch (error) {
        if (!isConflict(error) || attempt >= maxConflictRetries) throw error;
      }
    }
  };

  /** Reserve another block of AES-GCM messages for the primary key, or rotate at its limit. */
  const reserve = async (scope: string, primary: LoadedKey): Promise<void> => {
    let start = -1;
    await update(scope, async (records) => {
      const current = records.find((r) => r.id === primary.record.id);
      if (current === undefined || current.status !== 'primary') return records;
      if (current.reserved >= config.maxMessagesPerKey)
        return [await newRecord(scope, 'primary'), ...records.map(demote)];
      start = current.reserved;
      const reserved = Math.min(current.reserved + reserveBlock, config.maxMessagesPerKey);
      return records.map((r) => (r.id === current.id ? { ...r, reserved } : r));
    });
    // this process's block starts where the reservations of all processes ended
    if (start >= 0) primary.used = Math.max(primary.used, start);
  };

  /** Take one message of the key's reserved AES-GCM usage, if any is left (no await in between). */
  const take = (key: LoadedKey): boolean => {
    if (key.record.algorithm !== 'aes-256-gcm') return true;
    if (key.used >= key.record.reserved) return false;
    key.used += 1;
    return true;
  };

  /** The primary key with one message of usage taken, when that needs no I/O; else `undefined`. */
  const primaryNow = (scope: string): LoadedKey | undefined => {
    const primary = fresh(scope)?.primary;
    return primary !== undefined && take(primary) ? primary : undefined;
  };

  /** A key of a fresh cached keyring, when that needs no I/O; else `undefined`. */
  const cachedKey = (scope: string, keyId: string): LoadedKey | undefined => fresh(scope)?.keys.get(keyId);

  /** The primary key, with AES-GCM usage reserved for one more message. */
  const primaryFor = async (scope: string): Promise<LoadedKey> => {
    // every pass either returns or waits for a reservation that makes progress for all sealers; the
    // bound only stops a key store that never persists from spinning forever
    for (let attempt = 0; attempt < maxReservationRounds; attempt++) {
      const ring = await keyring(scope, true);
      const primary = ring.primary;
      if (primary === undefined) {
        if (destroyedScope(ring)) {
          throw new SecbotError(
            'CRYPTO_KEY_DESTROYED',
            "envelope: this scope's keys were destroyed; nothing can be sealed for it",
          );
        }
        await update(scope, async (records) =>
          records.some((r) => r.status === 'primary')
            ? records
            : [await newRecord(scope, 'primary'), ...records.map(demote)],
        );
        continue;
      }
      if (take(primary)) return primary;
      // one reservation per scope at a time; concurrent sealers wait for it and look again
      let pending = reserving.get(scope);
      if (pending === undefined) {
        pending = reserve(scope, primary).finally(() => reserving.delete(scope));
        reserving.set(scope, pending);
      }
      await pending;
    }
    throw new SecbotError(
      'STORE_CONFLICT',
      'envelope: could not reserve key usage (too many concurrent writers)',
    );
  };

  return { keyring, fetch, update, primaryFor, primaryNow, cachedKey, newRecord };
}

/** The keyring cache of one envelope. */
export type Keyrings = ReturnType<typeof createKeyrings>;
