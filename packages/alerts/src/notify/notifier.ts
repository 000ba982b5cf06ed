import type { Alert } from '../alert.js';
import type { DeadLetter } from '../deliver/dead-letter.js';
import type { DeliveryStats } from '../deliver/delivery-stats.js';
import type { Silence, SilenceInput } from './silences.js';

/** Counters of a notifier since it started. */
export interface NotifierStats extends DeliveryStats {
  /** Alert groups held (one per route and group). */
  readonly groups: number;
  /** Firing alerts held. */
  readonly alerts: number;
  /** New firing alerts refused because `maxAlerts` were held. */
  readonly refusedAlerts: number;
  /** Group notifications made (each goes to every channel of its receiver). */
  readonly notifications: number;
  /** Group notifications another instance had already claimed in the shared store (not sent here). */
  readonly claimedElsewhere: number;
  /** Claims the store could not answer; those notifications were sent anyway (a duplicate beats a loss). */
  readonly claimErrors: number;
}

/**
 * Routes, groups, dedupes, inhibits and silences alerts, and delivers the resulting notifications
 * through an outbox per channel. Made by `createNotifier`.
 */
export interface Notifier {
  /**
   * Hand over an alert (firing, a repeat, or resolved). Returns at once; notifications follow on
   * the group timers. Delivery failures never surface here: they become events and dead letters.
   *
   * @throws SecbotError `ARGUMENT_INVALID` when the value is not a well-formed alert (or is
   *   oversized); `INTERNAL` after `close`.
   */
  notify(alert: Alert): void;
  /**
   * Mute matching alerts from `startsAt` until `endsAt`.
   *
   * @returns The silence, with its id.
   * @throws SecbotError `ARGUMENT_INVALID` when it has no condition, an invalid regular
   *   expression, an `endsAt` not in the future or before `startsAt`, no author or reason, or
   *   when 1,000 silences are already live.
   */
  silence(input: SilenceInput): Silence;
  /**
   * End a silence now.
   *
   * @returns Whether it existed and had not expired yet.
   */
  expireSilence(id: string): boolean;
  /** Every silence (pending, active, and expired within the last 5 days). */
  silences(): readonly Silence[];
  /** Notifications that could not be delivered, oldest first. */
  deadLetters(): readonly DeadLetter[];
  /**
   * Put a dead letter back into its channel's outbox with a fresh set of attempts.
   *
   * @returns Whether it existed (and its channel still does).
   */
  retryDeadLetter(id: string): boolean;
  /**
   * Resolves once nothing is pending that could be sent now: store claims answered, no attempt
   * running, none allowed to start (waits for group timers, backoff and rate limits are not awaited).
   */
  flush(): Promise<void>;
  /**
   * Stop: notify what groups hold and have not notified yet, give running and ready deliveries
   * `delivery.closeTimeoutMs` to finish, abort the rest through their signal, close the journal
   * (what is left waits there for the next start) and the channels. Without a journal, what is
   * left is reported as dropped.
   */
  close(): Promise<void>;
  /** Counters. */
  stats(): NotifierStats;
}
