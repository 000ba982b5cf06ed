import { SecbotError } from '@secbot/core';
import type { Alert, AlertStatus } from './alert.js';

/**
 * What a channel delivers: one notification per alert group and receiver, in the shape
 * Prometheus Alertmanager users know.
 */
export interface Notification {
  /**
   * Unique per notification and stable over its retries: receivers use it to drop duplicates
   * (it is the `webhook-id` of a signed webhook).
   */
  readonly id: string;
  /** The receiver (route target) it goes to. */
  readonly receiver: string;
  /** `resolved` when every alert in it is resolved, else `firing`. */
  readonly status: AlertStatus;
  /** The alert group: the route's `groupBy` labels and their values. */
  readonly groupKey: string;
  /** The labels the alerts are grouped by, and their values. */
  readonly groupLabels: Readonly<Record<string, string>>;
  /** The alerts, newest last; redacted. */
  readonly alerts: readonly Alert[];
  /** How many alerts of the group were left out to keep the payload bounded. */
  readonly truncatedAlerts: number;
  /** When the notification was made, epoch ms. */
  readonly createdAt: number;
}

/** What a channel's `send` gets besides the notification. */
export interface ChannelSendContext {
  /** Aborted when the attempt times out or the alerts service closes: stop and reject. */
  readonly signal: AbortSignal;
  /** 1 for the first attempt, then 2, 3, ... */
  readonly attempt: number;
}

/**
 * A way to reach people: webhook, Slack, Teams, PagerDuty, email, SMS, syslog, or a user's own
 * (a ticket system). `send` resolves once the receiving end accepted the notification, and rejects
 * otherwise, preferably with {@link AlertDeliveryError} so the outbox knows whether and when to retry.
 *
 * @example
 * ```ts
 * import { AlertDeliveryError, type AlertChannel } from '@secbot/alerts';
 *
 * const tickets: AlertChannel = {
 *   name: 'servicenow',
 *   async send(notification, { signal }) {
 *     const response = await fetch('https://example.service-now.com/api/now/table/incident', {
 *       method: 'POST', signal, body: JSON.stringify({ short_description: notification.alerts[0]?.summary }),
 *     });
 *     if (!response.ok) throw AlertDeliveryError.fromResponse('servicenow', response);
 *   },
 * };
 * ```
 */
export interface AlertChannel {
  /** A name for logs, events and the dead-letter list, unique among channels, e.g. `pagerduty`. */
  readonly name: string;
  /**
   * Deliver one notification.
   *
   * @throws AlertDeliveryError (or any error, treated as retryable) when it was not accepted.
   */
  send(notification: Notification, context: ChannelSendContext): Promise<void>;
  /** Release connections (SMTP pools, sockets). */
  close?(): Promise<void>;
}

/** Options of {@link AlertDeliveryError}. */
export interface AlertDeliveryErrorOptions {
  /** Whether trying again may succeed: true for timeouts, 5xx and 429; false for other 4xx. Default true. */
  readonly retryable?: boolean;
  /** How long the receiver asked us to wait (from `Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;
  /** The HTTP status (or SMTP reply code) the receiver answered with. */
  readonly receiverStatus?: number;
  /** The underlying error, kept for operators (never serialised). */
  readonly cause?: unknown;
}

/**
 * A failed delivery, with what the outbox needs to decide on a retry. Its code is always
 * `ALERT_DELIVERY_FAILED`; the message names the channel and the status, never a URL with a
 * token, a secret or the payload.
 */
export class AlertDeliveryError extends SecbotError {
  /** Whether trying again may succeed. */
  readonly retryable: boolean;
  /** How long the receiver asked us to wait, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** The receiver's status code (HTTP status, SMTP reply code), when there was one. */
  readonly receiverStatus: number | undefined;

  /**
   * @param channel - The channel's name.
   * @param message - What went wrong, without secrets.
   * @param options - Retry hints and the cause.
   */
  constructor(channel: string, message: string, options: AlertDeliveryErrorOptions = {}) {
    super(
      'ALERT_DELIVERY_FAILED',
      `${channel}: ${message}`,
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.retryable = options.retryable ?? true;
    this.retryAfterMs = options.retryAfterMs;
    this.receiverStatus = options.receiverStatus;
  }

  /**
   * The error for an HTTP response that was not a success: 429 and 5xx are retryable (honouring
   * `Retry-After` in seconds or as an HTTP date), 408 too; other statuses are not.
   *
   * @param channel - The channel's name.
   * @param response - The response (only its status and headers are read).
   * @param now - The current time, for `Retry-After` dates. Defaults to `Date.now()`.
   */
  static fromResponse(
    channel: string,
    response: { readonly status: number; readonly headers: { get(name: string): string | null } },
    now: number = Date.now(),
  ): AlertDeliveryError {
    const status = response.status;
    const retryable = status === 408 || status === 429 || status >= 500;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
    return new AlertDeliveryError(channel, `the receiver answered HTTP ${status}`, {
      retryable,
      receiverStatus: status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
}

/** Longest wait a `Retry-After` header may ask for (longer values are capped): one hour. */
export const maxRetryAfterMs = 3_600_000;

/**
 * Parse a `Retry-After` header: delay-seconds or an HTTP date (RFC 9110 10.2.3).
 *
 * @returns Milliseconds to wait (0 to {@link maxRetryAfterMs}), or `undefined` when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Math.min(Number(text) * 1000, maxRetryAfterMs);
  if (text.length > 64) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(at - now, 0), maxRetryAfterMs);
}
