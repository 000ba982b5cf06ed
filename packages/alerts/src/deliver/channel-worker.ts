import { type Clock, isSecbotError, type SecbotErrorCode } from '@secbot/core';
import { type AlertChannel, AlertDeliveryError, maxRetryAfterMs } from '../alert-channel.js';
import { backoffDelay } from './backoff.js';
import type { OutboxItem } from './dead-letter.js';
import type { JournalRecord } from './outbox-journal.js';
import { createTokenBucket, type RateLimit, type TokenBucket } from './rate-limiter.js';
import type { Timers } from './timers.js';

/** Why an attempt failed, without secrets: what events and dead letters carry. */
export interface AttemptFailure {
  readonly code: SecbotErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly receiverStatus: number | undefined;
  readonly reason: string;
}

/** Settings a worker reads (validated delivery options). */
export interface WorkerSettings {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly attemptTimeoutMs: number;
  readonly maxInFlight: number;
  readonly maxItems: number;
}

/** What a worker needs from the delivery service around it. */
export interface WorkerContext {
  readonly now: Clock;
  readonly timers: Timers;
  readonly random: () => number;
  readonly settings: WorkerSettings;
  readonly rateLimit: RateLimit | undefined;
  /** Journal a change. */
  record(record: JournalRecord): void;
  /** An attempt failed; `deadLettered` when it was the last one. */
  failed(item: OutboxItem, failure: AttemptFailure, deadLettered: boolean): void;
  /** An item left the outbox undelivered (outbox full, or closed in memory mode). */
  dropped(item: OutboxItem): void;
  /** An item was delivered. */
  delivered(item: OutboxItem): void;
}

const severityRank = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;
const timeoutReason = Symbol('attempt timed out');

/**
 * One channel's outbox and sender: a bounded queue in arrival order, its own in-flight limit,
 * rate limit and backoff, so a channel that hangs or fails never delays another.
 */
export class ChannelWorker {
  readonly #channel: AlertChannel;
  readonly #context: WorkerContext;
  readonly #queue: OutboxItem[] = [];
  readonly #bucket: TokenBucket | undefined;
  readonly #running = new Set<Promise<void>>();
  readonly #controllers = new Set<AbortController>();
  #timer: unknown;
  #pausedUntil = 0;
  #failures = 0;
  #closing = false;

  constructor(channel: AlertChannel, context: WorkerContext) {
    this.#channel = channel;
    this.#context = context;
    this.#bucket =
      context.rateLimit === undefined ? undefined : createTokenBucket(context.rateLimit, context.now());
  }

  /** Items waiting or being sent. */
  get size(): number {
    return this.#queue.length;
  }

  /** Attempts running now. */
  get inFlight(): number {
    return this.#running.size;
  }

