import type { AuditSink, SecbotError } from '@secbot/core';

/** Whoever waits for a line to be durable. */
export interface Waiter {
  resolve(value: unknown): void;
  reject(error: SecbotError): void;
}

/** Lines chained together by the log, with the waiters to settle once they are durable. */
export interface CommitBatch {
  readonly lines: string[];
  /** `waiters[i]` receives `values[i]`. */
  readonly waiters: Waiter[];
  readonly values: unknown[];
}

/** Options of {@link createCommitPipeline}. */
export interface CommitPipelineOptions {
  /** Appends in flight at once (their fsyncs overlap; the sink keeps them in order). */
  readonly maxInFlight: number;
  /** Most lines merged into one append. */
  readonly maxLinesPerAppend: number;
  /** Turns a sink failure into the error every waiter then receives. */
  readonly failed: (cause: unknown) => SecbotError;
}

/** The write side of the log: see {@link createCommitPipeline}. */
export interface CommitPipeline {
  /** Hand over a chained batch; its waiters settle once it (and everything before it) is durable. */
  push(batch: CommitBatch): void;
  /** Reject everything waiting or in flight, and every later batch. */
  fail(error: SecbotError): void;
  /** The first failure, if any. */
  readonly failure: SecbotError | undefined;
  /** Lines handed over but not yet durable. */
  readonly unwritten: number;
  /** Resolves once nothing is waiting or in flight (at once when that is already so). */
  whenIdle(): Promise<void>;
}

interface InFlight {
  /** The waiters and values of the batch; its lines belong to the sink once appended. */
  readonly waiters: Waiter[];
  readonly values: unknown[];
  readonly lines: number;
  settled: boolean;
  error: unknown;
  failed: boolean;
}

/**
 * Write chained batches through a sink with up to `maxInFlight` appends outstanding, merging
 * batches that wait for a free slot into one append. Waiters settle strictly in line order: a
 * batch counts as durable only once its own append and every earlier one have resolved (the
 * `AuditSink` contract lets a later append resolve only after the earlier ones, but the log does
 * not rely on it). The first failure is final: every batch still waiting or in flight, and every
 * later one, is rejected with it; no line after a failed one is ever acknowledged.
 */
export function createCommitPipeline(sink: AuditSink, options: CommitPipelineOptions): CommitPipeline {
  const waiting: CommitBatch[] = [];
  const inFlight: InFlight[] = [];
  const idleWaiters: (() => void)[] = [];
  let failure: SecbotError | undefined;
  let unwritten = 0;

  const rejectBatch = (batch: { readonly waiters: Waiter[] }, error: SecbotError): void => {
    for (const waiter of batch.waiters) waiter.reject(error);
  };

  const notifyIdle = (): void => {
    if (waiting.length > 0 || inFlight.length > 0) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  };

  const take = (): CommitBatch => {
    const first = waiting.shift() as CommitBatch;
    while (waiting.length > 0) {
      const next = waiting[0] as CommitBatch;
      if (first.lines.length + next.lines.length > options.maxLinesPerAppend) break;
      waiting.shift();
      for (let i = 0; i < next.lines.length; i++) first.lines.push(next.lines[i] as string);
      for (let i = 0; i < next.waiters.length; i++) {
        first.waiters.push(next.waiters[i] as Waiter);
        first.values.push(next.values[i]);
      }
    }
    return first;
  };

  const settle = (entry: InFlight, failed: boolean, error: unknown): void => {
    entry.settled = true;
    entry.failed = failed;
    entry.error = error;
    while (inFlight.length > 0 && (inFlight[0] as InFlight).settled) {
      const done = inFlight.shift() as InFlight;
      if (failure === undefined && done.failed) fail(options.failed(done.error));
      if (failure !== undefined) {
        rejectBatch(done, failure);
        continue;
      }
      unwritten -= done.lines;
      const { waiters, values } = done;
      for (let i = 0; i < waiters.length; i++) (waiters[i] as Waiter).resolve(values[i]);
    }
    pump();
  };

  const pump = (): void => {
    while (failure === undefined && inFlight.length < options.maxInFlight && waiting.length > 0) {
      const batch = take();
      // Only the count is kept: the line strings can be collected as soon as the sink has encoded
      // them, instead of surviving (and being copied by) garbage collections until the fsync.
      const entry: InFlight = {
        waiters: batch.waiters,
        values: batch.values,
        lines: batch.lines.length,
        settled: false,
        error: undefined,
        failed: false,
      };
      inFlight.push(entry);
      let appended: Promise<void>;
      try {
        appended = sink.append(batch.lines);
      } catch (error) {
        appended = Promise.reject(error);
      }
      appended.then(
        () => settle(entry, false, undefined),
        (error: unknown) => settle(entry, true, error),
      );
    }
    notifyIdle();
  };

  const fail = (error: SecbotError): void => {
    failure ??= error;
    for (const batch of waiting.splice(0)) rejectBatch(batch, failure);
    // batches in flight are rejected as they settle, in order
    notifyIdle();
  };

  return {
    push(batch) {
      if (failure !== undefined) {
        rejectBatch(batch, failure);
        return;
      }
      unwritten += batch.lines.length;
      waiting.push(batch);
      pump();
    },
    fail,
    get failure() {
      return failure;
    },
    get unwritten() {
      return unwritten;
    },
    whenIdle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        notifyIdle();
      });
    },
  };
}
