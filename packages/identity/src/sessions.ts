import { randomBytes as nodeRandomBytes } from 'node:crypto';
import {
  type Clock,
  type Principal,
  parseOptions,
  SecbotError,
  type Store,
  storeSchema,
  systemClock,
} from '@secbot/core';
import { z } from 'zod';
import { sha256Base64url } from './internal/digest.js';
import { checkPrincipal } from './internal/principal-schema.js';
import { clockSchema } from './internal/role-name.js';

// Why opaque ids rather than signed tokens (JWTs) for sessions:
// - Revocation is immediate and exact: deleting the record ends the session everywhere, where a signed
//   token stays valid until it expires unless every verifier consults a deny-list (i.e. a lookup
//   anyway, which is all an opaque id costs).
// - No keys to manage: nothing to sign with, rotate, distribute or leak; a stolen signing key would
//   mint sessions for anyone, while a Store dump here yields no usable session id (records are keyed
//   by a hash of the id).
// - Server-side state gives sliding idle expiry, step-up markers and "sign out everywhere" without
//   reissuing tokens, and keeps roles and attributes off the wire.
// The cost is one Store read per request (two with the per-user index), O(1) in memory and Redis.

/** Options of {@link createSessions}. */
export interface SessionsOptions {
  /** Where sessions live. Use `@secbot/redis` when several instances serve the same users. */
  readonly store: Store;
  /** A session unused for this long ends. Default 15 minutes. */
  readonly idleTimeoutMs?: number;
  /** A session ends this long after it was created, however active. Default 8 hours. */
  readonly absoluteTimeoutMs?: number;
  /**
   * Only write the idle refresh back when the last one is at least this old, to spare Store writes on
   * busy sessions (the idle timeout may then end up to this much early). Default 0: every verify.
   */
  readonly touchIntervalMs?: number;
  /** Store key prefix. Default `secbot:session:`. */
  readonly keyPrefix?: string;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  readonly now?: Clock;
  /** Source of random bytes (tests). Default `crypto.randomBytes`. */
  readonly randomBytes?: (size: number) => Uint8Array;
}

/** What {@link Sessions.create} and {@link Sessions.rotate} return. */
export interface IssuedSession {
  /** The session id: 256 random bits, base64url (43 characters). Send it as a `Secure; HttpOnly` cookie. */
  readonly id: string;
  /** When the session ends at the latest (the absolute timeout), epoch milliseconds: the cookie's expiry. */
  readonly expiresAt: number;
}

/** A live session's state, as {@link Sessions.inspect} returns it. */
export interface SessionInfo {
  /** The principal the session was created for. */
  readonly principal: Principal;
  /** When the session (or the session it was rotated from) was created. */
  readonly createdAt: number;
  /** When it ends if unused. */
  readonly idleExpiresAt: number;
  /** When it ends regardless. */
  readonly absoluteExpiresAt: number;
  /** Until when a second factor was proven for it ({@link Sessions.elevate}); absent when never. */
  readonly elevatedUntil?: number;
}

