import {
  type Clock,
  eventBusSchema,
  parseOptions,
  SecbotError,
  type SecurityEventBus,
  type SecurityEventInput,
  type Store,
  storeSchema,
  systemClock,
} from '@secbot/core';
import { z } from 'zod';
import { ipGroup } from './internal/ip-group.js';
import { clockSchema } from './internal/role-name.js';

/** Per-address limits of a {@link Lockout}. */
export interface IpLockoutOptions {
  /** Failures from one address (IPv4) or /64 (IPv6) within `windowMs` that lock it. Default 20. */
  readonly maxFailures?: number;
  /** Sliding window for those failures. Default 10 minutes. */
  readonly windowMs?: number;
  /** First lock duration; defaults to the top-level `baseLockMs`. */
  readonly baseLockMs?: number;
  /** Longest lock; defaults to the top-level `maxLockMs`. */
  readonly maxLockMs?: number;
}

/** Options of {@link createLockout}. */
export interface LockoutOptions {
  /** Where counters and locks live; share it (`@secbot/redis`) when several instances serve logins. */
  readonly store: Store;
  /** Failures for one username within `windowMs` that lock it. Default 5. */
  readonly maxFailures?: number;
  /** Sliding window for those failures. Default 15 minutes. */
  readonly windowMs?: number;
  /** First lock duration; each successive lock doubles it. Default 60 seconds. */
  readonly baseLockMs?: number;
  /** Longest lock. Default 1 hour. */
  readonly maxLockMs?: number;
  /**
   * How long a lock is remembered for backoff: a lock within this time of the previous one lasts
   * twice as long. A success resets it. Default 24 hours.
   */
  readonly backoffResetMs?: number;
  /** Per-address limits; `false` to count usernames only. */
  readonly perIp?: IpLockoutOptions | false;
  /** Emits `auth.lockout` when a username or address is locked. */
  readonly bus?: SecurityEventBus;
  /** Store key prefix. Default `secbot:lockout:`. */
  readonly keyPrefix?: string;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  readonly now?: Clock;
}

/** Who is trying: a username (or any key, e.g. `totp:ana`) and/or a client address. */
export interface LockoutSubject {
  /** The (normalised) username or other key. Up to 256 characters. */
  readonly key?: string;
  /** The client address, IPv4 or IPv6 (counted by /64). */
  readonly ip?: string;
}

/** Event fields copied onto `auth.lockout` (request id, channel...). */
export type LockoutEventContext = Pick<
  SecurityEventInput<'auth.lockout'>,
  'requestId' | 'tenantId' | 'channel' | 'ip'
>;

/** A lock that an attempt's failure put in place. */
export interface LockApplied {
  readonly scope: 'user' | 'ip';
  readonly key: string;
  readonly failures: number;
  readonly retryAfterSec: number;
}

/** An attempt admitted by {@link Lockout.begin}; report how it ended exactly once. */
export interface LockoutAttempt {
  /** The credentials were right: reset the username's failures and backoff (not the address's). */
  succeed(): Promise<void>;
  /**
   * The credentials were wrong: count the failure for the address (the username's was counted when
   * the attempt began) and lock what reached its limit.
   *
   * @returns The locks this failure put in place (events already emitted).
   */
  fail(): Promise<readonly LockApplied[]>;
}

/** Brute-force protection; see {@link createLockout}. */
export interface Lockout {
  /**
   * Refuse at once when the username or address is locked. Read-only; a few microseconds with the
   * memory Store.
   *
   * @throws SecbotError `AUTH_LOCKED_OUT` with `retryAfterSec`.
   */
  check(subject: LockoutSubject): Promise<void>;
  /**
   * Admit an attempt: check the locks, then reserve one of the username's allowed failures
   * atomically (the count is taken before the credentials are checked, so concurrent guesses cannot
   * all slip through the check before any is counted; a success gives the reservation back).
   *
   * @throws SecbotError `AUTH_LOCKED_OUT` with `retryAfterSec` when locked, or when concurrent
   *   attempts have already used up the allowance.
   */
  begin(subject: LockoutSubject, context?: LockoutEventContext): Promise<LockoutAttempt>;
}

const duration = (fallback: number) =>
  z
    .number()
    .int()
    .min(1)
    .max(366 * 86_400_000)
    .default(fallback);

