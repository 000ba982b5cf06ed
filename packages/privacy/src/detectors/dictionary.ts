import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { Detector, Finding } from '../finding.js';
import { buildTermMatcher } from './part2-aho-corasick.js';
import { isWordAt } from './part2-text.js';

const maxTerms = 10_000;
const maxTermLength = 256;

const optionsSchema = z
  .object({
    name: z.string().min(1).max(64),
    type: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be upper-case snake case (e.g. PROJECT_NAME)'),
    terms: z
      .array(
        z
          .string()
          .max(maxTermLength, `a term is longer than ${maxTermLength} characters`)
          .refine((term) => term.trim() !== '', 'a term is empty or blank'),
      )
      .min(1)
      .max(maxTerms, `more than ${maxTerms} terms`),
    caseSensitive: z.boolean().default(false),
    wholeWords: z.boolean().default(true),
    confidence: z.number().min(0).max(1).default(0.7),
  })
  .strict();

/** Options of {@link dictionaryDetector}. */
export interface DictionaryOptions {
  /** A unique detector name, e.g. `project-names`. */
  readonly name: string;
  /** The type reported, upper-case snake case, e.g. `PROJECT_NAME`. */
  readonly type: string;
  /** The terms to find: 1 to 10,000, each 1 to 256 characters and not blank. */
  readonly terms: readonly string[];
  /** Match case exactly. Default `false`. */
  readonly caseSensitive?: boolean;
  /** Report a term only when no letter, digit or `_` touches either end. Default `true`. */
  readonly wholeWords?: boolean;
  /** Confidence of a match. Default 0.7. */
  readonly confidence?: number;
}

// Case folding per UTF-16 code unit, so spans never shift (`'İ'.toLowerCase()` is two units long).
const foldCase = (code: number): number => {
  if (code >= 65 && code <= 90) return code + 32;
  if (code < 128) return code;
  const lower = String.fromCharCode(code).toLowerCase();
  return lower.length === 1 ? lower.charCodeAt(0) : code;
};
const identity = (code: number): number => code;

/**
 * A detector of a fixed list of terms (project code names, customer names, internal hosts), with
 * an Aho-Corasick automaton built once: a scan is one pass over the text whatever the number of
 * terms. At each position the longest matching term is reported; where it is not a whole word,
 * up to eight shorter terms ending there are tried. Case-insensitive matching folds each UTF-16
 * unit on its own, so spans are exact.
 *
 * @param options - Name, type, terms and matching rules.
 * @returns The detector.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (too many terms, a blank or overlong
 *   term); terms themselves are never quoted in the message.
 * @example
 * ```ts
 * import { dictionaryDetector, scanText } from '@secbot/privacy';
 *
 * const projects = dictionaryDetector({ name: 'projects', type: 'PROJECT_NAME', terms: ['Blue Falcon'] });
 * scanText('status of blue falcon?', [projects]);
 * // [{ type: 'PROJECT_NAME', start: 10, end: 21, confidence: 0.7, detector: 'projects' }]
 * ```
 */
export function dictionaryDetector(options: DictionaryOptions): Detector {
  const config = parseOptions(optionsSchema, options, 'dictionaryDetector');
  const fold = config.caseSensitive ? identity : foldCase;
  const matcher = buildTermMatcher(config.terms, fold);
  const { name, type, confidence, wholeWords } = config;
  return {
    name,
    types: [type],
    scan(text) {
      const accept = wholeWords
        ? (start: number, end: number): boolean => !isWordAt(text, start - 1) && !isWordAt(text, end)
        : (): boolean => true;
      const found: Finding[] = [];
      matcher.find(text, fold, accept, (start, end) => {
        found.push({ type, start, end, confidence, detector: name });
      });
      return found;
    },
  };
}
