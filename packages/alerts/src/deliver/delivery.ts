import { randomUUID } from 'node:crypto';
import type { Clock, SecbotErrorCode, SecurityEventBus } from '@secbot/core';
import type { AlertChannel, Notification } from '../alert-channel.js';
import { notificationSeverity } from '../render.js';
import { type AttemptFailure, ChannelWorker } from './channel-worker.js';
import type { DeadLetter, OutboxItem } from './dead-letter.js';
import { DeadLetterList } from './dead-letter-list.js';
import type { ParsedDeliveryOptions } from './delivery-options.js';
import type { DeliveryStats } from './delivery-stats.js';
import {
  createOutboxJournal,
  type JournalRecord,
  type JournalState,
  type OutboxJournal,
} from './outbox-journal.js';
import type { Timers } from './timers.js';
import { warn } from './warn.js';

/** The delivery side of a notifier: one outbox and sender per channel, dead letters, the journal. */
export interface Delivery {
  /** Queue a notification for one channel. */
  enqueue(channel: string, notification: Notification): void;
  /** The dead letters, oldest first. */
  deadLetters(): readonly DeadLetter[];
  /** Put a dead letter back into its channel's outbox, attempts reset. */
  retryDeadLetter(id: string): boolean;
  /** Resolves once no attempt is running and none could start now. */
  flush(): Promise<void>;
  /** Deliver what can be delivered within `closeTimeoutMs`, abort the rest, close the journal and the channels. */
  close(): Promise<void>;
  /** Counters. */
  stats(): DeliveryStats;
}

/** What {@link createDelivery} needs. */
export interface DeliveryContext {
  readonly channels: ReadonlyMap<string, AlertChannel>;
  readonly options: ParsedDeliveryOptions;
  readonly now: Clock;
  readonly timers: Timers;
  readonly random: () => number;
  readonly bus: SecurityEventBus | undefined;
}

/**
 * Create the delivery service.
 *
 * @param context - Channels, validated options, clock, timers, randomness, bus.
 */
