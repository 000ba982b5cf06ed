import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { Finding, ScanContext } from '../finding.js';

/** Options every part-1 detector takes. */
export interface ContextWordOptions {
  /**
   * More context words (printable ASCII, any case; matched as whole words), added to the
   * detector's built-in list, e.g. words in the users' language (`konto`, `karte`).
   */
  readonly contextWords?: readonly string[];
}

// `ScanContext.near` compares lower-case ASCII words
const contextWordsSchema = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .max(40)
      .regex(/^[\x20-\x7e]+$/, 'context words are printable ASCII'),
  )
  .max(100)
  .optional();

/** The zod shape of {@link ContextWordOptions}, for detectors that add their own options. */
export const contextWordsShape = { contextWords: contextWordsSchema };

/**
 * Validate a detector's options (strict: unknown keys are rejected) and merge its context words.
 *
 * @throws SecbotError `CONFIG_INVALID` naming the bad option.
 */
export function parseDetectorOptions<S extends z.ZodObject>(
  schema: S,
  options: unknown,
  factory: string,
  builtInWords: readonly string[],
): { readonly options: z.output<S>; readonly words: readonly string[] } {
  const parsed = parseOptions(schema.strict(), options ?? {}, factory) as z.output<S>;
  const extra = (parsed as { contextWords?: readonly string[] }).contextWords ?? [];
  const words = [...new Set([...builtInWords, ...extra.map((word) => word.toLowerCase())])];
  return { options: parsed, words };
}

/** The options schema of detectors whose only option is `contextWords`. */
export const contextOnlySchema = z.object(contextWordsShape);

/** Whether the UTF-16 code unit is an ASCII digit. */
export const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** Whether the code unit is an ASCII letter. */
export const isLetter = (code: number): boolean => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

/** Whether the code unit continues a word: letters, digits, `_` and anything beyond ASCII. */
export const isWordChar = (code: number): boolean =>
  isDigit(code) || isLetter(code) || code === 95 || code > 127;

/** Whether `[start, end)` stands alone: no word character touches it on either side. */
export function standsAlone(text: string, start: number, end: number): boolean {
  return (start === 0 || !isWordChar(text.charCodeAt(start - 1))) && !isWordChar(text.charCodeAt(end));
}

/**
 * Build a finding, raising `base` by `boost` (capped at 0.99) when a context word is near.
 */
export function finding(
  type: string,
  detector: string,
  span: { readonly start: number; readonly end: number; readonly base: number; readonly boost: number },
  context: ScanContext,
  words: readonly string[],
): Finding {
  const near = context.near(span.start, span.end, words);
  const confidence = Math.min(0.99, near ? span.base + span.boost : span.base);
  return { type, start: span.start, end: span.end, confidence, detector };
}
