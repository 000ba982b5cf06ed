import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import { compileKeyMatcher, defaultRedactKeys } from './internal/redact-keys.js';
import { compileScrubber, defaultValuePatterns } from './internal/redact-patterns.js';
import { compileWalker, redactMarkers } from './internal/redact-walk.js';

export { defaultRedactKeys, redactMarkers };

/** Names of the built-in value patterns (see {@link createRedactor}). */
export const defaultRedactPatternNames: readonly string[] = defaultValuePatterns.map(
  (pattern) => pattern.name,
);

/**
 * A compiled redactor: returns a redacted, JSON-shaped deep copy of its input and never mutates it.
 * The copy has the same shape for plain data; Dates and other `toJSON` objects become what
 * `JSON.stringify` would write, bigints become strings, Maps objects, Sets arrays, binary data a
 * `[Binary: n bytes]` marker, and `undefined` members are dropped.
 */
export type Redactor = <T>(value: T) => T;

const positiveInt = z.number().int().positive();

const redactorOptionsSchema = z
  .object({
    keys: z.array(z.string().min(1)).optional(),
    patterns: z.array(z.instanceof(RegExp)).optional(),
    replacement: z.string().default('[REDACTED]'),
    extra: z
      .custom<(value: string) => string>((v) => typeof v === 'function', 'must be a function')
      .optional(),
    defaults: z.boolean().default(true),
    maxDepth: positiveInt.max(1000).default(32),
    maxNodes: positiveInt.default(10_000),
    maxStringLength: positiveInt.default(16_384),
    maxTotalChars: positiveInt.default(1_048_576),
  })
  .strict()
  .superRefine((options, ctx) => {
    for (const [index, pattern] of (options.patterns ?? []).entries()) {
      const problem = unsafePattern(pattern);
      if (problem !== undefined)
        ctx.addIssue({ code: 'custom', path: ['patterns', index], message: problem });
    }
  });

/** Options of {@link createRedactor}. */
export interface RedactorOptions {
  /** Key names to redact besides the defaults (compared ignoring case and `- _ .` and spaces). */
  readonly keys?: readonly string[];
  /** Value patterns to redact inside strings besides the defaults; must be linear-time (no nested repeats). */
  readonly patterns?: readonly RegExp[];
  /** What replaces a secret. Default `[REDACTED]`. */
  readonly replacement?: string;
  /** Runs on every string value and key after the built-in patterns (e.g. PII redaction); fails closed. */
  readonly extra?: (value: string) => string;
  /** Start from the default keys and patterns. Default `true`. */
  readonly defaults?: boolean;
  /** Deepest nesting copied; deeper values become a marker. Default 32. */
  readonly maxDepth?: number;
  /** Most values copied; the rest become a marker. Default 10,000. */
  readonly maxNodes?: number;
  /** Longest string kept whole. Default 16,384. */
  readonly maxStringLength?: number;
  /** Most characters copied in all. Default 1 MiB. */
  readonly maxTotalChars?: number;
}

/**
 * Compile a redactor once; call the result on every event.
 *
 * Secret **keys** (at any depth, compared case-insensitively after removing `-`, `_`, `.` and
 * spaces) have their whole value replaced, whatever its type. The built-in names are
 * {@link defaultRedactKeys}; in addition any key *containing* `password`, `passwd`, `passphrase`,
 * `secret`, `apikey`, `privatekey` or `credential`, or *ending* in `token`, `pwd`, `cookie` or
 * `authorization`, is secret (`maxTokens` and `tokenCount` are not). `keys` adds exact names.
 *
 * Secret **values** are cut out of every string (values and key names) by linear-time patterns:
 * `Bearer`/`Basic` credentials (the scheme is kept), JWTs, PEM private keys (to the END line, or to
 * the end of a cut string), `user:password@` in URLs, `password=`/`token=` assignments, JSON
 * `"password": "..."` members inside text, Stripe `sk_live_`/`rk_live_`/`whsec_`, Slack `xox?-`,
 * GitHub `ghp_`/`github_pat_`, GitLab `glpat-`, AWS `AKIA`/`ASIA` key ids, Google `AIza`, `sk-`
 * keys (OpenAI, Anthropic) and npm tokens. `patterns` adds your own (the whole match is replaced);
 * they run on every string, so keep them cheap, and a pattern with a quantified group that itself
 * contains a quantifier or a backreference (catastrophic backtracking) is refused.
 *
 * `extra` runs last on every string value and key (e.g. `privacy.redact` for PII); if it throws or
 * returns a non-string, the value is replaced (fail closed).
 *
 * Bounds: beyond `maxDepth` (32) a value becomes `[Truncated: depth]`; a cycle becomes
 * `[Circular]`; after `maxNodes` (10,000) entries an object or array ends with a
 * `[Truncated: size]` entry; strings longer than `maxStringLength` (16,384) are cut and marked;
 * after `maxTotalChars` (1 MiB) of text every further string is `[Truncated: size]`; a throwing
 * getter, Proxy or `toJSON` gives `[Unreadable]`. The redactor never throws for any input.
 *
 * @param options - Extra keys and patterns, the replacement text, the `extra` hook, the bounds;
 *   `defaults: false` switches the built-in keys and patterns off.
 * @returns The compiled {@link Redactor}.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option.
 * @example
 * ```ts
 * import { createRedactor } from '@secbot/audit';
 *
 * const redact = createRedactor({ keys: ['x-tenant-secret'] });
 * redact({ headers: { Authorization: 'Bearer abc.def.ghi' }, note: 'key sk_live_0123456789abcdef' });
 * // { headers: { Authorization: '[REDACTED]' }, note: 'key [REDACTED]' }
 * ```
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const config = parseOptions(redactorOptionsSchema, options, 'createRedactor');
  const { replacement, extra } = config;
  const patterns = compileScrubber(
    config.defaults ? defaultValuePatterns : [],
    config.patterns ?? [],
    replacement,
  );
  const scrub =
    extra === undefined
      ? patterns
      : (text: string): string => {
          const cleaned = patterns(text);
          try {
            const out: unknown = extra(cleaned);
            return typeof out === 'string' ? out : replacement;
          } catch {
            return replacement;
          }
        };
  const walk = compileWalker({
    isSecretKey: compileKeyMatcher(config.keys ?? [], config.defaults),
    scrub,
    replacement,
    maxDepth: config.maxDepth,
    maxNodes: config.maxNodes,
    maxStringLength: config.maxStringLength,
    maxTotalChars: config.maxTotalChars,
  });
  return walk as Redactor;
}

// A refusal reason for a caller pattern prone to catastrophic backtracking, or undefined. This is
// a conservative syntactic check: a quantified group that contains a quantifier, or a backreference.
function unsafePattern(pattern: RegExp): string | undefined {
  const source = pattern.source;
  if (/\\[1-9]|\\k</.test(source)) return 'backreferences are not allowed (not linear-time)';
  const stack: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === '(') stack.push(false);
    else if (char === ')') {
      const quantifiedInside = stack.pop() ?? false;
      const next = source[i + 1];
      const quantified = next === '*' || next === '+' || next === '{' || next === '?';
      if (quantifiedInside && quantified && next !== '?')
        return 'a repeated group contains a quantifier (nested quantifiers are not linear-time)';
      if (stack.length > 0 && (quantifiedInside || quantified)) stack[stack.length - 1] = true;
    } else if ((char === '*' || char === '+' || char === '{') && stack.length > 0) {
      stack[stack.length - 1] = true;
    }
  }
  return undefined;
}
