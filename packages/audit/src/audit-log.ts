import type { KeyObject } from 'node:crypto';
import {
  type AuditSink,
  type AuditSinkState,
  type Clock,
  eventBusSchema,
  parseOptions,
  SecbotError,
  type SecretInput,
  type SecurityEventBus,
  secretList,
  systemClock,
} from '@secbot/core';
import { z } from 'zod';
import { checkpointKeyId, type Ed25519KeyInput, loadSigningKey, signCheckpoint } from './audit-checkpoint.js';
import { type AuditEvent, type AuditEventInput, parseAuditEvent } from './audit-event.js';
import { type AuditCheckpoint, auditGenesis } from './audit-line.js';
import { canonicalJson } from './internal/canonical-json.js';
import { eventJson } from './internal/event-json.js';
import { formatLine } from './internal/line-codec.js';
import { compileMacKeys } from './internal/mac-keys.js';
import { auditEventFromSecurityEvent } from './security-event-mapping.js';

/** Options of {@link createAuditLog}. */
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
   * Group commit. While an append is in flight, records queue up and form the next batch as soon
   * as it completes; when the sink is idle, a batch closes `maxDelayMs` (default 2) after its
   * first record. A batch never exceeds `maxEvents` (default 256) events.
   */
  readonly batch?: { readonly maxEvents?: number; readonly maxDelayMs?: number };
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

/** Where a recorded event landed. */
export interface AuditReceipt {
  /** Its line's sequence number. */
  readonly seq: number;
  /** Its line's hash. */
  readonly hash: string;
}

/** A tamper-evident audit log; see {@link createAuditLog}. */
export interface AuditLog {
  /**
   * Record an event. Calls are written in call order; concurrent calls share one sink append.
   *
   * @param event - The event; `ts` is added by the log.
   * @returns Its seq and hash, once the line is durable (or handed over, with `durable: false`).
   * @throws SecbotError `ARGUMENT_INVALID` for a malformed event or a failing `redact`;
   *   `AUDIT_WRITE_FAILED` when the sink failed (now or earlier) or the log is closed.
   */
  record(event: AuditEventInput): Promise<AuditReceipt>;
  /**
   * Write a signed checkpoint covering every line so far, and hand it to `anchor`.
   *
   * @returns The checkpoint, once its line is durable and `anchor` has resolved.
   * @throws SecbotError `CONFIG_INVALID` without `checkpoint` options; `AUDIT_WRITE_FAILED` when
   *   the sink or the anchor fails.
   */
  checkpoint(): Promise<AuditCheckpoint>;
  /**
   * Open the sink now (otherwise the first record does) and say where the chain stands, including
   * whether a torn line left by a crash was cut.
   *
   * @throws SecbotError `AUDIT_WRITE_FAILED` or `AUDIT_CHAIN_BROKEN` from the sink.
   */
  ready(): Promise<AuditSinkState>;
  /**
   * Stop accepting records, write what is pending (and a final checkpoint when configured),
   * wait for anchors, unsubscribe from the bus and close the sink.
   *
   * @throws SecbotError `AUDIT_WRITE_FAILED` with `durable: false` when acknowledged lines could
   *   not be written.
   */
  close(): Promise<void>;
}

const where = 'createAuditLog';
const isFunction = (value: unknown): boolean => typeof value === 'function';
const optionsSchema = z.strictObject({
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
    })
    .optional(),
  durable: z.boolean().optional(),
  bus: eventBusSchema.optional(),
  now: z.custom<Clock>(isFunction, 'must be a function').optional(),
});

/** What is queued: an event, or a checkpoint asked for by a caller. */
type PendingRequest =
  | { readonly kind: 'event'; readonly event: AuditEvent; readonly ts: number }
  | { readonly kind: 'checkpoint'; readonly ts: number };

/** A request waiting for its batch, with whoever waits for it (automatic checkpoints: nobody). */
type Pending = PendingRequest & {
  readonly resolve?: (value: AuditReceipt | AuditCheckpoint) => void;
  readonly reject?: (error: SecbotError) => void;
};

