import { type FileHandle, open } from 'node:fs/promises';
import { type ChainState, Stop, type VerifyContext, verifyLines } from './verify-lines.js';
import type { ChunkReply } from './verify-messages.js';
import type { VerifyPool } from './verify-pool.js';

const initialBuffer = 1024 * 1024;
const maxLineBytes = 64 * 1024 * 1024;

/** Bytes read so far, for `onProgress`, and the chunk size handed to workers. */
export interface Progress {
  read: number;
  readonly total: number;
  readonly report: ((bytesRead: number, totalBytes: number) => void) | undefined;
  readonly chunkBytes: number;
}

/**
 * Verify one file, continuing `state`. Complete lines are checked here, or in chunks by the pool
 * and linked here in order.
 *
 * @returns `'torn'` when the file ends without a newline.
 * @throws Stop at the first problem.
 */
export async function verifyFile(
  file: string,
  context: VerifyContext,
  state: ChainState,
  pool: VerifyPool | undefined,
  progress: Progress,
): Promise<'complete' | 'torn'> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new Stop(state.count + 1, 'read-failed', `a log file cannot be opened (${errorCode(error)})`, file);
  }
  state.lineNo = 0;
  const pending: Promise<ChunkReply>[] = [];
  try {
    let buf = Buffer.allocUnsafe(pool === undefined ? initialBuffer : progress.chunkBytes);
    let scratch = Buffer.allocUnsafe(buf.length);
    let filled = 0;
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buf, filled, buf.length - filled, null));
      } catch (error) {
        throw new Stop(
          state.count + 1,
          'read-failed',
          `a log file cannot be read (${errorCode(error)})`,
          file,
        );
      }
      progress.read += bytesRead;
      progress.report?.(progress.read, progress.total);
      if (bytesRead === 0) {
        await linkAll(pending, state, file);
        return filled > 0 ? 'torn' : 'complete';
      }
      const end = filled + bytesRead;
      let pos: number;
      if (pool === undefined) pos = verifyLines(buf, 0, end, scratch, context, state, file);
      else {
        pos = buf.lastIndexOf(10, end - 1) + 1;
        if (pos > 0) {
          const chunk = Buffer.allocUnsafeSlow(pos); // owns its memory, so it can be transferred
          buf.copy(chunk, 0, 0, pos);
          pending.push(pool.check(file, chunk));
          // link finished chunks as they come, so a failure early in a big file stops the reading
          if (pending.length >= 8) await linkAll(pending.splice(0, 4), state, file);
        }
      }
      // keep the partial line at the front; grow when one line fills the buffer
      buf.copy(buf, 0, pos, end);
      filled = end - pos;
      if (filled === buf.length) {
        if (buf.length >= maxLineBytes) {
          await linkAll(pending, state, file);
          throw new Stop(
            state.count + 1,
            'malformed-line',
            'a line is longer than 64 MiB',
            file,
            state.lineNo + 1,
          );
        }
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
        scratch = Buffer.allocUnsafe(buf.length);
      }
    }
  } finally {
    await Promise.allSettled(pending);
    await handle.close().catch(() => undefined);
  }
}

/** Link the chunks checked by workers onto the chain, in order; throws the first problem. */
async function linkAll(replies: Promise<ChunkReply>[], state: ChainState, file: string): Promise<void> {
  for (const waiting of replies.splice(0)) {
    const reply = await waiting;
    const lineBase = state.lineNo;
    const expected = state.count + 1;
    if (reply.crash !== undefined) throw new Error(`verifyAuditLog: a worker failed (${reply.crash})`);
    const stop = reply.stop;
    // A failure of the chunk's first line that the line shows on its own comes before its link.
    if (stop !== undefined && reply.first === undefined) {
      throw new Stop(expected, stop.reason, stop.detail, file, lineBase + stop.line);
    }
    const first = reply.first;
    if (first !== undefined) {
      if (first.seq !== expected) {
        throw new Stop(
          expected,
          'seq-mismatch',
          `found seq ${first.seq} where ${expected} was expected`,
          file,
          lineBase + 1,
        );
      }
      if (first.prev !== state.head) {
        throw new Stop(
          expected,
          'prev-mismatch',
          'the line does not chain to the previous line',
          file,
          lineBase + 1,
        );
      }
    }
    if (stop !== undefined) throw new Stop(stop.seq, stop.reason, stop.detail, file, lineBase + stop.line);
    if (first !== undefined) {
      state.count = reply.count;
      state.head = reply.head;
    }
    state.checkpoints += reply.checkpoints;
    state.lineNo = lineBase + reply.lines;
  }
}

export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';
}