const optionsSchema = z
  .object({
    store: storeSchema,
    maxFailures: z.number().int().min(1).max(1000).default(5),
    windowMs: duration(15 * 60_000),
    baseLockMs: duration(60_000),
    maxLockMs: duration(3_600_000),
    backoffResetMs: duration(86_400_000),
    perIp: z
      .union([
        z.literal(false),
        z
          .object({
            maxFailures: z.number().int().min(1).max(100_000).default(20),
            windowMs: duration(10 * 60_000),
            baseLockMs: z
              .number()
              .int()
              .min(1)
              .max(366 * 86_400_000)
              .optional(),
            maxLockMs: z
              .number()
              .int()
              .min(1)
              .max(366 * 86_400_000)
              .optional(),
          })
          .strict(),
      ])
      .default({ maxFailures: 20, windowMs: 10 * 60_000 }),
    bus: eventBusSchema.optional(),
    keyPrefix: z.string().min(1).max(64).default('secbot:lockout:'),
    now: clockSchema.optional(),
  })
  .strict()
  .refine((o) => o.baseLockMs <= o.maxLockMs, { message: 'must not exceed maxLockMs', path: ['baseLockMs'] })
  .refine((o) => o.backoffResetMs >= o.windowMs && o.backoffResetMs >= o.maxLockMs, {
    message: 'must be at least windowMs and maxLockMs',
    path: ['backoffResetMs'],
  });

/** Limits of one scope (username or address). */
interface Scope {
  readonly name: 'user' | 'ip';
  readonly tag: string;
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly baseLockMs: number;
  readonly maxLockMs: number;
}

/**
 * A scope key's state, stored as `round:level:until`. `round` numbers the failure counter in use (a
 * new round, with a fresh counter, starts at each lock and each reset), `level` counts successive
 * locks for backoff, `until` is when the current lock ends (0 when none).
 */
interface LockState {
  readonly round: number;
  readonly level: number;
  readonly until: number;
}

const noState: LockState = { round: 0, level: 0, until: 0 };

function parseState(text: string | undefined): LockState {
  if (text === undefined) return noState;
  const first = text.indexOf(':');
  const second = text.indexOf(':', first + 1);
  const round = Number(text.slice(0, first));
  const level = Number(text.slice(first + 1, second));
  const until = Number(text.slice(second + 1));
  if (
    first < 0 ||
    second < 0 ||
    !Number.isSafeInteger(round) ||
    !Number.isSafeInteger(level) ||
    !Number.isFinite(until)
  ) {
    // Unreadable state: keep counting in a round of its own rather than forgetting a lock silently.
    return { round: 1_000_000, level: 1, until: 0 };
  }
  return { round, level, until };
}

const lockedOut = (scope: 'user' | 'ip', retryAfterMs: number): SecbotError =>
  new SecbotError(
    'AUTH_LOCKED_OUT',
    `too many failed attempts (${scope === 'user' ? 'username' : 'client address'})`,
    {
      retryAfterSec: Math.max(1, Math.ceil(retryAfterMs / 1000)),
    },
  );

/**
 * Brute-force protection for sign-in (and for second factors): failures are counted per username and
 * per client address (IPv6 by /64) in sliding windows in the Store; reaching a limit locks the key
 * for `baseLockMs`, doubling with each successive lock up to `maxLockMs`; a success resets the
 * username (never the address, so one valid account cannot launder an address's guesses).
 *
 * Concurrency: the username's failure is counted (atomically, with `Store.increment`'s returned
 * count) before the credentials are checked, so 50 parallel guesses with `maxFailures: 5` reach the
 * provider exactly 5 times. Address failures are counted after the fact, so an address can exceed its
 * limit by the number of attempts it has in flight at that moment (each against a different
 * username, each still bounded by that username's limit).
 *
 * @param options - Store, limits, event bus, clock.
 * @returns The lockout.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option.
 * @example
 * ```ts
 * import { createMemoryStore } from '@secbot/core';
 * import { createLockout, verifyTotp } from '@secbot/identity';
 *
 * const store = createMemoryStore();
 * const lockout = createLockout({ store, maxFailures: 5 });
 * const [userId, ip, secret, code] = ['ana', '203.0.113.7', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', '492039'];
 * const attempt = await lockout.begin({ key: `totp:${userId}`, ip }); // AUTH_LOCKED_OUT when locked
 * try {
 *   await verifyTotp({ store, userId, secret, code });
 *   await attempt.succeed();
 * } catch (error) {
 *   await attempt.fail();
 *   throw error;
 * }
 * ```
 */
