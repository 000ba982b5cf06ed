import { parseOptions, type SecbotErrorCode } from '@secbot/core';
import { z } from 'zod';
import type { Finding } from '../finding.js';
import { sortedSpans } from '../operators/spans.js';
import { placeholderPattern } from './placeholder.js';
import type { PseudonymVault, VaultScope, VaultValue } from './vault-types.js';

const pseudonymizerOptionsSchema = z
  .object({
    vault: z.custom<PseudonymVault>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as PseudonymVault).assign === 'function' &&
        typeof (value as PseudonymVault).reveal === 'function',
      'must be a PseudonymVault',
    ),
    escapeLookalikes: z.boolean().default(true),
    maxLookups: z.number().int().min(1).max(100_000).default(1000),
    maxRestoredLength: z
      .number()
      .int()
      .min(1)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
  })
  .strict();

/** Options of {@link createPseudonymizer}. */
export interface PseudonymizerOptions {
  /** Where values go ({@link createVault}). */
  readonly vault: PseudonymVault;
  /**
   * Turn placeholder-shaped text the user typed (`<EMAIL_1>`) into `‹EMAIL_1›` when
   * pseudonymising, so the model only ever sees placeholders the vault made. Default `true`.
   */
  readonly escapeLookalikes?: boolean;
  /** Most distinct placeholders looked up by one {@link Pseudonymizer.restore}. Default 1,000. */
  readonly maxLookups?: number;
  /** Longest text {@link Pseudonymizer.restore} returns, in UTF-16 code units. Default 1 MiB. */
  readonly maxRestoredLength?: number;
}

/** What {@link Pseudonymizer.pseudonymize} returns. */
export interface PseudonymizeResult {
  /** The text with each value replaced by its placeholder. */
  readonly text: string;
  /** The distinct placeholders used, in order of first appearance. */
  readonly placeholders: readonly string[];
  /** Values the vault would not hold (too long, conversation full), replaced by `[TYPE]` for good. */
  readonly unvaulted: number;
  /** Placeholder-shaped strings in the input that were escaped. */
  readonly escaped: number;
}

/** A placeholder {@link Pseudonymizer.restore} left as it was, and why. */
export interface UnresolvedPlaceholder {
  /** The placeholder, e.g. `<EMAIL_3>`. */
  readonly placeholder: string;
  /**
   * `missing`: not in this conversation's vault (expired, never made, another conversation's);
   * `unopenable`: stored but does not open (see `code`); `limit`: past `maxLookups`.
   */
  readonly reason: 'missing' | 'unopenable' | 'limit';
  /** For `unopenable`: the envelope's code, e.g. `CRYPTO_DECRYPT_FAILED`. */
  readonly code?: SecbotErrorCode;
}

/** What {@link Pseudonymizer.restore} returns. */
export interface RestoreResult {
  /** The text with the originals put back. */
  readonly text: string;
  /** Placeholder occurrences replaced. */
  readonly restored: number;
  /** Distinct placeholders left as they were. */
  readonly unresolved: readonly UnresolvedPlaceholder[];
  /** Whether occurrences were left as placeholders to keep the text within `maxRestoredLength`. */
  readonly limited: boolean;
}

/** Reversible replacement of found values by per-conversation placeholders. */
export interface Pseudonymizer {
  /**
   * Replace each finding with its conversation's placeholder for the value: equal values (same
   * type) get the same placeholder, in this and later calls, until the vault entry expires.
   *
   * @param text - The text that was scanned.
   * @param findings - Non-overlapping findings into `text`.
   * @param scope - The conversation.
   * @throws SecbotError `ARGUMENT_INVALID` for bad spans, a type that is not upper-case snake case
   *   or a bad conversation id; the vault's errors. Nothing is returned then, so no value leaks.
   */
  pseudonymize(text: string, findings: readonly Finding[], scope: VaultScope): Promise<PseudonymizeResult>;
  /**
   * Put the original values back in place of this conversation's placeholders (in one pass: a
   * restored value is never expanded again). Anything else stays as it is.
   *
   * @param text - The reply.
   * @param scope - The conversation.
   * @throws SecbotError `ARGUMENT_INVALID` for a bad conversation id; the store's errors.
   */
  restore(text: string, scope: VaultScope): Promise<RestoreResult>;
}

