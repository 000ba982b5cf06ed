import { type AuditSink, type AuditSinkState, SecbotError } from '@secbot/core';
import { parseAuditLine } from './audit-line.js';

/** A {@link memorySink}: an `AuditSink` whose lines a test can read. */
export interface MemorySink extends AuditSink {
  /** Every line appended so far, in order (a live, read-only view). */
  readonly lines: readonly string[];
  /** How many times `append` was called with lines (one per group commit). */
  readonly appends: number;
}

/**
 * An in-memory `AuditSink`, the reference implementation of the port, for tests. "Durable"
 * means pushed to an array. It survives `close` and can be opened again by a new log, which
 * continues the chain from its last line.
 *
 * @returns The sink.
 * @example
 * ```ts
 * import { createAuditLog, memorySink } from '@secbot/audit';
 *
 * const sink = memorySink();
 * const log = createAuditLog({ sink, key: 'a test key that is at least 32 bytes long' });
 * await log.record({ actor: { id: 'u1' }, action: 'login', outcome: 'success' });
 * console.log(sink.lines.length); // 1
 * ```
 */
export function memorySink(): MemorySink {
  const lines: string[] = [];
  let appends = 0;
  let open = false;
  return {
    lines,
    get appends() {
      return appends;
    },
    async open(genesis: string): Promise<AuditSinkState> {
      open = true;
      const last = lines.at(-1);
      const parsed = last === undefined ? undefined : parseAuditLine(last);
      if (last !== undefined && parsed === undefined) {
        throw new SecbotError('AUDIT_CHAIN_BROKEN', 'memorySink: the last line is not a log line');
      }
      return { seq: parsed?.seq ?? 0, head: parsed?.hash ?? genesis, recoveredTornLine: false };
    },
    async append(batch: readonly string[]): Promise<void> {
      if (!open) throw new SecbotError('AUDIT_WRITE_FAILED', 'memorySink: not open');
      if (batch.length === 0) return;
      appends += 1;
      lines.push(...batch);
    },
    async close(): Promise<void> {
      open = false;
    },
  };
}
