import type { KeyObject } from 'node:crypto';
import { type AuditSinkState, parseOptions, SecbotError, systemClock } from '@secbot/core';
import { checkpointKeyId, loadSigningKey, signCheckpoint } from './audit-checkpoint.js';
import { type AuditEvent, type AuditEventInput, parseAuditEvent } from './audit-event.js';
import { type AuditCheckpoint, auditGenesis } from './audit-line.js';
import { type AuditLogOptions, auditLogOptionsSchema } from './audit-log-options.js';
import { canonicalJson } from './internal/canonical-json.js';
import { type CommitBatch, createCommitPipeline, type Waiter } from './internal/commit-pipeline.js';
import { eventJson } from './internal/event-json.js';
import { formatLine } from './internal/line-codec.js';
import { compileMacKeys } from './internal/mac-keys.js';
import { auditEventFromSecurityEvent } from './security-event-mapping.js';

export type { AuditLogOptions } from './audit-log-options.js';

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

/** A queued record: it is its own waiter. */
interface QueuedEvent extends Waiter {
  readonly kind: 'event';
  readonly event: AuditEvent;
  readonly ts: number;
}

/** A queued checkpoint; automatic ones have nobody waiting. */
interface QueuedCheckpoint {
  readonly kind: 'checkpoint';
  readonly ts: number;
  readonly waiter?: Waiter;
}