export function createLockout(options: LockoutOptions): Lockout {
  const config = parseOptions(optionsSchema, options, 'createLockout');
  const { store, bus, keyPrefix } = config;
  const now = config.now ?? systemClock;
  const user: Scope = {
    name: 'user',
    tag: 'u:',
    maxFailures: config.maxFailures,
    windowMs: config.windowMs,
    baseLockMs: config.baseLockMs,
    maxLockMs: config.maxLockMs,
  };
  const ipScope: Scope | undefined =
    config.perIp === false
      ? undefined
      : {
          name: 'ip',
          tag: 'ip:',
          maxFailures: config.perIp.maxFailures,
          windowMs: config.perIp.windowMs,
          baseLockMs: config.perIp.baseLockMs ?? config.baseLockMs,
          maxLockMs: config.perIp.maxLockMs ?? config.maxLockMs,
        };

  const stateKey = (scope: Scope, key: string): string => `${keyPrefix}${scope.tag}${key}`;
  const counterKey = (scope: Scope, key: string, round: number): string =>
    `${keyPrefix}${scope.tag}${key}:f${round}`;
  const lockMs = (scope: Scope, level: number): number =>
    Math.min(scope.baseLockMs * 2 ** Math.min(Math.max(level - 1, 0), 40), scope.maxLockMs);
  const keep = (scope: Scope, ms: number): number => Math.max(config.backoffResetMs, ms + scope.windowMs);

  const userKeyOf = (subject: LockoutSubject): string | undefined => {
    const key = subject.key;
    return typeof key === 'string' && key.length > 0 && key.length <= 256 ? key : undefined;
  };
  // Parsing an IPv6 address costs a few microseconds; recent results are kept (bounded: the cache is
  // dropped whole when full, so a flood of distinct addresses costs memory for 4,096 entries at most).
  const groups = new Map<string, string>();
  const ipKeyOf = (subject: LockoutSubject): string | undefined => {
    const ip = subject.ip;
    if (ipScope === undefined || typeof ip !== 'string') return undefined;
    let group = groups.get(ip);
    if (group === undefined) {
      // An address that does not parse shares one bucket with every other such address: fail closed.
      group = ipGroup(ip) ?? 'invalid';
      if (groups.size >= 4096) groups.clear();
      groups.set(ip, group);
    }
    return group;
  };

  const lock = async (
    scope: Scope,
    key: string,
    state: LockState,
    failures: number,
    context: LockoutEventContext | undefined,
  ): Promise<LockApplied> => {
    const at = now();
    const level = state.level + 1;
    const ms = lockMs(scope, level);
    await store.set(stateKey(scope, key), `${state.round + 1}:${level}:${at + ms}`, {
      ttlMs: keep(scope, ms),
    });
    const applied: LockApplied = { scope: scope.name, key, failures, retryAfterSec: Math.ceil(ms / 1000) };
    bus?.emit('auth.lockout', { ...context, ...applied });
    return applied;
  };

  const check = async (subject: LockoutSubject): Promise<{ userState?: LockState; ipState?: LockState }> => {
    const ipKey = ipKeyOf(subject);
    const userKey = userKeyOf(subject);
    const at = now();
    let ipState: LockState | undefined;
    if (ipKey !== undefined && ipScope !== undefined) {
      ipState = parseState(await store.get(stateKey(ipScope, ipKey)));
      if (ipState.until > at) throw lockedOut('ip', ipState.until - at);
    }
    let userState: LockState | undefined;
    if (userKey !== undefined) {
      userState = parseState(await store.get(stateKey(user, userKey)));
      if (userState.until > at) throw lockedOut('user', userState.until - at);
    }
    return {
      ...(userState === undefined ? {} : { userState }),
      ...(ipState === undefined ? {} : { ipState }),
    };
  };

  return {
    async check(subject) {
      await check(subject);
    },

    async begin(subject, context) {
      const { userState, ipState } = await check(subject);
      const userKey = userKeyOf(subject);
      const ipKey = ipKeyOf(subject);
      let userCount = 0;
      if (userKey !== undefined && userState !== undefined) {
        ({ count: userCount } = await store.increment(counterKey(user, userKey, userState.round), {
          windowMs: user.windowMs,
          mode: 'sliding',
        }));
        // Over the allowance: earlier attempts of this round (some maybe still in flight) used it up.
        // Refused without checking the credentials; the attempt that reached the limit locks it.
        if (userCount > user.maxFailures) throw lockedOut('user', lockMs(user, userState.level + 1));
      }
      let settled = false;
      const settle = (): void => {
        if (settled) throw new SecbotError('ARGUMENT_INVALID', 'lockout: an attempt is settled once only');
        settled = true;
      };
      return {
        async succeed() {
          settle();
          if (userKey === undefined || userState === undefined) return;
          // Always a new round: this attempt's own reservation must not count against the next ones.
          await store.set(stateKey(user, userKey), `${userState.round + 1}:0:0`, {
            ttlMs: config.backoffResetMs,
          });
        },
        async fail() {
          settle();
          const locks: LockApplied[] = [];
          if (userKey !== undefined && userState !== undefined && userCount === user.maxFailures) {
            locks.push(await lock(user, userKey, userState, userCount, context));
          }
          if (ipKey !== undefined && ipScope !== undefined && ipState !== undefined) {
            const { count } = await store.increment(counterKey(ipScope, ipKey, ipState.round), {
              windowMs: ipScope.windowMs,
              mode: 'sliding',
            });
            if (count === ipScope.maxFailures)
              locks.push(await lock(ipScope, ipKey, ipState, count, context));
          }
          return locks;
        },
      };
    },
  };
}
