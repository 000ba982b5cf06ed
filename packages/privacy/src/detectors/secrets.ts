import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { Detector, Finding } from '../finding.js';
import { randomTokens } from './part2-entropy.js';
import { pemFooter, pemHeader, secretPatterns } from './part2-secret-patterns.js';
import { boosted } from './part2-text.js';

const name = 'secrets';
const contextWords = [
  'key',
  'apikey',
  'api',
  'token',
  'secret',
  'password',
  'passwd',
  'credential',
  'credentials',
  'auth',
  'bearer',
];

const optionsSchema = z.object({ highEntropy: z.boolean().default(true) }).strict();

/** Options of {@link secretsDetector}. */
export interface SecretsOptions {
  /** Also report random-looking tokens that match no known shape. Default `true`. */
  readonly highEntropy?: boolean;
}

/**
 * A detector of secrets (type `SECRET`):
 *
 * - PEM private-key blocks, header to footer (confidence 0.99); a block without its `-----END`
 *   line runs to the end of the text (fail closed: a cut key is still a key);
 * - JWTs `eyJ...eyJ....sig`, AWS key ids `AKIA`/`ASIA`, GitHub `ghp_`/`gho_`/`ghu_`/`ghs_`/
 *   `ghr_`/`github_pat_`, GitLab `glpat-`, Slack `xox?-`, Stripe `sk_live_`/`rk_live_`/`sk_test_`/
 *   `whsec_`, Google `AIza`, OpenAI and Anthropic `sk-...` (with a digit and an upper-case letter,
 *   so `sk-learn-...` is not one), npm `npm_` (confidence 0.95);
 * - with `highEntropy` (default), random-looking tokens: runs of base64 characters
 *   (`A-Z a-z 0-9 + / = _ -`) of 20 or more with digits, upper- and lower-case letters and a
 *   Shannon entropy of at least 0.8 x log2(length) (confidence 0.6), and hex runs of 32 or more with
 *   entropy of at least 3 bits per character (confidence 0.5: hex is often a commit or content
 *   hash, not a secret); both raised by 0.3 near `key`, `token`, `secret`, `password` and the like.
 *
 * Not reported, by design: UUIDs (identifiers, not secrets: a UUID used as an API key is missed),
 * ordinary words and snake or kebab case identifiers (no digits, or too little entropy), tokens
 * of a single letter case (base32 codes). Long camel-case identifiers with digits can reach the
 * entropy bar; they are reported at 0.6, below the usual 0.7 threshold unless near a context word.
 *
 * @param options - Whether to look for high-entropy tokens.
 * @returns The detector.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option.
 * @example
 * ```ts
 * import { scanText, secretsDetector } from '@secbot/privacy';
 *
 * scanText('my key is AKIAIOSFODNN7EXAMPLE', [secretsDetector()]);
 * // [{ type: 'SECRET', start: 10, end: 30, confidence: 0.95, detector: 'secrets' }]
 * ```
 */
export function secretsDetector(options: SecretsOptions = {}): Detector {
  const { highEntropy } = parseOptions(optionsSchema, options, 'secretsDetector');
  return {
    name,
    types: ['SECRET'],
    scan(text, context) {
      const found: Finding[] = [];
      const push = (start: number, end: number, confidence: number): void => {
        found.push({ type: 'SECRET', start, end, confidence, detector: name });
      };
      findPemBlocks(text, push);
      for (const pattern of secretPatterns) {
        for (const match of text.matchAll(pattern.regex)) {
          if (pattern.accept !== undefined && !pattern.accept(match[0])) continue;
          push(match.index, match.index + match[0].length, 0.95);
        }
      }
      if (highEntropy) {
        for (const token of randomTokens(text)) {
          const near = context.near(token.start, token.end, contextWords);
          push(token.start, token.end, boosted(token.hex ? 0.5 : 0.6, 0.3, near));
        }
      }
      return found;
    },
  };
}

// Each block from its header to the next footer; a header without a footer runs to the end of the
// text, and the search stops there (so repeated headers cost one pass).
function findPemBlocks(text: string, push: (start: number, end: number, confidence: number) => void): void {
  if (!text.includes('-----BEGIN')) return;
  const header = new RegExp(pemHeader.source, 'g');
  const footer = new RegExp(pemFooter.source, 'g');
  let from = 0;
  while (from < text.length) {
    header.lastIndex = from;
    const head = header.exec(text);
    if (head === null) return;
    footer.lastIndex = head.index + head[0].length;
    const foot = footer.exec(text);
    const end = foot === null ? text.length : foot.index + foot[0].length;
    push(head.index, end, 0.99);
    from = end;
  }
}