type Queued = QueuedEvent | QueuedCheckpoint;

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
  const o = parseOptions(auditLogOptionsSchema, options, where);
  const sink = o.sink;
  const mac = compileMacKeys(o.key, where).current;
  const now = o.now ?? systemClock;
  const logId = o.logId ?? 'default';
  const maxEvents = o.batch?.maxEvents ?? 32;
  const maxDelayMs = o.batch?.maxDelayMs ?? 2;
  const durable = o.durable ?? true;
  const signing =
    o.checkpoint === undefined
      ? undefined
      : (() => {
          const key = loadSigningKey(o.checkpoint.privateKey) as KeyObject;
          return { key, keyId: checkpointKeyId(key), every: o.checkpoint.every ?? 10_000, ...o.checkpoint };
        })();

  const writeFailed = (message: string, cause?: unknown): SecbotError =>
    new SecbotError('AUDIT_WRITE_FAILED', `${where}: ${message}`, cause === undefined ? {} : { cause });

  const pipeline = createCommitPipeline(sink, {
    maxInFlight: o.batch?.maxInFlight ?? 4,
    maxLinesPerAppend: o.batch?.maxLinesPerAppend ?? 4096,
    failed: (cause) => writeFailed('the sink failed; the log is closed to further records', cause),
  });
  // durable: false still applies backpressure: past this many unwritten lines, acknowledgements
  // wait for the write, so memory stays bounded when the disk is slower than the callers.
  const highWater = Math.max(maxEvents, 256) * 16;

  let opening: Promise<AuditSinkState> | undefined;
  let opened = false;
  let seq = 0;
  let head = auditGenesis;
  let checkedSize = 0; // lines covered by the last checkpoint
  let closing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let queue: Queued[] = [];
  let anchors: Promise<void> = Promise.resolve();

  const stamp = (): number => {
    const t = Math.floor(now());
    return Number.isSafeInteger(t) && t >= 0 ? t : 0;
  };

  const rejectQueued = (error: SecbotError): void => {
    const items = queue;
    queue = [];
    for (const item of items) (item.kind === 'event' ? item : item.waiter)?.reject(error);
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
        pipeline.fail(wrapped);
        rejectQueued(wrapped);
        throw wrapped;
      },
    );
    return opening;
  };

  const schedule = (): void => {
    if (!opened) return;
    if (queue.length >= maxEvents || closing !== undefined || pipeline.failure !== undefined) {
      sequence();
      return;
    }
    if (timer !== undefined || immediate !== undefined || queue.length === 0) return;
    if (maxDelayMs === 0) immediate = setImmediate(sequence);
    else timer = setTimeout(sequence, maxDelayMs);
  };

  /** Chain everything queued, in batches of at most `maxEvents` lines, and hand them to the pipeline. */
  const sequence = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
    if (!opened || queue.length === 0) return;
    const failure = pipeline.failure;
    if (failure !== undefined) {
      rejectQueued(failure);
      return;
    }
    const items = queue;
    queue = [];
    let batch: CommitBatch = { lines: [], waiters: [], values: [] };
    for (const item of items) {
      if (item.kind === 'checkpoint') addCheckpoint(batch, item.ts, item.waiter);
      else addEvent(batch, item);
      if (batch.lines.length >= maxEvents) {
        pipeline.push(batch);
        batch = { lines: [], waiters: [], values: [] };
      }
    }
    if (batch.lines.length > 0) pipeline.push(batch);
  };

  const addEvent = (batch: CommitBatch, item: QueuedEvent): void => {
    const json = eventJson(item.event);
    const { line, hash } = formatLine('event', json, seq + 1, item.ts, head, mac.kid, mac.mac);
    seq += 1;
    head = hash;
    batch.lines.push(line);
    const receipt: AuditReceipt = { seq, hash };
    if (!durable && pipeline.unwritten + batch.lines.length <= highWater) item.resolve(receipt);
    else {
      batch.waiters.push(item);
      batch.values.push(receipt);
    }
    if (signing !== undefined && seq - checkedSize >= signing.every) addCheckpoint(batch, item.ts, undefined);
  };

  const addCheckpoint = (batch: CommitBatch, ts: number, waiting: Waiter | undefined): void => {
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
    batch.lines.push(line);
    const checkpoint: AuditCheckpoint = { ...unsigned, ts };
    batch.values.push(checkpoint);
    batch.waiters.push({
      resolve: () => {
        const anchored = anchorInOrder(checkpoint);
        if (waiting === undefined) {
          anchored.catch((error: unknown) => reportAnchorError(error, checkpoint));
        } else {
          anchored.then(
            () => waiting.resolve(checkpoint),
            (error: unknown) => waiting.reject(writeFailed('the checkpoint anchor failed', error)),
          );
        }
      },
      reject: (error) => waiting?.reject(error),
    });
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

  const enqueue = (item: Queued): void => {
    queue.push(item);
    if (opened) schedule();
    else ensureOpen().catch(() => undefined);
  };

  const prepare = (input: AuditEventInput): AuditEvent => {
    const event = parseAuditEvent(input);
    if (o.redact === undefined) return event;
    let redacted: AuditEventInput;
    try {
      redacted = o.redact(event);
    } catch (cause) {
      throw new SecbotError('ARGUMENT_INVALID', `${where}: redact failed`, { cause });
    }
    return parseAuditEvent(redacted);
  };

  const record = (input: AuditEventInput): Promise<AuditReceipt> => {
    if (closing !== undefined) return Promise.reject(writeFailed('the log is closed'));
    if (pipeline.failure !== undefined) return Promise.reject(pipeline.failure);
    const ts = stamp();
    let event: AuditEvent;
    try {
      event = prepare(input);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AuditReceipt>((resolve, reject) => {
      enqueue({ kind: 'event', event, ts, resolve: resolve as (value: unknown) => void, reject });
    });
  };

  const unsubscribe = o.bus?.onAny((event) => {
    if (closing !== undefined) return undefined;
    return record(auditEventFromSecurityEvent(event)).then(() => undefined);
  });

  const interval =
    signing?.intervalMs === undefined
      ? undefined
      : setInterval(() => {
          if (opened && pipeline.failure === undefined && closing === undefined && seq > checkedSize) {
            enqueue({ kind: 'checkpoint', ts: stamp() });
          }
        }, signing.intervalMs);
  interval?.unref();

  return {
    record,
    checkpoint() {
      if (signing === undefined) {
        return Promise.reject(
          new SecbotError('CONFIG_INVALID', `${where}: checkpoint() needs the checkpoint option`, {
            issues: [{ path: 'checkpoint', message: 'required for checkpoint()' }],
          }),
        );
      }
      if (closing !== undefined) return Promise.reject(writeFailed('the log is closed'));
      if (pipeline.failure !== undefined) return Promise.reject(pipeline.failure);
      return new Promise<AuditCheckpoint>((resolve, reject) => {
        enqueue({
          kind: 'checkpoint',
          ts: stamp(),
          waiter: { resolve: resolve as (value: unknown) => void, reject },
        });
      });
    },
    ready: ensureOpen,
    close() {
      closing ??= (async () => {
        unsubscribe?.();
        if (interval !== undefined) clearInterval(interval);
        if (opening !== undefined) {
          await opening.catch(() => undefined);
          if (pipeline.failure === undefined && signing !== undefined && seq + queue.length > checkedSize) {
            queue.push({ kind: 'checkpoint', ts: stamp() });
          }
          sequence();
          await pipeline.whenIdle();
          await anchors;
        }
        await sink.close();
        if (!durable && pipeline.failure !== undefined) throw pipeline.failure;
      })();
      return closing;
    },
  };
}
