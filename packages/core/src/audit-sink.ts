/** Where an audit chain stands after a sink is opened: the last sequence number and line hash. */
export interface AuditSinkState {
  /** Sequence number of the last durable line; 0 for an empty log. */
  readonly seq: number;
  /** Hash of the last durable line (the next line's `prev`); the genesis value for an empty log. */
  readonly head: string;
  /** Whether opening found and cut a torn final line left by a crash (nothing acknowledged is lost). */
  readonly recoveredTornLine: boolean;
}

/**
 * The port the audit log writes through: a file (`@secbot/audit`), PostgreSQL (`@secbot/postgres`),
 * memory for tests, stdout for log shippers. Lines arrive already chained and MACed; the sink
 * only stores them, in order, durably.
 */
export interface AuditSink {
  /**
   * Open the sink, recover from a crash if needed, and say where the chain stands.
   *
   * @param genesis - The `head` to report for an empty log.
   */
  open(genesis: string): Promise<AuditSinkState>;
  /**
   * Append lines in order. Resolves only once every one of them is durable (fsync, commit);
   * rejects with `AUDIT_WRITE_FAILED` otherwise, and then none of them may count as written.
   *
   * The log calls `append` again before earlier calls have settled (it keeps a few in flight so
   * that one batch is made durable while the next is written). A sink must store the lines of
   * concurrent calls in call order, resolve a call only after every earlier call has resolved,
   * and reject every call after one that failed.
   *
   * @param lines - Serialised lines, without trailing newlines.
   */
  append(lines: readonly string[]): Promise<void>;
  /** Flush and release the sink. */
  close(): Promise<void>;
}