interface Written {
  readonly lines: string[];
  readonly done: (() => void)[];
  readonly failed: ((error: SecbotError) => void)[];
}

/**
 * Create a tamper-evident audit log: every event becomes one line, hash-chained to the previous
 * one and MACed, written through a sink with group commit (concurrent `record` calls share one
 * write and one fsync). The line format is documented in `audit-line.ts`.
 *
 * **Failure.** After a failed sink append the log fails closed: the records in that batch, every
 * waiting record and every later one reject with `AUDIT_WRITE_FAILED`; no record resolves whose
 * line was not durable. A rejected record's line may or may not be in the file (like a failed
 * commit). To recover, `close()` this log and create a new one on a new sink for the same path:
 * opening cuts any torn line and continues the chain from the last complete line.
 *
 * @param options - Sink, key, checkpoints, batching, durability, bus, clock.
 * @returns The log. The sink is opened by `ready()` or the first record.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (e.g. `key`, `checkpoint.privateKey`).
 * @example
 * ```ts
 * import { createAuditLog, fileSink } from '@secbot/audit';
 *
 * const log = createAuditLog({ sink: fileSink({ path: './audit.jsonl' }), key: process.env.AUDIT_MAC_KEY! });
 * const { seq } = await log.record({ actor: { id: 'u1', roles: ['agent'] }, action: 'transcripts.export',
 *   target: { type: 'conversation', id: 'c42' }, outcome: 'success' });
 * await log.close();
 * ```
 */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const o = parseOptions(optionsSchema, options, where);
  const sink = o.sink;
  const mac = compileMacKeys(o.key, where).current;
  const now = o.now ?? systemClock;
  const logId = o.logId ?? 'default';
  const maxEvents = o.batch?.maxEvents ?? 256;
  const maxDelayMs = o.batch?.maxDelayMs ?? 2;
  const durable = o.durable ?? true;
  const signing =
    o.checkpoint === undefined
      ? undefined
      : (() => {
          const key = loadSigningKey(o.checkpoint.privateKey) as KeyObject;
          return { key, keyId: checkpointKeyId(key), every: o.checkpoint.every ?? 10_000, ...o.checkpoint };
        })();

  let opening: Promise<AuditSinkState> | undefined;
  let opened = false;
  let seq = 0;
  let head = auditGenesis;
  let checkedSize = 0; // lines covered by the last checkpoint
  let failure: SecbotError | undefined;
  let closing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let writing = false;
  let unwritten = 0; // lines sequenced but not yet appended
  const highWater = maxEvents * 16;
  const queue: Pending[] = [];
  const toWrite: Written[] = [];
  const idleWaiters: (() => void)[] = [];
  let anchors: Promise<void> = Promise.resolve();

  const writeFailed = (message: string, cause?: unknown): SecbotError =>
    new SecbotError('AUDIT_WRITE_FAILED', `${where}: ${message}`, cause === undefined ? {} : { cause });

  const stamp = (): number => {
    const t = Math.floor(now());
    return Number.isSafeInteger(t) && t >= 0 ? t : 0;
  };

  const ensureOpen = (): Promise<AuditSinkState> => {
    opening ??= sink.open(auditGenesis).then(
      (state) => {
        seq = state.seq;
        head = state.head;
        checkedSize = state.seq;
        opened = true;
        schedule();
        return state;
      },
      (error: unknown) => {
        const wrapped =
          error instanceof SecbotError ? error : writeFailed('the sink cannot be opened', error);
        failAll(wrapped);
        throw wrapped;
      },
    );
    return opening;
  };

  const failAll = (error: SecbotError): void => {
    failure ??= error;
    const err = failure;
    for (const pending of queue.splice(0)) pending.reject?.(err);
    for (const batch of toWrite.splice(0)) for (const reject of batch.failed) reject(err);
    notifyIdle();
  };

  const notifyIdle = (): void => {
    if (queue.length > 0 || toWrite.length > 0 || writing) return;
    for (const waiter of idleWaiters.splice(0)) waiter();
  };

  const schedule = (): void => {
    if (!opened || failure !== undefined) return;
    if (queue.length >= maxEvents || closing !== undefined) {
      sequence();
      return;
    }
    if (writing) return; // the writer takes the queue when its append completes
    if (timer === undefined && queue.length > 0) {
      timer =
        maxDelayMs === 0
          ? (setImmediate(sequence) as unknown as NodeJS.Timeout)
          : setTimeout(sequence, maxDelayMs);
    }
  };

  const sequence = (): void => {
    if (timer !== undefined) {
      if (maxDelayMs === 0) clearImmediate(timer as unknown as NodeJS.Immediate);
      else clearTimeout(timer);
    }
    timer = undefined;
    if (!opened || failure !== undefined) return;
    while (queue.length > 0) {
      const batch = queue.splice(0, maxEvents);
      const written: Written = { lines: [], done: [], failed: [] };
      for (const pending of batch) {
        if (pending.kind === 'event') {
          const { line, hash } = formatLine(
            'event',
            eventJson(pending.event),
            seq + 1,
            pending.ts,
            head,
            mac.kid,
            mac.mac,
          );
          seq += 1;
          head = hash;
          written.lines.push(line);
          const receipt: AuditReceipt = { seq, hash };
          // durable: false still applies backpressure: past a bound of unwritten lines, the
          // acknowledgement waits for the write, so memory stays bounded when the disk is slower.
          if (durable || unwritten + written.lines.length > highWater) {
            written.done.push(() => pending.resolve?.(receipt));
            if (pending.reject) written.failed.push(pending.reject);
          } else pending.resolve?.(receipt);
          if (signing !== undefined && seq - checkedSize >= signing.every) {
            addCheckpoint(written, pending.ts, undefined);
          }
        } else addCheckpoint(written, pending.ts, pending.resolve === undefined ? undefined : pending);
      }
      unwritten += written.lines.length;
      toWrite.push(written);
    }
    void write();
  };

  const addCheckpoint = (written: Written, ts: number, waiting: Pending | undefined): void => {
    if (signing === undefined) return;
    const unsigned = signCheckpoint(signing.key, signing.keyId, logId, seq, head);
    const { line, hash } = formatLine(
      'checkpoint',
      canonicalJson(unsigned),
      seq + 1,
      ts,
      head,
      mac.kid,
      mac.mac,
    );
    seq += 1;
    head = hash;
    checkedSize = seq;
    written.lines.push(line);
    const checkpoint: AuditCheckpoint = { ...unsigned, ts };
    written.done.push(() => {
      const anchored = anchorInOrder(checkpoint);
      if (waiting === undefined) {
        anchored.catch((error: unknown) => reportAnchorError(error, checkpoint));
      } else {
        anchored.then(
          () => waiting.resolve?.(checkpoint),
          (error: unknown) => waiting.reject?.(writeFailed('the checkpoint anchor failed', error)),
        );
      }
    });
    if (waiting?.reject) written.failed.push(waiting.reject);
  };

  const anchorInOrder = (checkpoint: AuditCheckpoint): Promise<void> => {
    const anchor = signing?.anchor;
    if (anchor === undefined) return Promise.resolve();
    const run = anchors.then(() => anchor(checkpoint));
    anchors = run.catch(() => undefined);
    return run;
  };

  const reportAnchorError = (error: unknown, checkpoint: AuditCheckpoint): void => {
    if (signing?.onAnchorError) {
      try {
        signing.onAnchorError(error, checkpoint);
      } catch {
        // a failing error handler must not break the log
      }
      return;
    }
    const name = error instanceof Error ? error.name : typeof error;
    process.emitWarning(`secbot audit: anchoring checkpoint ${checkpoint.size} failed (${name})`, {
      code: 'SECBOT_AUDIT_ANCHOR_FAILED',
    });
  };

  const write = async (): Promise<void> => {
    if (writing) return;
    writing = true;
    try {
      while (failure === undefined) {
        if (toWrite.length === 0) {
          // Group commit: the next batch closes when the sink is free again. One macrotask lets
          // the writers just acknowledged record again and join it.
          await new Promise((resolve) => setImmediate(resolve));
          if (queue.length > 0) sequence();
          if (toWrite.length === 0) break;
        }
        const batch = toWrite.shift() as Written;
        // Batches sequenced while the previous append was in flight share the next one.
        while (toWrite.length > 0 && batch.lines.length + (toWrite[0]?.lines.length ?? 0) <= maxEvents) {
          const next = toWrite.shift() as Written;
          batch.lines.push(...next.lines);
          batch.done.push(...next.done);
          batch.failed.push(...next.failed);
        }
        try {
          await sink.append(batch.lines);
        } catch (error) {
          const err = writeFailed('the sink failed; the log is closed to further records', error);
          for (const reject of batch.failed) reject(err);
          failAll(err);
          return;
        }
        unwritten -= batch.lines.length;
        for (const done of batch.done) done();
      }
    } finally {
      writing = false;
      notifyIdle();
    }
  };

  const enqueue = <T>(pending: PendingRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (failure !== undefined) {
        reject(failure);
        return;
      }
      queue.push({ ...pending, resolve: resolve as (value: unknown) => void, reject });
      if (opened) schedule();
      else ensureOpen().catch(() => undefined);
    });

  const record = async (input: AuditEventInput): Promise<AuditReceipt> => {
    if (closing !== undefined) throw writeFailed('the log is closed');
    if (failure !== undefined) throw failure;
    const ts = stamp();
    let event = parseAuditEvent(input);
    if (o.redact !== undefined) {
      let redacted: AuditEventInput;
      try {
        redacted = o.redact(event);
      } catch (cause) {
        throw new SecbotError('ARGUMENT_INVALID', `${where}: redact failed`, { cause });
      }
      event = parseAuditEvent(redacted);
    }
    return enqueue<AuditReceipt>({ kind: 'event', event, ts });
  };

  const unsubscribe = o.bus?.onAny((event) => {
    if (closing !== undefined) return undefined;
    return record(auditEventFromSecurityEvent(event)).then(() => undefined);
  });

  const interval =
    signing?.intervalMs === undefined
      ? undefined
      : setInterval(() => {
          if (opened && failure === undefined && closing === undefined && seq > checkedSize) {
            queue.push({ kind: 'checkpoint', ts: stamp() });
            schedule();
          }
        }, signing.intervalMs);
  interval?.unref();

  const whenIdle = (): Promise<void> =>
    new Promise((resolve) => {
      idleWaiters.push(resolve);
      notifyIdle();
    });

  return {
    record,
    async checkpoint() {
      if (signing === undefined) {
        throw new SecbotError('CONFIG_INVALID', `${where}: checkpoint() needs the checkpoint option`, {
          issues: [{ path: 'checkpoint', message: 'required for checkpoint()' }],
        });
      }
      if (closing !== undefined) throw writeFailed('the log is closed');
      return enqueue<AuditCheckpoint>({ kind: 'checkpoint', ts: stamp() });
    },
    ready: ensureOpen,
    close() {
      closing ??= (async () => {
        unsubscribe?.();
        if (interval !== undefined) clearInterval(interval);
        if (opening !== undefined) {
          await opening.catch(() => undefined);
          if (failure === undefined && signing !== undefined && seq > checkedSize) {
            queue.push({ kind: 'checkpoint', ts: stamp() });
          }
          sequence();
          await whenIdle();
          await anchors;
        }
        await sink.close();
        if (!durable && failure !== undefined) throw failure;
      })();
      return closing;
    },
  };
}
