import { type ActorRef, eventBusSchema, type SecurityEventBus } from '@secbot/core';
import { z } from 'zod';
import type { Privacy } from '../create-privacy.js';
import type { Detector, Finding } from '../finding.js';
import type { Operator } from '../operators/operator.js';
import type { Pseudonymizer } from '../vault/pseudonymizer.js';

/**
 * What the scanner does with a finding: replace it with the operator's label (`redact`), with a
 * reversible placeholder (`pseudonymize`), refuse the whole message (`block`, for findings at or
 * above `blockConfidence`; weaker ones are allowed), or leave it (`allow`; still reported).
 */
export type ScanAction = 'redact' | 'pseudonymize' | 'block' | 'allow';

/** Which way a message goes: from the user to the bot and its services, or back. */
export type ScanDirection = 'inbound' | 'outbound';

/** Options of {@link createScanner}. */
export interface ScannerOptions {
  /** The privacy service (`createPrivacy`) whose detectors are run. */
  readonly privacy?: Privacy;
  /**
   * Detectors to run, after the privacy service's if both are given: typically
   * {@link injectionDetector}() inbound and a canary's detector outbound. One of the two is required.
   */
  readonly detectors?: readonly Detector[];
  /** Which way the messages go; chooses the default actions. */
  readonly direction: ScanDirection;
  /**
   * Action per finding type, over the defaults. Inbound: `PROMPT_INJECTION` and `CANARY_LEAK`
   * block. Outbound: `SECRET` and `URL_CREDENTIALS` are redacted, `CANARY_LEAK` blocks,
   * `PROMPT_INJECTION` is allowed.
   */
  readonly actions?: Readonly<Record<string, ScanAction>>;
  /**
   * Action for types not in `actions`. Default inbound: `pseudonymize` with a pseudonymizer,
   * `redact` without one; outbound: `allow`.
   */
  readonly defaultAction?: ScanAction;
  /** Findings below it are ignored. Default 0.5. */
  readonly minConfidence?: number;
  /** A `block` finding blocks only at or above it. Default 0.8. */
  readonly blockConfidence?: number;
  /** Replaces values for `pseudonymize` (required when that action is configured), and restores outbound. */
  readonly pseudonymizer?: Pseudonymizer;
  /** Outbound only: put the conversation's values back in place of its placeholders. Default `true`. */
  readonly restore?: boolean;
  /** What `redact` writes. Default: `redactOperator()` (`[EMAIL]`). */
  readonly operator?: Operator;
  /** Where `message.redacted` and `injection.detected` go. */
  readonly bus?: SecurityEventBus;
  /** Longest text scanned, in UTF-16 code units; longer ones are blocked (`too-long`). Default 65,536. */
  readonly maxLength?: number;
  /** Receives a detector's failure; the message is then blocked (`detector-failed`). */
  readonly onError?: (error: unknown, detector: string) => void;
}

/** Who and where a message belongs to, for {@link Scanner.scan}. */
export interface ScanCall {
  /** The conversation (1-128 characters): placeholders and events are bound to it. */
  readonly conversationId: string;
  /** Who sent (inbound) or receives (outbound) it; its `id` is the vault's user. */
  readonly actor?: ActorRef;
  /** The tenant: the vault's tenant and the events' `tenantId`. */
  readonly tenantId?: string;
}

/** What {@link Scanner.scan} returns. */
export interface ScanResult {
  /**
   * The text to pass on: with findings replaced as configured, or, when blocked, the input with
   * every finding redacted (never the raw text; empty when `too-long`).
   */
  readonly text: string;
  /** Every finding at or above `minConfidence`, with spans into the input (never values). */
  readonly findings: readonly Finding[];
  /** Whether the message must not be passed on. */
  readonly blocked: boolean;
  /** Why it was blocked: the types that blocked, `too-long` or `detector-failed`. */
  readonly reasons: readonly string[];
}

/** The message scanner; see {@link createScanner}. */
export interface Scanner {
  /**
   * Scan one message and apply the actions.
   *
   * @param text - The message.
   * @param call - Its conversation, actor and tenant.
   * @returns The text to pass on, the findings, and whether it is blocked.
   * @throws SecbotError `ARGUMENT_INVALID` for a text that is not a string or a bad conversation id;
   *   the pseudonymizer's errors (no text is returned then).
   */
  scan(text: string, call: ScanCall): Promise<ScanResult>;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
const action = z.enum(['redact', 'pseudonymize', 'block', 'allow']);
const has = (value: unknown, key: string): boolean =>
  typeof value === 'object' && value !== null && isFunction((value as Record<string, unknown>)[key]);

/** The zod schema of {@link ScannerOptions}. */
export const scannerOptionsSchema = z
  .strictObject({
    privacy: z.custom<Privacy>((value) => has(value, 'scan'), 'must be a Privacy').optional(),
    detectors: z
      .array(
        z.custom<Detector>(
          (value) => has(value, 'scan') && typeof (value as Detector).name === 'string',
          'must be a Detector',
        ),
      )
      .optional(),
    direction: z.enum(['inbound', 'outbound']),
    actions: z.record(z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be a type'), action).optional(),
    defaultAction: action.optional(),
    minConfidence: z.number().min(0).max(1).default(0.5),
    blockConfidence: z.number().min(0).max(1).default(0.8),
    pseudonymizer: z
      .custom<Pseudonymizer>((value) => has(value, 'pseudonymize'), 'must be a Pseudonymizer')
      .optional(),
    restore: z.boolean().default(true),
    operator: z.custom<Operator>((value) => has(value, 'replace'), 'must be an Operator').optional(),
    bus: eventBusSchema.optional(),
    maxLength: z
      .number()
      .int()
      .min(1)
      .max(16 * 1024 * 1024)
      .default(64 * 1024),
    onError: z
      .custom<(error: unknown, detector: string) => void>(isFunction, 'must be a function')
      .optional(),
  })
  .refine((o) => o.privacy !== undefined || o.detectors !== undefined, {
    message: 'privacy or detectors is required',
    path: ['detectors'],
  })
  .refine(
    (o) =>
      o.pseudonymizer !== undefined ||
      (o.defaultAction !== 'pseudonymize' && !Object.values(o.actions ?? {}).includes('pseudonymize')),
    { message: 'pseudonymize needs a pseudonymizer', path: ['pseudonymizer'] },
  );

/** The default actions per type, by direction. */
export const defaultActions: Readonly<Record<ScanDirection, Readonly<Record<string, ScanAction>>>> = {
  inbound: { PROMPT_INJECTION: 'block', CANARY_LEAK: 'block' },
  outbound: { SECRET: 'redact', URL_CREDENTIALS: 'redact', CANARY_LEAK: 'block', PROMPT_INJECTION: 'allow' },
};
