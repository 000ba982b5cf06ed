import { type AuditSink, type AuditSinkState, parseOptions, SecbotError } from '@secbot/core';
import { z } from 'zod';

/** Options of {@link stdoutSink}. */
export interface StdoutSinkOptions {
  /** Where to write. Default `process.stdout`. */
  readonly stream?: NodeJS.WritableStream;
  /**
   * Where the chain stands, when continuing a log written by an earlier process (a stream cannot
   * be read back). Without it every process starts a new chain at seq 1 from the genesis value.
   */
  readonly resume?: { readonly seq: number; readonly head: string };
}

const where = 'stdoutSink';
const optionsSchema = z.strictObject({
  stream: z
    .custom<NodeJS.WritableStream>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as { write?: unknown }).write === 'function',
      'must be a writable stream',
    )
    .optional(),
  resume: z
    .strictObject({ seq: z.number().int().min(0), head: z.string().regex(/^[0-9a-f]{64}$/) })
    .optional(),
});

/**
 * An `AuditSink` that writes each line to `process.stdout` (or another stream), for log
 * shippers (Fluent Bit, Vector, a container runtime) that collect stdout.
 *
 * Durability here means *handed to the stream*: `append` resolves when the stream's write callback
 * has run (the bytes reached the OS pipe or file), not when the shipper has stored them. What the
 * shipper loses is outside this process's control; use {@link fileSink} (or PostgreSQL) where an
 * acknowledged line must survive a crash. Each process starts its own chain (seq 1, genesis
 * `prev`) unless `resume` says where an earlier one stopped, so a shipped stream may hold several
 * chains; verify each one separately.
 *
 * @param options - Stream and resume point.
 * @returns The sink.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option; `append` rejects with
 *   `AUDIT_WRITE_FAILED` when the stream reports an error.
 * @example
 * ```ts
 * import { createAuditLog, stdoutSink } from '@secbot/audit';
 *
 * const log = createAuditLog({ sink: stdoutSink(), key: process.env.AUDIT_MAC_KEY! });
 * ```
 */
export function stdoutSink(options: StdoutSinkOptions = {}): AuditSink {
  const parsed = parseOptions(optionsSchema, options, where);
  const stream = parsed.stream ?? process.stdout;
  let failed: unknown;
  return {
    async open(genesis: string): Promise<AuditSinkState> {
      return { seq: parsed.resume?.seq ?? 0, head: parsed.resume?.head ?? genesis, recoveredTornLine: false };
    },
    append(lines: readonly string[]): Promise<void> {
      if (failed !== undefined) {
        return Promise.reject(
          new SecbotError('AUDIT_WRITE_FAILED', `${where}: the stream has failed`, { cause: failed }),
        );
      }
      if (lines.length === 0) return Promise.resolve();
      return new Promise((resolvePromise, reject) => {
        try {
          stream.write(`${lines.join('\n')}\n`, (error?: Error | null) => {
            if (error) {
              failed = error;
              reject(
                new SecbotError('AUDIT_WRITE_FAILED', `${where}: the stream write failed`, { cause: error }),
              );
            } else resolvePromise();
          });
        } catch (error) {
          failed = error;
          reject(
            new SecbotError('AUDIT_WRITE_FAILED', `${where}: the stream write failed`, { cause: error }),
          );
        }
      });
    },
    async close(): Promise<void> {
      // The stream belongs to the process; it is not ended here.
    },
  };
}