/** Server-side sessions; see {@link createSessions}. */
export interface Sessions {
  /**
   * Start a session for a principal (after sign-in). Record its id in a cookie; nothing else is needed.
   *
   * @throws SecbotError `ARGUMENT_INVALID` when the principal is malformed.
   */
  create(principal: Principal): Promise<IssuedSession>;
  /**
   * The principal of a live session, refreshing its idle timeout. Its `expiresAt` is the earlier of
   * the session's absolute end and the principal's own.
   *
   * @throws SecbotError `AUTH_SESSION_INVALID` when the id is malformed, unknown, idle- or
   *   absolute-expired, revoked (alone or by {@link Sessions.revokeAll}) or rotated away.
   */
  verify(id: string): Promise<Principal>;
  /**
   * Like {@link Sessions.verify} (and refreshing likewise), with the session's timestamps.
   *
   * @throws SecbotError `AUTH_SESSION_INVALID` as `verify`.
   */
  inspect(id: string): Promise<SessionInfo>;
  /**
   * Replace a session's id with a new one and invalidate the old (do it at sign-in, step-up and any
   * privilege change, against session fixation). Keeps the creation time, hence the absolute end.
   *
   * @param principal - The principal to carry on (e.g. with new roles); the current one when omitted.
   * @throws SecbotError `AUTH_SESSION_INVALID` when the old session is not live, or another rotation
   *   of it won the race.
   */
  rotate(id: string, principal?: Principal): Promise<IssuedSession>;
  /**
   * End one session.
   *
   * @returns Whether a live session was ended.
   */
  revoke(id: string): Promise<boolean>;
  /** End every session of a user (sign out everywhere, password change, account disabled). */
  revokeAll(userId: string): Promise<void>;
  /**
   * Mark a session as having passed a second factor until `untilMs` (capped at its absolute end).
   *
   * @throws SecbotError `AUTH_SESSION_INVALID` when the session is not live; `ARGUMENT_INVALID` when
   *   `untilMs` is not a future epoch-millisecond time.
   */
  elevate(id: string, untilMs: number): Promise<void>;
  /**
   * The session's principal, provided a second factor was proven for it and has not lapsed.
   *
   * @throws SecbotError `AUTH_MFA_REQUIRED` when the session was never elevated or the elevation
   *   ended; `AUTH_SESSION_INVALID` when the session is not live.
   */
  requireStepUp(id: string): Promise<Principal>;
}

const optionsSchema = z
  .object({
    store: storeSchema,
    idleTimeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(366 * 86_400_000)
      .default(15 * 60_000),
    absoluteTimeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(366 * 86_400_000)
      .default(8 * 3_600_000),
    touchIntervalMs: z.number().int().min(0).default(0),
    keyPrefix: z.string().min(1).max(64).default('secbot:session:'),
    now: clockSchema.optional(),
    randomBytes: z
      .custom<(size: number) => Uint8Array>((value) => typeof value === 'function', 'must be a function')
      .optional(),
  })
  .strict()
  .refine((o) => o.idleTimeoutMs <= o.absoluteTimeoutMs, {
    message: 'must not exceed absoluteTimeoutMs',
    path: ['idleTimeoutMs'],
  })
  .refine((o) => o.touchIntervalMs < o.idleTimeoutMs, {
    message: 'must be shorter than idleTimeoutMs',
    path: ['touchIntervalMs'],
  });

/** What the Store holds per session (under a hash of its id). */
interface SessionRecord {
  readonly principal: Principal;
  readonly userKey: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly absoluteExpiresAt: number;
  readonly elevatedUntil?: number;
}

const recordSchema = z.object({
  principal: z.unknown(),
  userKey: z.string().min(1).max(64),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  absoluteExpiresAt: z.number(),
  elevatedUntil: z.number().optional(),
});

const sessionIdPattern = /^[A-Za-z0-9_-]{43}$/;

/**
 * Server-side sessions with opaque ids, for chat front-ends and admin consoles.
 *
 * - Ids are 256 random bits (base64url). The Store holds each session under the SHA-256 of its id, so
 *   a dump of the Store yields no usable session id.
 * - A session ends after `idleTimeoutMs` without use (sliding; each verify refreshes it) or
 *   `absoluteTimeoutMs` after creation, whichever comes first; on revocation; or on rotation.
 * - Each user's live sessions are indexed in a Store set, checked on every verify: `revokeAll` clears
 *   the set and every session of that user fails at once, on every instance. If the Store ever drops
 *   the set (eviction), the user's sessions fail closed.
 * - A step-up marker (`elevate`, `requireStepUp`) records a second factor proven for the session.
 *
 * @param options - Store, timeouts, clock and randomness.
 * @returns The session manager.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option.
 * @example
 * ```ts
 * import { createMemoryStore } from '@secbot/core';
 * import { createSessions } from '@secbot/identity';
 *
 * const sessions = createSessions({ store: createMemoryStore() });
 * const principal = { id: 'ana', roles: ['agent'], authMethod: 'password', authenticatedAt: Date.now() };
 * const { id, expiresAt } = await sessions.create(principal); // after sign-in
 * const same = await sessions.verify(id); // on each request; AUTH_SESSION_INVALID when over
 * await sessions.revokeAll(principal.id); // "sign out everywhere"
 * ```
 */
