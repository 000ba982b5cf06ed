/** Counters of the delivery service since it started (restored items included in `pending`). */
export interface DeliveryStats {
  /** Notifications waiting or being sent, over all channels. */
  readonly pending: number;
  /** Attempts running now. */
  readonly inFlight: number;
  /** Notifications a channel accepted. */
  readonly delivered: number;
  /** Attempts that failed (each also emitted as `alert.delivery_failed`). */
  readonly failedAttempts: number;
  /** Notifications moved to the dead-letter list. */
  readonly deadLettered: number;
  /** Notifications dropped undelivered: outbox full, or still waiting when a memory-only outbox closed. */
  readonly dropped: number;
  /** Dead letters dropped because the list was full. */
  readonly deadLettersDropped: number;
  /** Journal lines that could not be read and were skipped. */
  readonly journalCorruptLines: number;
  /** Journal writes that failed (delivery went on from memory). */
  readonly journalWriteErrors: number;
}
