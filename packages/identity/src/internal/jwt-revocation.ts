import { hash } from 'node:crypto';
import { type Clock, SecbotError, type Store, storeLimits } from '@secbot/core';
import { providerUnavailable } from './jwt-errors.js';

// Revoked token ids live in the Store as plain values with a TTL that ends when the token could no
// longer be accepted anyway (its exp plus the clock tolerance), so the list cleans itself. The key
// is a hash of issuer and jti: jti values are unique per issuer only, and hashing bounds the key
// length whatever the token carries.

/** A revocation list for the tokens of one issuer. */
export interface RevocationList {
  /** Record `jti` as revoked until `expiresAtMs` (plus the clock tolerance). */
  revoke(jti: string, expiresAtMs: number): Promise<void>;
  /** Whether `jti` was revoked. Any store failure rejects with `AUTH_PROVIDER_UNAVAILABLE`. */
  isRevoked(jti: string): Promise<boolean>;
}

/** Longest lifetime a revocation can cover: the Store's longest TTL (one year). */
export const maxRevocableLifetimeMs = storeLimits.maxDurationMs;

/** Create the revocation list of `issuer` on `store`. */
export function revocationList(
  name: string,
  store: Store,
  issuer: string,
  clockToleranceSec: number,
  now: Clock,
): RevocationList {
  const keyOf = (jti: string): string =>
    `secbot:jwt-revoked:${hash('sha256', `${issuer}\u0000${jti}`, 'base64url')}`;
  return {
    async revoke(jti, expiresAtMs) {
      if (typeof jti !== 'string' || jti.length === 0 || jti.length > 1024) {
        throw new SecbotError(
          'ARGUMENT_INVALID',
          `${name}: revokeToken: jti must be a string of 1 to 1024 characters`,
        );
      }
      if (typeof expiresAtMs !== 'number' || !Number.isFinite(expiresAtMs)) {
        throw new SecbotError(
          'ARGUMENT_INVALID',
          `${name}: revokeToken: expiresAtMs must be a finite epoch-ms time`,
        );
      }
      // A token is accepted until exp + tolerance, so the revocation must last that long too.
      const ttlMs = Math.ceil(expiresAtMs + clockToleranceSec * 1000 - now());
      if (ttlMs <= 0) return; // already unacceptable: nothing to remember
      if (ttlMs > maxRevocableLifetimeMs) {
        throw new SecbotError(
          'ARGUMENT_INVALID',
          `${name}: revokeToken: expiresAtMs is more than a year ahead`,
        );
      }
      await store.set(keyOf(jti), '1', { ttlMs });
    },
    async isRevoked(jti) {
      try {
        return (await store.get(keyOf(jti))) !== undefined;
      } catch (error) {
        throw providerUnavailable(name, 'revocation store unavailable', error);
      }
    },
  };
}
