import type { Detector, Finding } from '../finding.js';
import {
  type ContextWordOptions,
  contextOnlySchema,
  finding,
  isDigit,
  isLetter,
  parseDetectorOptions,
} from './part1-common.js';

/** Options of {@link emailDetector}. */
export type EmailDetectorOptions = ContextWordOptions;

const contextWords = ['email', 'e-mail', 'mail', 'address', 'contact', 'reach'] as const;

/** Longest local part (RFC 5321 section 4.5.3.1.1). */
const maxLocal = 64;
/** Longest domain (RFC 5321 section 4.5.3.1.2). */
const maxDomain = 253;

const isAlnum = (code: number): boolean => isDigit(code) || isLetter(code);
// practical local-part characters: letters, digits and . _ % + -
const isLocalChar = (code: number): boolean =>
  isAlnum(code) || code === 46 || code === 95 || code === 37 || code === 43 || code === 45;
const isDomainChar = (code: number): boolean => isAlnum(code) || code === 46 || code === 45;

function validLocal(local: string): boolean {
  return local.length > 0 && !local.endsWith('.') && !local.includes('..');
}

// File extensions that are not top-level domains: `logo@2x.png` is an image name, not an address.
// (`.zip` and `.mov` are real TLDs and stay.)
const fileExtensions = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'webp',
  'bmp',
  'ico',
  'tif',
  'tiff',
  'heic',
  'pdf',
  'txt',
  'css',
  'js',
  'json',
  'html',
  'xml',
  'csv',
  'docx',
  'xlsx',
]);

function validDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63 || label.startsWith('-') || label.endsWith('-')) return false;
  }
  const tld = labels[labels.length - 1] as string;
  if (fileExtensions.has(tld.toLowerCase())) return false;
  return tld.startsWith('xn--') || /^[A-Za-z]{2,63}$/.test(tld);
}

/**
 * Finds email addresses (`EMAIL`) in the practical subset of RFC 5321 that people type:
 * `local@domain`, where the local part is letters, digits and `. _ % + -` (at most 64 characters,
 * no leading, trailing or doubled dot) and the domain is at least two dot-separated labels of
 * letters, digits and inner hyphens (each at most 63 characters, at most 253 in all) ending in an
 * alphabetic top-level domain or an `xn--` one. A dot or hyphen ending a sentence is left out.
 *
 * Validation is a hand-written scan outward from each `@` (no regular expression backtracking):
 * each character is read a bounded number of times. Confidence is 0.85 (the shape is specific) and
 * 0.1 more when a context word is near (`email`, `mail`, `contact`, ...).
 *
 * Not reported: quoted local parts, IP-literal domains (`user@[10.0.0.1]`), internationalised
 * (non-ASCII) addresses, single-label domains (`root@localhost`), numeric top-level domains,
 * file names whose "domain" ends in a file extension that is no TLD (`logo@2x.png`), and local
 * parts or domains over the RFC 5321 limits.
 *
 * @param options - Extra context words.
 * @returns A detector named `email`.
 * @throws SecbotError `CONFIG_INVALID` for unknown or malformed options.
 * @example
 * ```ts
 * import { emailDetector, scanText } from '@secbot/privacy';
 *
 * const [email] = scanText('email me at jane.doe@example.com.', [emailDetector()]);
 * // email: { type: 'EMAIL', start: 12, end: 32, confidence: 0.95, detector: 'email' }
 * ```
 */
export function emailDetector(options?: EmailDetectorOptions): Detector {
  const { words } = parseDetectorOptions(contextOnlySchema, options, 'emailDetector', contextWords);
  const name = 'email';
  return {
    name,
    types: ['EMAIL'],
    scan(text, context) {
      const found: Finding[] = [];
      let at = text.indexOf('@');
      // the left scan stops at the previous `@` and the right one at the next: linear overall
      while (at !== -1) {
        let start = at;
        while (start > 0 && at - start <= maxLocal && isLocalChar(text.charCodeAt(start - 1))) start--;
        let end = at + 1;
        while (end < text.length && end - at <= maxDomain + 1 && isDomainChar(text.charCodeAt(end))) end++;
        const next = text.indexOf('@', at + 1);
        const overlong =
          (start > 0 && isLocalChar(text.charCodeAt(start - 1))) ||
          (end < text.length && isDomainChar(text.charCodeAt(end)));
        while (start < at && text.charCodeAt(start) === 46) start++;
        while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
        const local = text.slice(start, at);
        const domain = text.slice(at + 1, end);
        if (
          !overlong &&
          local.length <= maxLocal &&
          domain.length <= maxDomain &&
          validLocal(local) &&
          validDomain(domain)
        ) {
          found.push(finding('EMAIL', name, { start, end, base: 0.85, boost: 0.1 }, context, words));
        }
        at = next;
      }
      return found;
    },
  };
}
