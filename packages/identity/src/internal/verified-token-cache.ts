import { hash } from 'node:crypto';
import type { Principal } from '@secbot/core';

/** What is remembered about a token whose signature and claims were verified. */
export interface VerifiedToken {
  /** The principal built from it (frozen); `authenticatedAt` is replaced on each hit. */
  readonly principal: Principal;
  /** Epoch ms after which the entry must not be used: min(exp, verifiedAt + maxAge). */
  readonly validUntil: number;
  /** The token's `jti`, so revocation can be checked on every hit. */
  readonly jti: string | undefined;
}

/**
 * A bounded LRU of verified tokens, keyed by the SHA-256 of the token, so the raw token is never
 * kept in memory and a heap dump does not hand out usable credentials. Failures are never cached.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, VerifiedToken>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** The cache key of a token. */
  static keyOf(token: string): string {
    return hash('sha256', token, 'base64url');
  }

  /** The live entry for `key`, refreshed as most recently used; expired entries are dropped. */
  get(key: string, now: number): VerifiedToken | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.validUntil <= now) return undefined;
    this.#entries.set(key, entry);
    return entry;
  }

  /** Remember a verified token, evicting the least recently used entry at the cap. */
  set(key: string, entry: VerifiedToken): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, entry);
  }

  /** Entries held (some may have expired and not yet been collected). */
  get size(): number {
    return this.#entries.size;
  }
}
