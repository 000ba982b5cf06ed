import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { Operator } from './operator.js';

const maskOptionsSchema = z
  .object({
    keep: z.number().int().min(0).max(32).default(4),
    maskChar: z
      .string()
      .refine((value) => Array.from(value).length === 1, 'must be exactly one character')
      .default('*'),
    keepSeparators: z.boolean().default(false),
  })
  .strict();

/** Options of {@link maskOperator}. */
export interface MaskOperatorOptions {
  /** Letters and digits left visible at the end. Default 4. */
  readonly keep?: number;
  /** The character that hides the rest (one character). Default `*`. */
  readonly maskChar?: string;
  /**
   * Leave spaces and punctuation of the hidden part as they are (`**** **** **** 1111`) instead of
   * masking them too. Default `false`.
   */
  readonly keepSeparators?: boolean;
}

const letterOrDigit = /[\p{L}\p{N}]/u;

/**
 * Mask each value but its last `keep` letters or digits: `4111 1111 1111 1111` becomes
 * `***************1111`. Characters are counted as code points, so an emoji or a letter outside
 * the BMP is one character and is never split. A short value never shows more than half of its
 * letters and digits (`12345` becomes `***45`; a value with one letter or digit is masked whole),
 * so masking never gives away a whole value.
 *
 * @param options - How many to keep, the mask character, whether separators stay.
 * @returns The operator.
 * @throws SecbotError `CONFIG_INVALID` for `keep` outside 0..32 or a mask that is not one character.
 * @example
 * ```ts
 * import { maskOperator } from '@secbot/privacy';
 *
 * maskOperator().replace('4111 1111 1111 1111', 'CREDIT_CARD'); // '***************1111'
 * maskOperator({ keepSeparators: true }).replace('4111 1111 1111 1111', 'CREDIT_CARD'); // '**** **** **** 1111'
 * ```
 */
export function maskOperator(options: MaskOperatorOptions = {}): Operator {
  const { keep, maskChar, keepSeparators } = parseOptions(maskOptionsSchema, options, 'maskOperator');
  return {
    name: 'mask',
    replace(value) {
      const chars = Array.from(value);
      const alnum: number[] = [];
      for (let i = 0; i < chars.length; i++) if (letterOrDigit.test(chars[i] as string)) alnum.push(i);
      const kept = Math.min(keep, Math.floor(alnum.length / 2));
      const cut = kept === 0 ? chars.length : (alnum[alnum.length - kept] as number);
      let out = '';
      for (let i = 0; i < cut; i++) {
        const char = chars[i] as string;
        out += keepSeparators && !letterOrDigit.test(char) ? char : maskChar;
      }
      for (let i = cut; i < chars.length; i++) out += chars[i];
      return out;
    },
  };
}
