import type { Credentials } from '@secbot/core';

/** Bounds on what a caller may present; anything outside is rejected before any work is done. */
export const credentialLimits = {
  /** Longest username, in UTF-16 code units, before and after normalisation. */
  maxUsernameLength: 256,
  /** Longest password, in UTF-8 bytes (bounds the work a hash does on attacker input). */
  maxPasswordBytes: 1024,
  /** Longest bearer token, in characters. */
  maxTokenLength: 16_384,
  /** Longest API key, in characters. */
  maxApiKeyLength: 512,
} as const;

// In a `u` regular expression a valid surrogate pair is one code point, so this matches lone halves only.
const loneSurrogate = /\p{Cs}/u;

/** Whether `text` is well-formed UTF-16 (no lone surrogate halves). */
export function isWellFormed(text: string): boolean {
  return !loneSurrogate.test(text);
}

/** Whether `text` holds a C0 or C1 control character (NUL, newline, escape, DEL...). */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/**
 * Whether `password` may be hashed or verified: a well-formed string (no lone surrogates, which
 * UTF-8 encoding would silently turn into U+FFFD, so two different passwords would hash alike) of
 * 1 to {@link credentialLimits.maxPasswordBytes} UTF-8 bytes. NUL and other characters are allowed:
 * the whole byte string is hashed, nothing is truncated.
 */
export function isAcceptablePassword(password: unknown): password is string {
  if (typeof password !== 'string' || password.length === 0) return false;
  // A UTF-16 code unit encodes to at least one byte, so this bounds the byte count cheaply first.
  if (password.length > credentialLimits.maxPasswordBytes) return false;
  if (!isWellFormed(password)) return false;
  return Buffer.byteLength(password, 'utf8') <= credentialLimits.maxPasswordBytes;
}

/**
 * Normalise a username for lookup: Unicode NFKC (so full-width and compatibility forms of the same
 * name match), then lower case when `caseFold` is set.
 *
 * @returns The normalised name, or `undefined` when it is not an acceptable username (not a
 *   string, empty, too long, malformed UTF-16, or holding control characters such as NUL).
 */
export function normalizeUsername(username: unknown, caseFold: boolean): string | undefined {
  if (typeof username !== 'string' || username.length === 0) return undefined;
  if (username.length > credentialLimits.maxUsernameLength || !isWellFormed(username)) return undefined;
  let name = username.normalize('NFKC');
  if (caseFold) name = name.toLowerCase().normalize('NFKC');
  if (name.length === 0 || name.length > credentialLimits.maxUsernameLength) return undefined;
  if (hasControlCharacter(name) || name.trim().length === 0) return undefined;
  return name;
}

/**
 * Check the shape of credentials from an untrusted caller.
 *
 * @returns The credentials when well-formed; `undefined` for anything else (a non-object, an
 *   unknown kind, non-string fields, oversized or malformed values).
 */
export function checkCredentials(input: unknown): Credentials | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const candidate = input as Record<string, unknown>;
  switch (candidate.kind) {
    case 'password': {
      const { username, password } = candidate;
      if (normalizeUsername(username, false) === undefined || !isAcceptablePassword(password))
        return undefined;
      return { kind: 'password', username: username as string, password };
    }
    case 'bearer': {
      const { token } = candidate;
      if (typeof token !== 'string' || token.length === 0 || token.length > credentialLimits.maxTokenLength)
        return undefined;
      return { kind: 'bearer', token };
    }
    case 'apiKey': {
      const { key } = candidate;
      if (typeof key !== 'string' || key.length === 0 || key.length > credentialLimits.maxApiKeyLength)
        return undefined;
      return { kind: 'apiKey', key };
    }
    default:
      return undefined;
  }
}

/** The credential kinds secbot knows. */
export const credentialKinds = [
  'bearer',
  'password',
  'apiKey',
] as const satisfies readonly Credentials['kind'][];

/** What each credential kind is called in events' `method` field when no principal exists yet. */
export function methodOf(credentials: unknown): string {
  if (typeof credentials === 'object' && credentials !== null) {
    const kind = (credentials as { kind?: unknown }).kind;
    if (kind === 'password' || kind === 'apiKey' || kind === 'bearer') return kind;
  }
  return 'unknown';
}
