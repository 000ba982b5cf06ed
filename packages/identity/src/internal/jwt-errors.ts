import { SecbotError } from '@secbot/core';
import { errors } from 'jose';

// Turns whatever verification threw into a coded SecbotError. Messages name what failed using only
// fixed strings: jose error codes and claim names from our own options. jose's own messages may
// quote attacker-chosen header values (an unknown `crit` name), and JWTClaimValidationFailed carries
// the whole claims set, so token-level jose errors are NOT attached as `cause`.

/** A token refused as invalid; `reason` must be a fixed string, never token content. */
export function invalidToken(name: string, reason: string): SecbotError {
  return new SecbotError('AUTH_INVALID_TOKEN', `${name}: token refused: ${reason}`);
}

/** The key source (JWKS endpoint, discovery) could not be reached or gave no usable answer. */
export function providerUnavailable(name: string, what: string, cause: unknown): SecbotError {
  return new SecbotError('AUTH_PROVIDER_UNAVAILABLE', `${name}: ${what}`, { cause });
}

/**
 * Map an error thrown while verifying a token.
 *
 * - `SecbotError`s pass through (the key resolver raises `AUTH_PROVIDER_UNAVAILABLE` itself).
 * - `JWTExpired` becomes `AUTH_TOKEN_EXPIRED`; `JWKSTimeout` `AUTH_PROVIDER_UNAVAILABLE`.
 * - Any other jose error becomes `AUTH_INVALID_TOKEN`, naming the jose code (and claim).
 * - Anything else (a bug, a TypeError) also fails closed as `AUTH_INVALID_TOKEN`, with the cause.
 */
export function mapVerifyError(name: string, error: unknown): SecbotError {
  if (error instanceof SecbotError) return error;
  if (error instanceof errors.JWTExpired) {
    return new SecbotError('AUTH_TOKEN_EXPIRED', `${name}: token expired (${error.claim})`);
  }
  if (error instanceof errors.JWKSTimeout) return providerUnavailable(name, 'JWKS request timed out', error);
  if (error instanceof errors.JWTClaimValidationFailed) {
    return invalidToken(name, `${error.code} (claim ${error.claim}: ${error.reason})`);
  }
  if (error instanceof errors.JOSEError) return invalidToken(name, error.code);
  return new SecbotError('AUTH_INVALID_TOKEN', `${name}: token refused: verification failed`, {
    cause: error,
  });
}
