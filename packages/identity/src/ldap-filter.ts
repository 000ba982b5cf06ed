/**
 * Escape a string for use as an assertion value inside an LDAP search filter (RFC 4515 §3).
 *
 * The five characters with a meaning in filter syntax are replaced by a backslash and two hex
 * digits: `*` -> `\2a`, `(` -> `\28`, `)` -> `\29`, `\` -> `\5c`, NUL -> `\00`. Everything else,
 * non-ASCII included, is left as it is (RFC 4515 allows UTF-8 in values, and escaping it byte by
 * byte would break clients that decode each escape as one character).
 *
 * Escape each untrusted value exactly once, right where it is put into a filter: a value that is
 * escaped twice no longer matches the entry it names (the user `o(neil)` would be locked out), and
 * one that is not escaped at all lets `*)(uid=*` rewrite the filter.
 *
 * @param value - The raw value, e.g. a username as typed.
 * @returns The value, safe to place between `=` and `)` in a filter.
 * @example
 * ```ts
 * import { escapeLdapFilterValue } from '@secbot/identity';
 *
 * escapeLdapFilterValue('o(neil)*'); // 'o\\28neil\\29\\2a'
 * const filter = `(&(objectClass=inetOrgPerson)(uid=${escapeLdapFilterValue(username)}))`;
 * ```
 */
export function escapeLdapFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (char) => escapes[char] ?? char);
}

const escapes: Readonly<Record<string, string>> = {
  '*': '\\2a',
  '(': '\\28',
  ')': '\\29',
  '\\': '\\5c',
  '\0': '\\00',
};
