import { z } from 'zod';
import { type Clock, systemClock } from './clock.js';
import { parseOptions } from './config.js';
import { SlidingLog } from './internal/sliding-log.js';
import { SecbotError } from './secbot-error.js';
import type { Store, WindowCount } from './store.js';
import {
  assertDuration,
  assertStoreKey,
  assertStoreMember,
  assertStoreValue,
  normalizeIncrement,
} from './store-limits.js';

const memoryStoreOptionsSchema = z
  .object({
    maxKeys: z.number().int().min(1).max(50_000_000).default(100_000),
    maxSetMembers: z.number().int().min(1).max(10_000_000).default(10_000),
    maxSlidingEntries: z.number().int().min(1).max(10_000_000).default(1_000),
    now: z.custom<Clock>((value) => typeof value === 'function', 'must be a function').optional(),
  })
  .strict();

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most keys held at once (values, counters and sets together). At the cap, the key written
   * least recently is evicted first, so a flood of unique keys cannot exhaust memory.
   * Default 100,000.
   */
  readonly maxKeys?: number;
  /** Most members of one set; past it the oldest member is dropped. Default 10,000. */
  readonly maxSetMembers?: number;
  /**
   * Resolution of sliding counters: a window is kept in at most this many time buckets, so an
   * increment may stay counted up to `windowMs / maxSlidingEntries` ms longer than the window
   * (a slight over-count, never an under-count). Windows up to this many milliseconds are exact.
   * Default 1,000 (a 5-minute window has 300 ms resolution).
   */
  readonly maxSlidingEntries?: number;
  /** Clock, epoch milliseconds. Defaults to `Date.now`; inject a frozen one in tests. */
  readonly now?: Clock;
}

/** Counts a {@link MemoryStore} reports about itself. */
export interface MemoryStoreStats {
  /** Keys held, live or expired but not yet collected. */
  readonly keys: number;
  /** Live keys evicted because the cap was reached. */
  readonly evictions: number;
}

/** The in-process {@link Store}: the embedded default, and the reference the Redis store matches. */
export interface MemoryStore extends Store {
  /** Sizes and eviction count, for monitoring the cap. */
  stats(): MemoryStoreStats;
}

type Entry =
  | { kind: 'value'; value: string; expiresAt: number }
  | { kind: 'fixed'; count: number; expiresAt: number }
  | { kind: 'sliding'; log: SlidingLog; expiresAt: number }
  | { kind: 'set'; members: Set<string>; expiresAt: number };

const kindName = {
  value: 'a value',
  fixed: 'a fixed counter',
  sliding: 'a sliding counter',
  set: 'a set',
} as const;

