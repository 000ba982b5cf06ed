import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { Detector, Finding } from '../finding.js';
import { guardPattern } from './part2-regex-guard.js';
import { boosted } from './part2-text.js';

const typeName = /^[A-Z][A-Z0-9_]{0,63}$/;

const optionsSchema = z
  .object({
    name: z.string().min(1).max(64),
    type: z.string().regex(typeName, 'must be upper-case snake case (e.g. EMPLOYEE_ID)'),
    pattern: z.union([z.instanceof(RegExp), z.string().min(1).max(1000)]),
    confidence: z.number().min(0).max(1).default(0.6),
    context: z.array(z.string().min(1).max(64)).max(100).default([]),
    contextBoost: z.number().min(0).max(1).default(0.2),
    maxRepeat: z.number().int().min(1).max(256).default(32),
  })
  .strict()
  .superRefine((options, ctx) => {
    const regex = compile(options.pattern, options.maxRepeat);
    // The message names the problem, never the pattern (it may be built from sensitive terms).
    if (typeof regex === 'string') ctx.addIssue({ code: 'custom', path: ['pattern'], message: regex });
  });

/** Options of {@link customRegexDetector}. */
export interface CustomRegexOptions {
  /** A unique detector name, e.g. `employee-id`. */
  readonly name: string;
  /** The type reported, upper-case snake case, e.g. `EMPLOYEE_ID`. */
  readonly type: string;
  /**
   * What to find: a `RegExp` (its flags are kept, `g` is added and `y` removed) or a source
   * string (compiled with `g`). Refused: backreferences, lookbehind, a repeated group that
   * contains a quantifier or an alternation (`(a+)+`, `(a|ab)*`: catastrophic backtracking), and
   * repeats above `maxRepeat`; `*`, `+` and `{n,}` are bounded to `maxRepeat` (write `\d{3}-\d{4}`
   * rather than `(\d+-)+`).
   */
  readonly pattern: RegExp | string;
  /** Confidence of a match without context, 0 to 1. Default 0.6. */
  readonly confidence?: number;
  /** Context words (matched as whole words, case-insensitively) that raise the confidence. */
  readonly context?: readonly string[];
  /** How much a context word raises the confidence (capped at 1). Default 0.2. */
  readonly contextBoost?: number;
  /** The longest repeat allowed, and the bound given to `*`, `+` and `{n,}`. Default 32, at most 256. */
  readonly maxRepeat?: number;
}

/**
 * A detector of your own data shapes (order numbers, employee ids) from a regular expression,
 * made safe to run on hostile text: the pattern is checked and rewritten once, when the factory
 * runs (see {@link CustomRegexOptions.pattern}), so a match attempt is bounded and a 100 KB
 * input scans in milliseconds. A match longer than `maxRepeat` characters in one repeat is
 * reported in pieces. Empty matches are skipped. The scan never throws and keeps no state between
 * calls (each scan iterates its own copy of the regex).
 *
 * A pattern whose repeats cover overlapping characters one after another (`\w{0,64}\w{0,64}x`)
 * still multiplies its bounds at each position; keep adjacent repeats over distinct characters.
 *
 * @param options - Name, type, pattern, confidence and context.
 * @returns The detector.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option, including an unsafe or invalid pattern.
 * @example
 * ```ts
 * import { customRegexDetector, scanText } from '@secbot/privacy';
 *
 * const employeeId = customRegexDetector({
 *   name: 'employee-id',
 *   type: 'EMPLOYEE_ID',
 *   pattern: /\bEMP-\d{6}\b/,
 *   context: ['employee'],
 * });
 * scanText('employee EMP-004211 called', [employeeId]);
 * // [{ type: 'EMPLOYEE_ID', start: 9, end: 19, confidence: 0.8, detector: 'employee-id' }]
 * ```
 */
export function customRegexDetector(options: CustomRegexOptions): Detector {
  const config = parseOptions(optionsSchema, options, 'customRegexDetector');
  const regex = compile(config.pattern, config.maxRepeat) as RegExp;
  const words = config.context.map((word) => word.toLowerCase());
  const { name, type, confidence, contextBoost } = config;
  return {
    name,
    types: [type],
    scan(text, context) {
      const found: Finding[] = [];
      for (const match of text.matchAll(regex)) {
        const start = match.index;
        const end = start + match[0].length;
        if (end === start) continue;
        const near = words.length > 0 && context.near(start, end, words);
        found.push({ type, start, end, confidence: boosted(confidence, contextBoost, near), detector: name });
      }
      return found;
    },
  };
}

// The safe, global regex for `pattern`, or why it is refused.
function compile(pattern: RegExp | string, maxRepeat: number): RegExp | string {
  const source = typeof pattern === 'string' ? pattern : pattern.source;
  const flags = typeof pattern === 'string' ? '' : pattern.flags.replace(/[gy]/g, '');
  const guarded = guardPattern(source, maxRepeat);
  if ('problem' in guarded) return guarded.problem;
  try {
    return new RegExp(guarded.source, `${flags}g`);
  } catch {
    return 'is not a valid regular expression';
  }
}
