import { AlertDeliveryError } from '../../alert-channel.js';

/** One of several requests a notification needs (one per alert, or one per SMS recipient). */
export interface DeliveryItem {
  /** Identifies the item within the notification (a fingerprint and action, a phone number); kept in memory only. */
  readonly key: string;
  /** Make the request; rejects with an `AlertDeliveryError` when it was not accepted. */
  readonly send: () => Promise<void>;
}

/** Most accepted items remembered per channel (oldest forgotten first). */
const ledgerSize = 4096;

/**
 * Sends a notification as several requests and remembers, per channel, which were accepted, so a
 * retry of the same notification (same id) sends only what failed: a person gets one SMS, not one
 * per attempt. Memory is bounded; a forgotten item is sent again, which the receivers that dedupe
 * (PagerDuty `dedup_key`, Opsgenie `alias`) absorb.
 */
export class DeliveryLedger {
  readonly #accepted = new Set<string>();

  /**
   * @param channel - The channel's name, for the combined error.
   */
  constructor(readonly channel: string) {}

  /**
   * Send every item not yet accepted for this notification, one after the other. A failed item
   * does not stop the others (one bad phone number must not silence the rest).
   *
   * @param notificationId - The notification's id.
   * @param items - The requests.
   * @param signal - Stops sending the remaining items once aborted.
   * @throws AlertDeliveryError the only failure as it was; for several, one that is retryable when
   *   any was, with the longest `Retry-After`.
   */
  async deliver(notificationId: string, items: readonly DeliveryItem[], signal: AbortSignal): Promise<void> {
    const failures: AlertDeliveryError[] = [];
    for (const item of items) {
      const key = `${notificationId}\u0000${item.key}`;
      if (this.#accepted.has(key)) continue;
      if (signal.aborted) {
        failures.push(new AlertDeliveryError(this.channel, 'the send was aborted', { retryable: true }));
        break;
      }
      try {
        await item.send();
        this.#remember(key);
      } catch (error) {
        failures.push(
          error instanceof AlertDeliveryError
            ? error
            : new AlertDeliveryError(this.channel, 'the request failed', { retryable: true, cause: error }),
        );
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw this.#combine(failures, items.length);
  }

  #remember(key: string): void {
    this.#accepted.add(key);
    if (this.#accepted.size > ledgerSize) {
      const oldest = this.#accepted.values().next().value;
      if (oldest !== undefined) this.#accepted.delete(oldest);
    }
  }

  #combine(failures: readonly AlertDeliveryError[], total: number): AlertDeliveryError {
    const retryable = failures.some((failure) => failure.retryable);
    const waits = failures.flatMap((failure) =>
      failure.retryAfterMs === undefined ? [] : [failure.retryAfterMs],
    );
    const status = failures.find((failure) => failure.receiverStatus !== undefined)?.receiverStatus;
    return new AlertDeliveryError(this.channel, `${failures.length} of ${total} requests failed`, {
      retryable,
      ...(waits.length === 0 ? {} : { retryAfterMs: Math.max(...waits) }),
      ...(status === undefined ? {} : { receiverStatus: status }),
      cause: new AggregateError(failures, 'delivery failures'),
    });
  }
}