export function createSessions(options: SessionsOptions): Sessions {
  const config = parseOptions(optionsSchema, options, 'createSessions');
  const { store, idleTimeoutMs, absoluteTimeoutMs, touchIntervalMs, keyPrefix } = config;
  const now = config.now ?? systemClock;
  const random = config.randomBytes ?? nodeRandomBytes;

  const recordKey = (hash: string): string => `${keyPrefix}s:${hash}`;
  const userSetKey = (userKey: string): string => `${keyPrefix}u:${userKey}`;
  const invalid = (why: string): SecbotError => new SecbotError('AUTH_SESSION_INVALID', `session ${why}`);

  const newId = (): string => {
    const id = Buffer.from(random(32)).toString('base64url');
    if (!sessionIdPattern.test(id)) {
      throw new SecbotError(
        'ARGUMENT_INVALID',
        'createSessions: randomBytes returned the wrong number of bytes',
      );
    }
    return id;
  };

  const write = async (hash: string, record: SessionRecord, at: number): Promise<void> => {
    const ttlMs = Math.min(record.lastSeenAt + idleTimeoutMs, record.absoluteExpiresAt) - at;
    if (ttlMs <= 0) return;
    await store.set(recordKey(hash), JSON.stringify(record), { ttlMs });
  };

  /** Store a new session for `principal` and index it under its user. */
  const issue = async (
    principal: Principal,
    createdAt: number,
    elevatedUntil: number | undefined,
  ): Promise<IssuedSession> => {
    const at = now();
    const id = newId();
    const hash = sha256Base64url(id);
    const userKey = sha256Base64url(principal.id);
    const absoluteExpiresAt = createdAt + absoluteTimeoutMs;
    if (absoluteExpiresAt <= at) throw invalid('expired');
    const record: SessionRecord = {
      principal,
      userKey,
      createdAt,
      lastSeenAt: at,
      absoluteExpiresAt,
      ...(elevatedUntil === undefined || elevatedUntil <= at ? {} : { elevatedUntil }),
    };
    // Index first: a session is only valid while it is in its user's set, so a crash between the two
    // writes leaves at worst an orphan index entry, never an unindexed (unrevocable) session.
    await store.setAdd(userSetKey(userKey), hash, { ttlMs: absoluteTimeoutMs });
    await write(hash, record, at);
    return { id, expiresAt: absoluteExpiresAt };
  };

  /** Load a live session, or throw AUTH_SESSION_INVALID. Does not refresh. */
  const load = async (id: unknown): Promise<{ hash: string; record: SessionRecord; at: number }> => {
    if (typeof id !== 'string' || !sessionIdPattern.test(id)) throw invalid('malformed');
    const hash = sha256Base64url(id);
    const text = await store.get(recordKey(hash));
    if (text === undefined) throw invalid('unknown or expired');
    let record: SessionRecord;
    try {
      const parsed = recordSchema.parse(JSON.parse(text));
      record = { ...parsed, principal: checkPrincipal(parsed.principal, 'session') } as SessionRecord;
    } catch (error) {
      throw new SecbotError('AUTH_SESSION_INVALID', 'session record unreadable', { cause: error });
    }
    const at = now();
    if (at >= record.absoluteExpiresAt) throw invalid('expired (absolute timeout)');
    if (at >= record.lastSeenAt + idleTimeoutMs) throw invalid('expired (idle timeout)');
    if (record.principal.expiresAt !== undefined && at >= record.principal.expiresAt) {
      throw invalid('expired (principal expiry)');
    }
    if (!(await store.setHas(userSetKey(record.userKey), hash))) throw invalid('revoked');
    return { hash, record, at };
  };

  const touch = async (hash: string, record: SessionRecord, at: number): Promise<SessionRecord> => {
    if (at - record.lastSeenAt < touchIntervalMs || at === record.lastSeenAt) return record;
    const refreshed = { ...record, lastSeenAt: at };
    // A revoke racing with this write may leave a record behind, but it is no longer in the user's
    // set, so it never verifies again.
    await write(hash, refreshed, at);
    return refreshed;
  };

  const viewOf = (record: SessionRecord): Principal => {
    const expiresAt =
      record.principal.expiresAt === undefined
        ? record.absoluteExpiresAt
        : Math.min(record.principal.expiresAt, record.absoluteExpiresAt);
    return Object.freeze({ ...record.principal, expiresAt });
  };

  const end = async (hash: string, userKey: string): Promise<boolean> => {
    // Leave the index first: from then on the session is dead even if deleting the record fails.
    const wasIndexed = await store.setRemove(userSetKey(userKey), hash);
    const existed = await store.delete(recordKey(hash));
    return wasIndexed && existed;
  };

  return {
    async create(principal) {
      let checked: Principal;
      try {
        checked = checkPrincipal(principal, 'createSessions');
        // Sessions are stored as JSON: attributes must be JSON values (a BigInt or a cycle is refused here).
        JSON.stringify(checked);
      } catch (error) {
        throw new SecbotError('ARGUMENT_INVALID', 'sessions.create: malformed principal', { cause: error });
      }
      return issue(checked, now(), undefined);
    },

    async verify(id) {
      const { hash, record, at } = await load(id);
      return viewOf(await touch(hash, record, at));
    },

    async inspect(id) {
      const { hash, record, at } = await load(id);
      const live = await touch(hash, record, at);
      return {
        principal: viewOf(live),
        createdAt: live.createdAt,
        idleExpiresAt: Math.min(live.lastSeenAt + idleTimeoutMs, live.absoluteExpiresAt),
        absoluteExpiresAt: live.absoluteExpiresAt,
        ...(live.elevatedUntil === undefined ? {} : { elevatedUntil: live.elevatedUntil }),
      };
    },

    async rotate(id, principal) {
      const { hash, record } = await load(id);
      let next = record.principal;
      if (principal !== undefined) {
        try {
          next = checkPrincipal(principal, 'sessions.rotate');
          JSON.stringify(next);
        } catch (error) {
          throw new SecbotError('ARGUMENT_INVALID', 'sessions.rotate: malformed principal', { cause: error });
        }
      }
      // Only the caller whose delete removed the old record may issue its successor: two concurrent
      // rotations of one id cannot both yield a live session.
      if (!(await store.delete(recordKey(hash)))) throw invalid('rotated concurrently');
      await store.setRemove(userSetKey(record.userKey), hash);
      // Elevation belongs to the same user's session; it is not carried to a different principal.
      const keepElevation = next.id === record.principal.id ? record.elevatedUntil : undefined;
      return issue(next, record.createdAt, keepElevation);
    },

    async revoke(id) {
      if (typeof id !== 'string' || !sessionIdPattern.test(id)) return false;
      const hash = sha256Base64url(id);
      const text = await store.get(recordKey(hash));
      if (text === undefined) return false;
      let userKey: string;
      try {
        userKey = recordSchema.parse(JSON.parse(text)).userKey;
      } catch {
        return store.delete(recordKey(hash));
      }
      return end(hash, userKey);
    },

    async revokeAll(userId) {
      if (typeof userId !== 'string' || userId.length === 0) {
        throw new SecbotError('ARGUMENT_INVALID', 'sessions.revokeAll: userId must be a non-empty string');
      }
      // Records stay until their TTL, but none is in the (new) set any more, so none verifies.
      await store.delete(userSetKey(sha256Base64url(userId)));
    },

    async elevate(id, untilMs) {
      if (typeof untilMs !== 'number' || !Number.isSafeInteger(untilMs)) {
        throw new SecbotError('ARGUMENT_INVALID', 'sessions.elevate: untilMs must be epoch milliseconds');
      }
      const { hash, record, at } = await load(id);
      if (untilMs <= at)
        throw new SecbotError('ARGUMENT_INVALID', 'sessions.elevate: untilMs is not in the future');
      await write(
        hash,
        { ...record, lastSeenAt: at, elevatedUntil: Math.min(untilMs, record.absoluteExpiresAt) },
        at,
      );
    },

    async requireStepUp(id) {
      const { hash, record, at } = await load(id);
      if (record.elevatedUntil === undefined || at >= record.elevatedUntil) {
        throw new SecbotError('AUTH_MFA_REQUIRED', 'session: a second factor is required for this action');
      }
      return viewOf(await touch(hash, record, at));
    },
  };
}