  /** The attempts running now (they never reject). */
  running(): Promise<void>[] {
    return [...this.#running];
  }

  /** Items waiting or being sent, oldest first. */
  items(): readonly OutboxItem[] {
    return this.#queue;
  }

  /**
   * Add an item; when the outbox is full, the oldest item of the lowest severity (the new one
   * included) is dropped and reported.
   *
   * @param journal - Whether to journal the addition (false when restoring from the journal).
   */
  enqueue(item: OutboxItem, journal = true): void {
    if (this.#queue.length >= this.#context.settings.maxItems) {
      let victim: OutboxItem = item;
      for (const queued of this.#queue) {
        if (!queued.inFlight && severityRank[queued.severity] <= severityRank[victim.severity]) {
          if (victim === item || severityRank[queued.severity] < severityRank[victim.severity])
            victim = queued;
        }
      }
      if (victim === item) {
        this.#context.dropped(item);
        return;
      }
      this.#remove(victim);
      this.#context.record({ op: 'done', id: victim.id });
      this.#context.dropped(victim);
    }
    this.#queue.push(item);
    if (journal) this.#context.record({ op: 'add', item: stored(item) });
    this.pump();
  }

  /** Put restored items (from the journal) ahead of the ones added since. */
  restore(items: readonly OutboxItem[]): void {
    this.#queue.unshift(...items);
    while (this.#queue.length > this.#context.settings.maxItems) {
      const [victim] = this.#queue.splice(this.#lowest(), 1);
      if (victim === undefined) break;
      this.#context.record({ op: 'done', id: victim.id });
      this.#context.dropped(victim);
    }
    this.pump();
  }

  /** Start as many attempts as the in-flight limit, the pause after failures and the rate limit allow. */
  pump(): void {
    if (this.#closing) return;
    if (this.#timer !== undefined) {
      this.#context.timers.clear(this.#timer);
      this.#timer = undefined;
    }
    while (this.#running.size < this.#context.settings.maxInFlight) {
      const item = this.#queue.find((queued) => !queued.inFlight);
      if (item === undefined) return;
      const now = this.#context.now();
      const wait = now < this.#pausedUntil ? this.#pausedUntil - now : (this.#bucket?.take(now) ?? 0);
      if (wait > 0) {
        this.#timer = this.#context.timers.set(() => {
          this.#timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.#attempt(item);
    }
  }

  /** Stop starting attempts and clear the timer. */
  stop(): void {
    this.#closing = true;
    if (this.#timer !== undefined) this.#context.timers.clear(this.#timer);
    this.#timer = undefined;
  }

  /** Abort the running attempts (after `stop`, when the grace period is over). */
  abort(): void {
    for (const controller of this.#controllers) controller.abort(new Error('the notifier closed'));
  }

  #attempt(item: OutboxItem): void {
    item.inFlight = true;
    item.attempts += 1;
    this.#context.record({ op: 'attempt', id: item.id, attempts: item.attempts });
    const controller = new AbortController();
    this.#controllers.add(controller);
    const timer = this.#context.timers.set(
      () => controller.abort(timeoutReason),
      this.#context.settings.attemptTimeoutMs,
    );
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(controller.signal.reason);
      controller.signal.addEventListener('abort', onAbort, { once: true });
    });
    const sending = Promise.resolve().then(() =>
      this.#channel.send(item.notification, { signal: controller.signal, attempt: item.attempts }),
    );
    sending.catch(() => undefined); // a send that loses the race to a timeout may reject later
    const run = Promise.race([sending, aborted])
      .then(
        () => this.#succeeded(item),
        (error: unknown) => this.#failed(item, error),
      )
      .catch((error: unknown) => this.#failed(item, error))
      .finally(() => {
        this.#context.timers.clear(timer);
        if (onAbort !== undefined) controller.signal.removeEventListener('abort', onAbort);
        this.#controllers.delete(controller);
        this.#running.delete(run);
        this.pump();
      });
    this.#running.add(run);
  }

  #succeeded(item: OutboxItem): void {
    this.#failures = 0;
    this.#remove(item);
    this.#context.record({ op: 'done', id: item.id });
    this.#context.delivered(item);
  }

  #failed(item: OutboxItem, error: unknown): void {
    item.inFlight = false;
    if (this.#closing) return; // aborted by close: the item stays for the journal (or the close report)
    const failure = describeFailure(error);
    if (!failure.retryable || item.attempts >= this.#context.settings.maxAttempts) {
      this.#remove(item);
      this.#context.failed(item, failure, true);
      return;
    }
    this.#failures += 1;
    const { baseDelayMs, maxDelayMs } = this.#context.settings;
    let delay = backoffDelay(this.#failures, baseDelayMs, maxDelayMs, this.#context.random);
    if (failure.retryAfterMs !== undefined)
      delay = Math.max(delay, Math.min(failure.retryAfterMs, maxRetryAfterMs));
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#context.now() + delay);
    this.#context.failed(item, failure, false);
  }

  #remove(item: OutboxItem): void {
    const index = this.#queue.indexOf(item);
    if (index >= 0) this.#queue.splice(index, 1);
  }

  #lowest(): number {
    let found = -1;
    this.#queue.forEach((queued, index) => {
      const best = this.#queue[found];
      if (
        !queued.inFlight &&
        (best === undefined || severityRank[queued.severity] < severityRank[best.severity])
      )
        found = index;
    });
    return found;
  }
}

function stored(item: OutboxItem): Extract<JournalRecord, { op: 'add' }>['item'] {
  return {
    id: item.id,
    channel: item.channel,
    notification: item.notification,
    attempts: item.attempts,
    enqueuedAt: item.enqueuedAt,
  };
}

function describeFailure(error: unknown): AttemptFailure {
  if (error === timeoutReason) {
    return {
      code: 'ALERT_DELIVERY_FAILED',
      retryable: true,
      retryAfterMs: undefined,
      receiverStatus: undefined,
      reason: 'the attempt timed out',
    };
  }
  if (error instanceof AlertDeliveryError) {
    return {
      code: error.code,
      retryable: error.retryable,
      retryAfterMs: Number.isFinite(error.retryAfterMs)
        ? Math.max(0, error.retryAfterMs as number)
        : undefined,
      receiverStatus: Number.isInteger(error.receiverStatus) ? error.receiverStatus : undefined,
      reason: error.message.slice(0, 1024),
    };
  }
  return {
    code: isSecbotError(error) ? error.code : 'ALERT_DELIVERY_FAILED',
    retryable: true,
    retryAfterMs: undefined,
    receiverStatus: undefined,
    // Only our own messages are known to be free of secrets; of anything else, its name.
    reason: isSecbotError(error) ? error.message.slice(0, 1024) : errorName(error),
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name.slice(0, 128) : typeof error;
}