export function createDelivery(context: DeliveryContext): Delivery {
  const { options, now, timers, bus } = context;
  const workers = new Map<string, ChannelWorker>();
  const counts = {
    delivered: 0,
    failedAttempts: 0,
    deadLettered: 0,
    dropped: 0,
    deadLettersDropped: 0,
    journalCorruptLines: 0,
    journalWriteErrors: 0,
  };
  let journal: OutboxJournal | undefined;
  let closing: Promise<void> | undefined;

  const record = (entry: JournalRecord): void => journal?.append(entry);

  const report = (
    item: OutboxItem,
    code: SecbotErrorCode,
    receiverStatus: number | undefined,
    outcome: 'retrying' | 'dead-lettered' | 'dropped',
  ): void => {
    try {
      bus?.emit('alert.delivery_failed', {
        channel: item.channel,
        notificationId: item.notification.id,
        alertIds: item.notification.alerts.map((alert) => alert.id),
        attempts: item.attempts,
        code,
        ...(receiverStatus === undefined ? {} : { receiverStatus }),
        outcome,
      });
    } catch {
      // A failing bus must not stop delivery; its own listeners' errors are isolated by the bus.
    }
  };

  const dead = new DeadLetterList(options.outbox.maxDeadLetters, (oldest) => {
    record({ op: 'done', id: oldest.id });
    counts.deadLettersDropped += 1;
    warn('the dead-letter list is full; its oldest entry was dropped', 'SECBOT_ALERT_DEAD_LETTER_DROPPED');
  });
  const addDeadLetter = (letter: DeadLetter, journalIt: boolean): void => {
    dead.add(letter);
    if (journalIt) {
      const { notification: _notification, channel: _channel, ...rest } = letter;
      record({ op: 'dead', letter: rest });
    }
  };

  const failed = (item: OutboxItem, failure: AttemptFailure, deadLettered: boolean): void => {
    counts.failedAttempts += 1;
    if (deadLettered) {
      counts.deadLettered += 1;
      addDeadLetter(
        {
          id: item.id,
          channel: item.channel,
          notification: item.notification,
          attempts: item.attempts,
          code: failure.code,
          ...(failure.receiverStatus === undefined ? {} : { receiverStatus: failure.receiverStatus }),
          reason: failure.reason,
          failedAt: now(),
        },
        true,
      );
    }
    report(item, failure.code, failure.receiverStatus, deadLettered ? 'dead-lettered' : 'retrying');
  };

  const dropped = (item: OutboxItem): void => {
    counts.dropped += 1;
    report(item, 'ALERT_DELIVERY_FAILED', undefined, 'dropped');
  };

  for (const [name, channel] of context.channels) {
    workers.set(
      name,
      new ChannelWorker(channel, {
        now,
        timers,
        random: context.random,
        settings: { ...options, maxItems: options.outbox.maxItems },
        rateLimit: options.rateLimits[name],
        record,
        failed,
        dropped,
        delivered: () => {
          counts.delivered += 1;
        },
      }),
    );
  }

  const item = (stored: Omit<OutboxItem, 'severity' | 'inFlight'>): OutboxItem => ({
    ...stored,
    severity: notificationSeverity(stored.notification),
    inFlight: false,
  });

  const merge = (state: JournalState): void => {
    if (state.corruptLines > 0) {
      counts.journalCorruptLines += state.corruptLines;
      warn(
        `${state.corruptLines} unreadable outbox journal line(s) were skipped`,
        'SECBOT_ALERT_OUTBOX_CORRUPT',
      );
    }
    for (const letter of state.dead) addDeadLetter(letter, false);
    const restored = new Map<string, OutboxItem[]>();
    for (const stored of state.pending) {
      if (!workers.has(stored.channel)) {
        addDeadLetter(
          {
            ...stored,
            code: 'ALERT_DELIVERY_FAILED',
            reason: 'the channel is no longer configured',
            failedAt: now(),
          },
          false,
        );
        continue;
      }
      restored.set(stored.channel, [...(restored.get(stored.channel) ?? []), item(stored)]);
    }
    for (const [name, items] of restored) workers.get(name)?.restore(items);
  };

  const snapshot = (): JournalRecord[] => {
    const records: JournalRecord[] = [];
    for (const worker of workers.values()) {
      for (const queued of worker.items()) {
        const { severity: _severity, inFlight: _inFlight, ...stored } = queued;
        records.push({ op: 'add', item: stored });
      }
    }
    for (const letter of dead.list()) {
      const { notification, channel, ...rest } = letter;
      records.push({
        op: 'add',
        item: {
          id: letter.id,
          channel,
          notification,
          attempts: letter.attempts,
          enqueuedAt: letter.failedAt,
        },
      });
      records.push({ op: 'dead', letter: rest });
    }
    return records;
  };

  let opening: Promise<void> = Promise.resolve();
  if (options.outbox.path !== undefined) {
    const opened = createOutboxJournal({
      directory: options.outbox.path,
      snapshot,
      onError: () => {
        counts.journalWriteErrors += 1;
        warn('an outbox journal write failed', 'SECBOT_ALERT_OUTBOX_WRITE');
      },
    });
    journal = opened;
    opening = opened.open(merge).catch(() => {
      journal = undefined; // deliver from memory rather than not at all
      counts.journalWriteErrors += 1;
      warn('the outbox journal cannot be opened; delivering from memory', 'SECBOT_ALERT_OUTBOX_WRITE');
    });
  }

  const settle = async (): Promise<void> => {
    for (;;) {
      const running = [...workers.values()].flatMap((worker) => {
        worker.pump();
        return worker.running();
      });
      if (running.length === 0) return;
      await Promise.all(running);
    }
  };

  return {
    enqueue(channel, notification) {
      const worker = workers.get(channel);
      if (worker === undefined || closing !== undefined) return;
      worker.enqueue(item({ id: randomUUID(), channel, notification, attempts: 0, enqueuedAt: now() }));
    },
    deadLetters: () => dead.list(),
    retryDeadLetter(id) {
      const letter = typeof id === 'string' ? dead.get(id) : undefined;
      const worker = letter === undefined ? undefined : workers.get(letter.channel);
      if (letter === undefined || worker === undefined || closing !== undefined) return false;
      dead.take(id);
      worker.enqueue(
        item({
          id,
          channel: letter.channel,
          notification: letter.notification,
          attempts: 0,
          enqueuedAt: now(),
        }),
      );
      return true;
    },
    async flush() {
      await opening;
      await settle();
      await journal?.idle();
    },
    close() {
      closing ??= (async () => {
        await opening;
        if (options.closeTimeoutMs > 0) {
          let grace: unknown;
          const graceOver = new Promise<void>((resolve) => {
            grace = timers.set(resolve, options.closeTimeoutMs);
          });
          await Promise.race([settle(), graceOver]);
          timers.clear(grace);
        }
        for (const worker of workers.values()) worker.stop();
        for (const worker of workers.values()) worker.abort();
        await Promise.all([...workers.values()].flatMap((worker) => worker.running()));
        if (journal !== undefined) await journal.close();
        else for (const worker of workers.values()) for (const left of [...worker.items()]) dropped(left);
        await Promise.allSettled([...context.channels.values()].map(async (channel) => channel.close?.()));
      })();
      return closing;
    },
    stats() {
      let pending = 0;
      let inFlight = 0;
      for (const worker of workers.values()) {
        pending += worker.size;
        inFlight += worker.inFlight;
      }
      return { pending, inFlight, ...counts };
    },
  };
}
