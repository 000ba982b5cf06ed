import { createHash } from 'node:crypto';

/** Values longer than this are remembered by digest (distinct counts, first-seen history). */
export const maxRememberedLength = 64;

/**
 * A value as remembered: itself when short, else `#` and 22 characters of its SHA-256
 * (base64url), so remembered values stay small whatever an event carries.
 *
 * @param value - A bounded value.
 * @returns The value or its digest.
 */
export function rememberedValue(value: string): string {
  return value.length <= maxRememberedLength
    ? value
    : `#${createHash('sha256').update(value).digest('base64url').slice(0, 22)}`;
}