/**
 * Pseudonymise text before it goes to a model, and restore the reply. The model sees
 * `<EMAIL_1>`, `<PHONE_1>`; the values stay sealed in the vault.
 *
 * Hostile text: placeholder-shaped strings the user typed are escaped (`‹EMAIL_1›`) unless
 * `escapeLookalikes` is off. A reply can still name any placeholder of its own conversation (a
 * model can be talked into writing `<EMAIL_1>`), and restore puts that value back: only values of
 * the same conversation, never another's, so do not pseudonymise into a conversation values its
 * other participants must not see. A reply repeating placeholders costs one vault lookup per
 * distinct placeholder (at most `maxLookups`), and its restored text is capped at
 * `maxRestoredLength`: further occurrences stay placeholders.
 *
 * @param options - The vault and the bounds.
 * @returns The pseudonymizer.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option.
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { createEnvelope, localKeyProvider } from '@secbot/crypto';
 * import { createPseudonymizer, createVault } from '@secbot/privacy';
 *
 * const envelope = createEnvelope({ keyProvider: localKeyProvider({ keys: [{ id: 'kek', key: randomBytes(32) }] }) });
 * const pseudonymizer = createPseudonymizer({ vault: createVault({ envelope }) });
 * const finding = { type: 'EMAIL', start: 9, end: 19, confidence: 1, detector: 'email' };
 * const { text } = await pseudonymizer.pseudonymize('write to ann@x.test', [finding], { conversationId: 'c1' });
 * // 'write to <EMAIL_1>'
 * const reply = await pseudonymizer.restore('Sent to <EMAIL_1>.', { conversationId: 'c1' });
 * // reply.text === 'Sent to ann@x.test.'
 * ```
 */
export function createPseudonymizer(options: PseudonymizerOptions): Pseudonymizer {
  const config = parseOptions(pseudonymizerOptionsSchema, options, 'createPseudonymizer');
  const { vault, escapeLookalikes, maxLookups, maxRestoredLength } = config;

  return {
    async pseudonymize(text, findings, scope) {
      const spans = sortedSpans(text, findings, 'pseudonymize');
      // Distinct values in order of first appearance, vaulted in one call.
      const slots = new Map<string, number>();
      const distinct: VaultValue[] = [];
      const slotOf: number[] = [];
      for (const { start, end, type } of spans) {
        const value = text.slice(start, end);
        const key = `${type}\u0000${value}`;
        let slot = slots.get(key);
        if (slot === undefined) {
          slot = distinct.length;
          slots.set(key, slot);
          distinct.push({ type, value });
        }
        slotOf.push(slot);
      }
      const assigned = distinct.length === 0 ? [] : await vault.assign(scope, distinct);
      const placeholders = assigned.filter((p): p is string => p !== undefined);
      let unvaulted = 0;
      let escaped = 0;
      const plain = (segment: string): string =>
        escapeLookalikes && segment.includes('<')
          ? segment.replace(placeholderPattern, (_match, type: string, n: string) => {
              escaped += 1;
              return `\u2039${type}_${n}\u203a`;
            })
          : segment;
      let out = '';
      let at = 0;
      for (const [i, { start, end, type }] of spans.entries()) {
        const placeholder = assigned[slotOf[i] as number];
        if (placeholder === undefined) unvaulted += 1;
        out += plain(text.slice(at, start)) + (placeholder ?? `[${type}]`);
        at = end;
      }
      out += plain(text.slice(at));
      return { text: out, placeholders, unvaulted, escaped };
    },

    async restore(text, scope) {
      const values = new Map<string, string | undefined>();
      const unresolved: UnresolvedPlaceholder[] = [];
      const overLimit = new Set<string>();
      // One pass over the text: the matches are kept and the output is built from them.
      const matches: RegExpExecArray[] = text.includes('<') ? [...text.matchAll(placeholderPattern)] : [];
      const lookups: string[] = [];
      const seen = new Set<string>();
      for (const match of matches) {
        const placeholder = match[0];
        if (seen.has(placeholder)) continue;
        if (lookups.length < maxLookups) {
          seen.add(placeholder);
          lookups.push(placeholder);
        } else if (!overLimit.has(placeholder) && overLimit.size < maxLookups) {
          // Reported once each, and at most maxLookups of them, whatever the reply holds.
          overLimit.add(placeholder);
          unresolved.push({ placeholder, reason: 'limit' });
        }
      }
      const found = lookups.length === 0 ? [] : await vault.reveal(scope, lookups);
      for (const [i, placeholder] of lookups.entries()) {
        const result = found[i];
        values.set(placeholder, result?.ok === true ? result.value : undefined);
        if (result === undefined || result.ok) continue;
        unresolved.push(
          result.reason === 'unopenable'
            ? { placeholder, reason: 'unopenable', code: result.code }
            : { placeholder, reason: 'missing' },
        );
      }
      let restored = 0;
      let limited = false;
      let length = text.length;
      let out = '';
      let at = 0;
      for (const match of matches) {
        const placeholder = match[0];
        const value = values.get(placeholder);
        if (value === undefined) continue;
        if (length + value.length - placeholder.length > maxRestoredLength) {
          limited = true;
          continue;
        }
        length += value.length - placeholder.length;
        restored += 1;
        out += text.slice(at, match.index) + value;
        at = match.index + placeholder.length;
      }
      out += text.slice(at);
      return { text: out, restored, unresolved, limited };
    },
  };
}
