// Character tests shared by the detectors, the scan context and the injection heuristics.
// Internal: not exported from the package.

const letterOrDigit = /[\p{L}\p{N}]/u;

/**
 * Whether the UTF-16 code unit at `index` is part of a letter or digit of any script (a surrogate
 * half is judged by its whole code point), or `_` unless `underscore` is false (false outside the
 * text).
 */
export function isWordAt(text: string, index: number, underscore = true): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 128) return isAsciiAlnum(code) || (underscore && code === 95);
  if (code >= 0x2000 && code <= 0x206f) return false; // general punctuation, spaces, invisible controls
  if (code < 0xd800 || code > 0xdfff) return letterOrDigit.test(text.charAt(index));
  // A surrogate half: test the whole code point it belongs to.
  const start = code >= 0xdc00 && index > 0 ? index - 1 : index;
  const point = text.codePointAt(start) ?? code;
  return letterOrDigit.test(String.fromCodePoint(point));
}

/** `0-9`, `A-Z`, `a-z`. */
export function isAsciiAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** `0-9`, `A-F`, `a-f`. */
export function isHexDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/** A confidence raised by `boost` when the context holds, capped at 1. */
export function boosted(base: number, boost: number, holds: boolean): number {
  return holds ? Math.min(1, Math.round((base + boost) * 100) / 100) : base;
}
