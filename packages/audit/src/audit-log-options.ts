import type { KeyObject } from 'node:crypto';
import {
  type AuditSink,
  type Clock,
  eventBusSchema,
  type SecretInput,
  type SecurityEventBus,
  secretList,
} from '@secbot/core';
import { z } from 'zod';
import { type Ed25519KeyInput, loadSigningKey } from './audit-checkpoint.js';
import type { AuditEvent, AuditEventInput } from './audit-event.js';
import type { AuditCheckpoint } from './audit-line.js';

/** Options of `createAuditLog`. */
export interface AuditLogOptions {
  /** Where lines go: `fileSink`, `memorySink`, `stdoutSink`, or a PostgreSQL sink. */
  readonly sink: AuditSink;
  /**
   * The HMAC key, at least 32 bytes, or a list of keys newest first: lines are MACed with the
   * first; keep older keys in the list given to `verifyAuditLog` so older lines still verify.
   */
  readonly key: SecretInput;
  /** The log id signed into checkpoints. Default `'default'`. */
  readonly logId?: string;
  /** Applied to each validated event before it is written (e.g. `createRedactor(...)`); its result is validated again. */
  readonly redact?: (event: AuditEvent) => AuditEventInput;
  /** Signed checkpoints (see `audit-line.ts`). */
  readonly checkpoint?: {
    /** Write a checkpoint after this many lines. Default 10,000. */
    readonly every?: number;
    /** Also write one when this much time has passed with unchecked lines. No default. */
    readonly intervalMs?: number;
    /** Ed25519 private key (KeyObject or PEM). */
    readonly privateKey: Ed25519KeyInput;
    /** Receives each checkpoint once its line is durable, to keep it elsewhere (WORM storage, another service). */
    readonly anchor?: (checkpoint: AuditCheckpoint) => Promise<void>;
    /** Receives anchor failures of automatic checkpoints. Default: a process warning. */
    readonly onAnchorError?: (error: unknown, checkpoint: AuditCheckpoint) => void;
  };
  /**
   * Group commit. Records queue up; a batch is chained when `maxEvents` (default 32) are queued,
   * or `maxDelayMs` (default 2) after its first record. Up to `maxInFlight` (default 4) appends
   * are outstanding at once, so one batch is fsynced while the next is chained; batches that wait
   * for a free slot are merged into one append of at most `maxLinesPerAppend` (default 4,096) lines.
   */
  readonly batch?: {
    readonly maxEvents?: number;
    readonly maxDelayMs?: number;
    readonly maxInFlight?: number;
    readonly maxLinesPerAppend?: number;
  };
  /**
   * `true` (default): `record` resolves once its line is durable in the sink. `false`: it resolves
   * once the line is chained and handed to the writer, before the sink has stored it; a crash
   * can then lose acknowledged lines (never reorder or forge them). For benchmarks and users
   * who choose that trade.
   */
  readonly durable?: boolean;
  /** Record every security event emitted on this bus (see `auditEventFromSecurityEvent`). */
  readonly bus?: SecurityEventBus;
  /** Clock for `ts`. Defaults to `Date.now`. */
  readonly now?: Clock;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** The zod schema of {@link AuditLogOptions}. */
export const auditLogOptionsSchema = z.strictObject({
  sink: z.custom<AuditSink>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      ['open', 'append', 'close'].every((name) => isFunction((value as Record<string, unknown>)[name])),
    'must be an AuditSink (open, append, close)',
  ),
  key: secretList({ minBytes: 32 }),
  logId: z.string().min(1).max(256).optional(),
  redact: z.custom<(event: AuditEvent) => AuditEventInput>(isFunction, 'must be a function').optional(),
  checkpoint: z
    .strictObject({
      every: z.number().int().min(1).max(1e9).optional(),
      intervalMs: z.number().int().min(1).optional(),
      privateKey: z.custom<KeyObject>(
        (value) => loadSigningKey(value) !== undefined,
        'must be an Ed25519 private key (KeyObject or PEM)',
      ),
      anchor: z
        .custom<(checkpoint: AuditCheckpoint) => Promise<void>>(isFunction, 'must be a function')
        .optional(),
      onAnchorError: z
        .custom<(error: unknown, checkpoint: AuditCheckpoint) => void>(isFunction, 'must be a function')
        .optional(),
    })
    .optional(),
  batch: z
    .strictObject({
      maxEvents: z.number().int().min(1).max(65_536).optional(),
      maxDelayMs: z.number().min(0).max(10_000).optional(),
      maxInFlight: z.number().int().min(1).max(64).optional(),
      maxLinesPerAppend: z.number().int().min(1).max(1_048_576).optional(),
    })
    .optional(),
  durable: z.boolean().optional(),
  bus: eventBusSchema.optional(),
  now: z.custom<Clock>(isFunction, 'must be a function').optional(),
});
