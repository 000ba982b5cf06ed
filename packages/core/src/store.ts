/**
 * How a counter window behaves.
 * - `fixed`: the window opens at the first increment and the count resets when it ends.
 * - `sliding`: each increment counts for exactly `windowMs` after it happened.
 */
export type WindowMode = 'fixed' | 'sliding';

/** Options of {@link Store.increment}. */
export interface IncrementOptions {
  /** Length of the window in milliseconds (a positive integer). */
  readonly windowMs: number;
  /** Window behaviour; `fixed` when omitted. */
  readonly mode?: WindowMode;
  /** Amount to add, a positive integer; 1 when omitted. */
  readonly by?: number;
}

/** A counter's state right after an increment. */
export interface WindowCount {
  /** Total within the window, this increment included. */
  readonly count: number;
  /**
   * Epoch milliseconds at which the count next goes down: the end of a fixed window, or the
   * moment the oldest increment of a sliding window leaves it.
   */
  readonly resetAt: number;
}

/** Options of {@link Store.set}. */
export interface StoreSetOptions {
  /** Time to live in milliseconds; the value never expires when omitted. */
  readonly ttlMs?: number;
  /** Write only when the key holds no live value (an atomic "claim", e.g. for alert dedupe). */
  readonly ifNotExists?: boolean;
}

/** Options of {@link Store.setAdd}. */
export interface StoreSetAddOptions {
  /** Time to live of the whole set in milliseconds, refreshed by each add. */
  readonly ttlMs?: number;
}

/**
 * The shared-state port: counters, lockouts, sessions, revocations and alert windows live here.
 * The memory implementation ({@link createMemoryStore}) serves one process; `@secbot/redis` serves
 * many. Both pass the same conformance suite (`runStoreSuite` in `@secbot/test-utils`).
 *
 * Keys form one namespace: a key holds a counter, a value or a set. Using a key as another kind
 * than it holds fails with `STORE_KEY_CONFLICT`; {@link Store.delete} removes any kind. Every
 * operation is atomic with respect to the others. Invalid arguments fail with `ARGUMENT_INVALID`;
 * an unreachable backend with `STORE_UNAVAILABLE`.
 */
export interface Store {
  /**
   * Add to a windowed counter atomically and return the new count.
   *
   * @param key - Counter key.
   * @param options - Window length and mode, and the amount.
   */
  increment(key: string, options: IncrementOptions): Promise<WindowCount>;
  /**
   * Read a value.
   *
   * @returns The value, or `undefined` when absent or expired.
   */
  get(key: string): Promise<string | undefined>;
  /**
   * Write a value.
   *
   * @returns `true` when written; `false` only when `ifNotExists` was set and a live value existed.
   */
  set(key: string, value: string, options?: StoreSetOptions): Promise<boolean>;
  /**
   * Remove a key of any kind (value, counter or set).
   *
   * @returns Whether a live key was removed.
   */
  delete(key: string): Promise<boolean>;
  /**
   * Add a member to a set.
   *
   * @returns Whether the member was new.
   */
  setAdd(key: string, member: string, options?: StoreSetAddOptions): Promise<boolean>;
  /** Whether a set holds a member. */
  setHas(key: string, member: string): Promise<boolean>;
  /**
   * Remove a member from a set.
   *
   * @returns Whether it was there.
   */
  setRemove(key: string, member: string): Promise<boolean>;
  /** Number of members in a set (0 when absent or expired). */
  setSize(key: string): Promise<number>;
  /** Release connections and timers. The store must not be used afterwards. */
  close(): Promise<void>;
}
