/**
 * Permission syntax, shared by grants and checks.
 *
 * A permission is 1 to {@link maxPermissionSegments} segments joined by `:`, e.g.
 * `transcripts:read` or `bot:command:export`; a segment is 1-64 characters of `[A-Za-z0-9_.-]`.
 * A grant may use `*` as a whole segment to match any one segment. A grant also covers every
 * permission it is a prefix of (as in Apache Shiro): `transcripts` and `transcripts:*` both cover
 * `transcripts:read` and `transcripts:read:ssn`; `*` alone covers everything.
 */
export const maxPermissionSegments = 5;

/** Longest permission or grant, in characters. */
export const maxPermissionLength = 256;

const segmentPattern = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Split and check a permission; `*` segments are accepted only when `allowWildcards` is set.
 *
 * @returns The segments, or `undefined` when the string is not a well-formed permission.
 */
export function parsePermission(permission: unknown, allowWildcards: boolean): string[] | undefined {
  if (typeof permission !== 'string' || permission.length === 0 || permission.length > maxPermissionLength) {
    return undefined;
  }
  const segments = permission.split(':');
  if (segments.length > maxPermissionSegments) return undefined;
  for (const segment of segments) {
    if (segment === '*' ? !allowWildcards : !segmentPattern.test(segment)) return undefined;
  }
  return segments;
}