/**
 * Create the in-memory {@link Store}. Bounded, atomic (single-threaded), and driven by an
 * injectable clock. State is per process: use `@secbot/redis` when several instances must share it.
 *
 * @param options - Caps and clock.
 * @returns A new, empty store.
 * @throws SecbotError `CONFIG_INVALID` when an option is out of range.
 * @example
 * ```ts
 * import { createMemoryStore } from '@secbot/core';
 *
 * const store = createMemoryStore();
 * const { count } = await store.increment('login-failures:ana', { windowMs: 300_000, mode: 'sliding' });
 * if (count >= 5) await store.set('lock:ana', '1', { ttlMs: 60_000 });
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const config = parseOptions(memoryStoreOptionsSchema, options, 'createMemoryStore');
  const now = config.now ?? systemClock;
  const entries = new Map<string, Entry>();
  let evictions = 0;
  let closed = false;

  const open = (): void => {
    if (closed) throw new SecbotError('STORE_UNAVAILABLE', 'memory store: used after close()');
  };

  /** The live entry at `key`, collecting it if expired. */
  const live = (key: string, at: number): Entry | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= at) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const expect = <K extends Entry['kind']>(entry: Entry | undefined, kind: K) => {
    if (entry !== undefined && entry.kind !== kind) {
      throw new SecbotError(
        'STORE_KEY_CONFLICT',
        `memory store: key holds ${kindName[entry.kind]}, not ${kindName[kind]}`,
      );
    }
    return entry as Extract<Entry, { kind: K }> | undefined;
  };

  /** Write `entry` as the most recently written key, evicting the oldest when at the cap. */
  const put = (key: string, entry: Entry, at: number): void => {
    if (entries.delete(key) || entries.size < config.maxKeys) {
      entries.set(key, entry);
      return;
    }
    for (const [oldestKey, oldest] of entries) {
      entries.delete(oldestKey);
      if (oldest.expiresAt > at) evictions += 1;
      break;
    }
    entries.set(key, entry);
  };

  return {
    async increment(key, incrementOptions): Promise<WindowCount> {
      open();
      assertStoreKey(key);
      const { windowMs, mode, by } = normalizeIncrement(incrementOptions);
      const at = now();
      if (mode === 'fixed') {
        const current = expect(live(key, at), 'fixed');
        const entry = current ?? { kind: 'fixed', count: 0, expiresAt: at + windowMs };
        entry.count += by;
        put(key, entry, at);
        return { count: entry.count, resetAt: entry.expiresAt };
      }
      const current = expect(live(key, at), 'sliding');
      const entry = current ?? {
        kind: 'sliding',
        log: new SlidingLog(config.maxSlidingEntries),
        expiresAt: 0,
      };
      const count = entry.log.add(at, windowMs, by);
      entry.expiresAt = entry.log.newest() + windowMs;
      put(key, entry, at);
      return { count, resetAt: entry.log.oldest() + windowMs };
    },

    async get(key) {
      open();
      assertStoreKey(key);
      return expect(live(key, now()), 'value')?.value;
    },

    async set(key, value, setOptions = {}) {
      open();
      assertStoreKey(key);
      assertStoreValue(value);
      if (setOptions.ttlMs !== undefined) assertDuration(setOptions.ttlMs, 'ttlMs');
      const at = now();
      const current = expect(live(key, at), 'value');
      if (setOptions.ifNotExists === true && current !== undefined) return false;
      const expiresAt = setOptions.ttlMs === undefined ? Number.POSITIVE_INFINITY : at + setOptions.ttlMs;
      put(key, { kind: 'value', value, expiresAt }, at);
      return true;
    },

    async delete(key) {
      open();
      assertStoreKey(key);
      const existed = live(key, now()) !== undefined;
      entries.delete(key);
      return existed;
    },

    async setAdd(key, member, addOptions = {}) {
      open();
      assertStoreKey(key);
      assertStoreMember(member);
      if (addOptions.ttlMs !== undefined) assertDuration(addOptions.ttlMs, 'ttlMs');
      const at = now();
      const entry = expect(live(key, at), 'set') ?? {
        kind: 'set',
        members: new Set<string>(),
        expiresAt: Number.POSITIVE_INFINITY,
      };
      if (addOptions.ttlMs !== undefined) entry.expiresAt = at + addOptions.ttlMs;
      const added = !entry.members.has(member);
      if (added) {
        entry.members.add(member);
        if (entry.members.size > config.maxSetMembers) {
          for (const first of entry.members) {
            entry.members.delete(first);
            break;
          }
        }
      }
      put(key, entry, at);
      return added;
    },

    async setHas(key, member) {
      open();
      assertStoreKey(key);
      assertStoreMember(member);
      return expect(live(key, now()), 'set')?.members.has(member) ?? false;
    },

    async setRemove(key, member) {
      open();
      assertStoreKey(key);
      assertStoreMember(member);
      const entry = expect(live(key, now()), 'set');
      if (entry === undefined || !entry.members.delete(member)) return false;
      if (entry.members.size === 0) entries.delete(key);
      return true;
    },

    async setSize(key) {
      open();
      assertStoreKey(key);
      return expect(live(key, now()), 'set')?.members.size ?? 0;
    },

    async close() {
      closed = true;
      entries.clear();
    },

    stats: () => ({ keys: entries.size, evictions }),
  };
}
