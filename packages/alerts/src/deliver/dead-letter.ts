import type { SecbotErrorCode, Severity } from '@secbot/core';
import type { Notification } from '../alert-channel.js';

/** A notification a channel could not deliver: retries ran out or the receiver refused it for good. */
export interface DeadLetter {
  /** Its id, for `retryDeadLetter`. */
  readonly id: string;
  /** The channel that failed. */
  readonly channel: string;
  /** What was to be delivered. */
  readonly notification: Notification;
  /** How many attempts were made. */
  readonly attempts: number;
  /** The last failure's code (`ALERT_DELIVERY_FAILED` for errors that were not a `SecbotError`). */
  readonly code: SecbotErrorCode;
  /** The receiver's last status code (HTTP status, SMTP reply code), when there was one. */
  readonly receiverStatus?: number;
  /** The last failure, for operators: the message of a `SecbotError`, or the name of another error. */
  readonly reason: string;
  /** When it was dead-lettered, epoch ms. */
  readonly failedAt: number;
}

/** A notification waiting in a channel's outbox. */
export interface OutboxItem {
  /** Unique per item (one notification gives one item per channel). */
  readonly id: string;
  /** The channel it goes to. */
  readonly channel: string;
  /** What to deliver. */
  readonly notification: Notification;
  /** The most serious severity among its alerts: the outbox drops lower ones first when full. */
  readonly severity: Severity;
  /** Attempts made so far. */
  attempts: number;
  /** When it entered the outbox, epoch ms. */
  readonly enqueuedAt: number;
  /** Whether an attempt is running. */
  inFlight: boolean;
}
