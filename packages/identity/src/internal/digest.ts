import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a UTF-8 string, base64url without padding (43 characters). */
export function sha256Base64url(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url');
}

/** SHA-256 of a UTF-8 string, as bytes. */
export function sha256Bytes(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Compare two strings in time that depends only on their lengths (which must not be secret).
 * Both are hashed first, so inputs of different lengths are compared without an early exit either.
 */
export function sameString(a: string, b: string): boolean {
  return timingSafeEqual(sha256Bytes(a), sha256Bytes(b));
}
