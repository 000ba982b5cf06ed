import { type FileHandle, mkdir, open, rename, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  type AuditSink,
  type AuditSinkState,
  type Clock,
  parseOptions,
  SecbotError,
  systemClock,
} from '@secbot/core';
import { syncDirectory } from '@secbot/core/node';
import { z } from 'zod';
import { parseAuditLine } from './audit-line.js';
import { firstLine, lastCompleteLine, listLogFiles, rotationIndex } from './internal/log-files.js';
import { acquireWriterLock } from './internal/writer-lock.js';

/** Options of {@link fileSink}. */
export interface FileSinkOptions {
  /** The current log file. Rotated files sit beside it as `path.1`, `path.2`, ... (oldest first). */
  readonly path: string;
  /** Start a new file when the current one would pass `maxBytes`, or is `intervalMs` old. */
  readonly rotate?: { readonly maxBytes?: number; readonly intervalMs?: number };
  /**
   * `true` (default): each batch is fsynced (`fdatasync`) before it is acknowledged, so it
   * survives a power loss. `false`: acknowledged once written to the OS, which survives a process
   * crash but not a machine crash.
   */
  readonly fsync?: boolean;
  /** Clock for time-based rotation. Defaults to `Date.now`. */
  readonly now?: Clock;
}

const where = 'fileSink';
const optionsSchema = z.strictObject({
  path: z.string().min(1).max(4096),
  rotate: z
    .strictObject({
      maxBytes: z.number().int().min(1024).optional(),
      intervalMs: z.number().int().min(1).optional(),
    })
    .optional(),
  fsync: z.boolean().default(true),
  now: z.custom<Clock>((value) => typeof value === 'function', 'must be a function').optional(),
});

/**
 * An `AuditSink` writing JSON lines to a file, append-only, with rotation and crash recovery.
 *
 * - **Writes**: the file is opened with `'a'` (O_APPEND, mode 600). Each `append` is one `write`
 *   of the whole batch and one `fdatasync`; it resolves only after both succeed and every earlier
 *   append has resolved. Concurrent appends are written in call order and their fsyncs overlap.
 * - **Rotation**: before a batch that would take the file past `rotate.maxBytes`, or once the file
 *   is `rotate.intervalMs` old (checked at each append, no timer), the current file is renamed to
 *   `path.<n>` (n = highest existing + 1), the directory is fsynced, and a new `path` is created.
 *   The chain continues across files: the new file's first line has `prev` = the last hash before.
 * - **Recovery**: `open` reads the end of the current file. A torn final line (no trailing
 *   newline, or a final line that is not valid JSON) is cut off by truncating to the preceding
 *   newline (reported as `recoveredTornLine: true`); such a line was never acknowledged. The
 *   state is the seq and hash of the last complete line, or of the newest rotated file when the
 *   current file is empty or missing, or the genesis value.
 * - **Failure**: after a failed write or fsync the sink refuses every later append with
 *   `AUDIT_WRITE_FAILED`; close it and open a new one (which cuts any partial write).
 * - **One writer**: `open` takes `<path>.lock` (holding the pid) and `close` releases it; a second
 *   sink on the same file, in this process or another one on this host, is refused with
 *   `AUDIT_WRITE_FAILED`, and a lock left by a process that died is taken over. (Two writers
 *   would fork the chain; a verifier reports that too.)
 *
 * @param options - Path, rotation, fsync.
 * @returns The sink, to pass to `createAuditLog`.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option. From `open`: `AUDIT_WRITE_FAILED` when the
 *   file cannot be read, repaired or opened; `AUDIT_CHAIN_BROKEN` when its last complete line is
 *   not a log line. From `append`: `AUDIT_WRITE_FAILED`.
 * @example
 * ```ts
 * import { createAuditLog, fileSink } from '@secbot/audit';
 *
 * const log = createAuditLog({
 *   sink: fileSink({ path: '/var/log/secbot/audit.jsonl', rotate: { maxBytes: 64 * 1024 * 1024 } }),
 *   key: process.env.AUDIT_MAC_KEY!,
 * });
 * ```
 */
