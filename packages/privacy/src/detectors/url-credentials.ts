import type { Detector, Finding } from '../finding.js';
import { isAsciiAlnum } from './part2-text.js';

const name = 'url-credentials';
const maxPart = 256;
const maxScheme = 32;

const isSchemeChar = (code: number): boolean =>
  isAsciiAlnum(code) || code === 43 || code === 45 || code === 46;
// Characters that end the userinfo: whitespace, `/ ? # @` and quotes or brackets around a URL.
const endsUserinfo = (code: number): boolean =>
  code <= 32 ||
  code === 47 ||
  code === 63 ||
  code === 35 ||
  code === 64 ||
  code === 34 ||
  code === 39 ||
  code === 60 ||
  code === 62;

/**
 * A detector of credentials inside URLs (type `URL_CREDENTIALS`): in
 * `scheme://user:password@host`, the `user:password` span is reported (confidence 0.95), so a
 * replacement keeps the scheme and host readable (`postgres://[REDACTED]@db:5432`). A URL with a
 * user but no password (`ssh://git@github.com`) or an empty password is not reported.
 *
 * Linear: each `://` is followed by a bounded forward walk (user and password at most 256
 * characters each) that stops at `/`, so walks never overlap.
 *
 * @returns The detector.
 * @example
 * ```ts
 * import { scanText, urlCredentialsDetector } from '@secbot/privacy';
 *
 * scanText('use redis://app:s3cret@cache:6379', [urlCredentialsDetector()]);
 * // [{ type: 'URL_CREDENTIALS', start: 12, end: 22, confidence: 0.95, detector: 'url-credentials' }]
 * ```
 */
export function urlCredentialsDetector(): Detector {
  return {
    name,
    types: ['URL_CREDENTIALS'],
    scan(text) {
      const found: Finding[] = [];
      let at = text.indexOf('://');
      while (at !== -1) {
        const start = at + 3;
        const end = userinfoEnd(text, at, start);
        if (end !== undefined) {
          found.push({ type: 'URL_CREDENTIALS', start, end, confidence: 0.95, detector: name });
        }
        at = text.indexOf('://', start);
      }
      return found;
    },
  };
}

// Where `user:password` starting at `start` ends (at the `@`), or undefined when the URL holds no
// password or no scheme precedes `://` at `colonSlash`.
function userinfoEnd(text: string, colonSlash: number, start: number): number | undefined {
  let s = colonSlash;
  while (s > 0 && colonSlash - s < maxScheme && isSchemeChar(text.charCodeAt(s - 1))) s--;
  const first = text.charCodeAt(s);
  const isLetter = (first >= 65 && first <= 90) || (first >= 97 && first <= 122);
  if (s === colonSlash || !isLetter) return undefined;
  let colon = -1;
  const limit = Math.min(text.length, start + 2 * maxPart + 1);
  for (let i = start; i < limit; i++) {
    const code = text.charCodeAt(i);
    if (code === 64) {
      // `@`: credentials only when a non-empty user and a non-empty password came before it.
      return colon > start && i > colon + 1 ? i : undefined;
    }
    if (endsUserinfo(code)) return undefined;
    if (code === 58 && colon === -1) {
      if (i - start > maxPart) return undefined;
      colon = i;
    }
  }
  return undefined;
}