export function fileSink(options: FileSinkOptions): AuditSink {
  const parsed = parseOptions(optionsSchema, options, where);
  const path = resolve(parsed.path);
  const now = parsed.now ?? systemClock;
  const maxBytes = parsed.rotate?.maxBytes;
  const intervalMs = parsed.rotate?.intervalMs;
  let handle: FileHandle | undefined;
  let size = 0;
  let startedAt = 0;
  let nextIndex = 1;
  let failed: unknown;
  let opened = false;
  let releaseLock: (() => Promise<void>) | undefined;
  let writes: Promise<unknown> = Promise.resolve(); // the last write, in call order
  let lastAppend: Promise<void> = Promise.resolve(); // rejects when it or an earlier append failed

  const fail = (message: string, cause: unknown): SecbotError => {
    failed ??= cause ?? new Error(message);
    return new SecbotError('AUDIT_WRITE_FAILED', `${where}: ${message}`, { cause });
  };

  const rotateNow = async (): Promise<void> => {
    await handle?.close();
    handle = undefined;
    await rename(path, `${path}.${nextIndex}`);
    nextIndex += 1;
    handle = await open(path, 'a', 0o600);
    await syncDirectory(dirname(path));
    size = 0;
    startedAt = now();
  };

  /** Rotate if due, then write the whole batch; returns the handle it was written to. */
  const writeBatch = async (data: Buffer, before: Promise<void>): Promise<FileHandle> => {
    if (failed !== undefined) {
      throw new SecbotError('AUDIT_WRITE_FAILED', `${where}: an earlier batch failed`, { cause: failed });
    }
    try {
      if (
        size > 0 &&
        ((maxBytes !== undefined && size + data.length > maxBytes) ||
          (intervalMs !== undefined && now() - startedAt >= intervalMs))
      ) {
        await before; // no fsync of the old file may still be running when it is closed
        await rotateNow();
      }
    } catch (error) {
      throw fail('the log file cannot be rotated', error);
    }
    const target = handle;
    if (target === undefined) throw fail('the log file is not open', undefined);
    try {
      let done = 0;
      while (done < data.length) {
        const { bytesWritten } = await target.write(data, done, data.length - done);
        if (bytesWritten <= 0) throw new Error('short write');
        done += bytesWritten;
      }
      size += data.length;
      return target;
    } catch (error) {
      throw fail('the batch cannot be written durably', error);
    }
  };

  return {
    async open(genesis: string): Promise<AuditSinkState> {
      if (opened) throw new SecbotError('ARGUMENT_INVALID', `${where}: already opened`);
      opened = true;
      try {
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        releaseLock = await acquireWriterLock(`${path}.lock`, where);
        const { rotated } = await listLogFiles(path);
        const last = rotated.at(-1);
        nextIndex = last === undefined ? 1 : rotationIndex(last) + 1;
        const recovered = await recoverCurrent(path);
        let state: { seq: number; head: string } | undefined = recovered.last;
        if (state === undefined && last !== undefined) state = await lastLineOf(last);
        size = recovered.size;
        startedAt = recovered.firstTs ?? now();
        handle = await open(path, 'a', 0o600);
        await syncDirectory(dirname(path));
        return {
          seq: state?.seq ?? 0,
          head: state?.head ?? genesis,
          recoveredTornLine: recovered.cut,
        };
      } catch (error) {
        failed = error;
        await releaseLock?.();
        releaseLock = undefined;
        if (error instanceof SecbotError) throw error;
        throw new SecbotError('AUDIT_WRITE_FAILED', `${where}: the log file cannot be opened`, {
          cause: error,
        });
      }
    },

    append(lines: readonly string[]): Promise<void> {
      if (failed !== undefined || handle === undefined) {
        return Promise.reject(
          new SecbotError('AUDIT_WRITE_FAILED', `${where}: the sink is not open or has failed`, {
            cause: failed,
          }),
        );
      }
      if (lines.length === 0) return lastAppend;
      const data = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
      // Writes run one after another, in call order; their fsyncs may overlap (concurrent
      // fdatasyncs on one file cost less each), and a call resolves only once every earlier
      // call has resolved, and rejects when any of them rejected.
      const before = lastAppend;
      const written = writes.then(() => writeBatch(data, before));
      writes = written.catch(() => undefined);
      const durable = (async () => {
        const target = await written;
        try {
          if (parsed.fsync) await target.datasync();
        } catch (error) {
          throw fail('the batch cannot be written durably', error);
        }
        await before;
      })();
      durable.catch(() => undefined); // the caller handles it; the next append awaits it too
      lastAppend = durable;
      return durable;
    },

    async close(): Promise<void> {
      await lastAppend.catch(() => undefined);
      const current = handle;
      handle = undefined;
      failed ??= new Error('closed');
      try {
        await current?.close();
      } finally {
        await releaseLock?.();
        releaseLock = undefined;
      }
    },
  };
}

interface Recovered {
  readonly size: number;
  readonly cut: boolean;
  readonly last: { seq: number; head: string } | undefined;
  readonly firstTs: number | undefined;
}

/** Cut a torn tail off the current file and read its last line. */
async function recoverCurrent(path: string): Promise<Recovered> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { size: 0, cut: false, last: undefined, firstTs: undefined };
    }
    throw error;
  }
  try {
    let size = (await handle.stat()).size;
    let cut = false;
    let found = await lastCompleteLine(handle, size);
    let line = found === undefined ? undefined : parseAuditLine(found.text);
    // A final line that is complete but not a log line is torn too (e.g. zeros after a crash).
    if (found !== undefined && line === undefined) {
      found = await lastCompleteLine(handle, size, found.start);
      line = found === undefined ? undefined : parseAuditLine(found.text);
      if (found !== undefined && line === undefined) {
        throw new SecbotError('AUDIT_CHAIN_BROKEN', `${where}: the log file does not end in log lines`);
      }
    }
    const keep = found?.completeEnd ?? 0;
    if (keep < size) {
      await handle.truncate(keep);
      await handle.sync();
      size = keep;
      cut = true;
    }
    let firstTs: number | undefined;
    if (size > 0) firstTs = parseAuditLine(await firstLine(handle, size))?.ts;
    return { size, cut, last: line === undefined ? undefined : { seq: line.seq, head: line.hash }, firstTs };
  } finally {
    await handle.close();
  }
}

/** The last line of a rotated file (never repaired: rotated files are complete by construction). */
async function lastLineOf(file: string): Promise<{ seq: number; head: string } | undefined> {
  const handle = await open(file, 'r');
  try {
    const { size } = await stat(file);
    if (size === 0) return undefined;
    const found = await lastCompleteLine(handle, size);
    const line = found === undefined ? undefined : parseAuditLine(found.text);
    if (line === undefined || found?.completeEnd !== size) {
      throw new SecbotError('AUDIT_CHAIN_BROKEN', `${where}: a rotated log file does not end in a log line`);
    }
    return { seq: line.seq, head: line.hash };
  } finally {
    await handle.close();
  }
}
