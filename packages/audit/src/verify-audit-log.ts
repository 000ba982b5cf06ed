import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import {
  eventBusSchema,
  parseOptions,
  type SecretInput,
  type SecurityEventBus,
  secretList,
} from '@secbot/core';
import { z } from 'zod';
import { checkSignature, compileVerifyingKeys, type Ed25519KeyInput } from './audit-checkpoint.js';
import { type AuditCheckpoint, auditGenesis } from './audit-line.js';
import { listLogFiles } from './internal/log-files.js';
import { compileMacKeys } from './internal/mac-keys.js';
import { errorCode, type Progress, verifyFile } from './internal/verify-file.js';
import { type ChainState, Stop, type VerifyContext } from './internal/verify-lines.js';
import { startVerifyPool, type VerifyPool } from './internal/verify-pool.js';

/** Options of {@link verifyAuditLog}. */
export interface VerifyAuditLogOptions {
  /** The current log file; rotated files `path.1`, `path.2`, ... beside it are verified first. */
  readonly path: string;
  /** Every MAC key the log may have used (newest first, as given to `createAuditLog`). */
  readonly key: SecretInput;
  /** The Ed25519 public key(s) of checkpoints; without it checkpoint signatures are not checked. */
  readonly publicKey?: Ed25519KeyInput | readonly Ed25519KeyInput[];
  /** Checkpoints kept outside the log (from `anchor`): the log must still contain what they cover. */
  readonly anchors?: readonly AuditCheckpoint[];
  /** Emit `audit.chain_broken` on this bus when verification fails. */
  readonly bus?: SecurityEventBus;
  /**
   * Worker threads that check lines in parallel (hashes and MACs; the chain is linked on the main
   * thread). Default: the machine's available parallelism, at most 4, for logs of 32 MiB and more;
   * none for smaller logs, where starting threads costs more than it saves. `0` never uses them.
   */
  readonly workers?: number;
  /** With workers: bytes of whole lines handed to a worker at once. Default 4 MiB. */
  readonly chunkBytes?: number;
  /** Called as the log is read, with bytes read so far and the total (for a progress bar). */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** Why verification stopped; stable strings. */
export type AuditVerifyFailure =
  /** No log file at `path`. */
  | 'missing'
  /** A file cannot be read. */
  | 'read-failed'
  /** A line is not shaped like a v1 line (garbage, an empty line, a cut line inside the log). */
  | 'malformed-line'
  /** A line's bytes do not hash to its `hash`: a changed byte. */
  | 'hash-mismatch'
  /** A line names a MAC key that is not in `key` (another key's log, or a forged line). */
  | 'unknown-key'
  /** A line's MAC is wrong: forged or changed with its hash recomputed. */
  | 'mac-mismatch'
  /** A line's seq is not the next one: a deleted, inserted, duplicated or reordered line. */
  | 'seq-mismatch'
  /** A line's prev is not the previous hash: a line replaced or a file swapped. */
  | 'prev-mismatch'
  /** A line without its newline before the end of the last file (a gap between files). */
  | 'torn-line'
  /** A checkpoint line whose content does not match its position. */
  | 'bad-checkpoint'
  /** A checkpoint signature that does not verify under `publicKey`. */
  | 'checkpoint-signature'
  /** An anchor whose signature does not verify under `publicKey`. */
  | 'anchor-invalid'
  /** The line an anchor covers has another hash: history rewritten. */
  | 'anchor-mismatch'
  /** The log ends before an anchored checkpoint: its tail was cut. */
  | 'truncated';

/** What {@link verifyAuditLog} found. */
export interface AuditVerifyReport {
  /** Whether every line verified and every anchor is covered. */
  readonly ok: boolean;
  /** How many lines verified (events and checkpoints), i.e. the seq of the last good line. */
  readonly count: number;
  /** How many files were read. */
  readonly files: number;
  /** How many checkpoint lines verified (signatures included when `publicKey` was given). */
  readonly checkpoints: number;
  /** Whether the last file ended in a torn line (a crash mid-write: tolerated, not counted). */
  readonly tornTail: boolean;
  /** The hash of the last good line (the genesis value when none). */
  readonly head: string;
  /** The first problem, at the first seq that cannot be trusted. */
  readonly error?: {
    readonly seq: number;
    readonly reason: AuditVerifyFailure;
    readonly message: string;
    readonly file?: string;
    /** 1-based line number within `file`. */
    readonly line?: number;
  };
}

const where = 'verifyAuditLog';
const optionsSchema = z.strictObject({
  path: z.string().min(1).max(4096),
  key: secretList({ minBytes: 32 }),
  publicKey: z
    .custom<Ed25519KeyInput | readonly Ed25519KeyInput[]>(
      (value) => compileVerifyingKeys(value as Ed25519KeyInput) !== undefined,
      'must be an Ed25519 public key (KeyObject or PEM) or a list of them',
    )
    .optional(),
  anchors: z
    .array(
      z.object({
        log: z.string(),
        size: z.number().int().min(0),
        head: z.string(),
        keyId: z.string(),
        sig: z.string(),
        ts: z.number().optional(),
      }),
    )
    .optional(),
  bus: eventBusSchema.optional(),
  workers: z.number().int().min(0).max(64).optional(),
  chunkBytes: z
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .optional(),
  onProgress: z
    .custom<(bytesRead: number, totalBytes: number) => void>(
      (value) => typeof value === 'function',
      'must be a function',
    )
    .optional(),
});

/** Logs at least this large use worker threads by default. */
const parallelFromBytes = 32 * 1024 * 1024;

/**
 * Verify an audit log written by `createAuditLog` + `fileSink`, streaming it line by line (memory
 * stays bounded whatever the log's size), across rotated files in order. For each line it checks
 * the hash over the exact bytes, the MAC under the key named by `kid`, that `seq` is the next
 * number and `prev` the previous hash (also from one file to the next), and for checkpoint lines
 * the covered size and head and, given `publicKey`, the Ed25519 signature. Then every anchor
 * must be covered by a line with the same hash, which detects a tail cut back past it.
 *
 * Only a torn final line (no newline at the very end, from a crash mid-write) is tolerated and
 * reported as `tornTail`. A missing, empty, garbage or foreign file gives a report, never an
 * exception. An empty log verifies as `ok` with `count: 0` (pass anchors to rule out a wipe).
 *
 * @param options - Path, MAC keys, checkpoint public key, anchors.
 * @returns The report; `error.seq` is the first seq that cannot be trusted.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (e.g. a `publicKey` that is not Ed25519).
 * @example
 * ```ts
 * import { verifyAuditLog } from '@secbot/audit';
 *
 * const report = await verifyAuditLog({ path: './audit.jsonl', key: [process.env.AUDIT_MAC_KEY!] });
 * if (!report.ok) console.error(`broken at seq ${report.error?.seq}: ${report.error?.reason}`);
 * ```
 */
export async function verifyAuditLog(options: VerifyAuditLogOptions): Promise<AuditVerifyReport> {
  const o = parseOptions(optionsSchema, options, where);
  const context: VerifyContext = {
    macs: compileMacKeys(o.key, where).byKid,
    publicKeys: o.publicKey === undefined ? undefined : compileVerifyingKeys(o.publicKey),
    anchors: new Map(),
  };
  const path = resolve(o.path);
  const anchors = (o.anchors ?? []) as AuditCheckpoint[];
  const startPool = (bytes: number): VerifyPool | undefined => {
    const size = o.workers ?? (bytes >= parallelFromBytes ? Math.min(availableParallelism(), 4) : 0);
    if (size < 1 || (o.workers === undefined && size < 2)) return undefined;
    return startVerifyPool(size, { type: 'init', keys: o.key, publicKeys: o.publicKey, anchors });
  };
  const reading = { chunkBytes: o.chunkBytes ?? 4 * 1024 * 1024, onProgress: o.onProgress };
  const report = await run(path, context, anchors, startPool, reading);
  if (!report.ok && report.error !== undefined) {
    try {
      o.bus?.emit('audit.chain_broken', { seq: report.error.seq, reason: report.error.reason, source: path });
    } catch {
      // the bus isolates listeners; emit itself does not throw
    }
  }
  return report;
}

async function run(
  path: string,
  context: VerifyContext,
  anchors: readonly AuditCheckpoint[],
  startPool: (bytes: number) => VerifyPool | undefined,
  reading: { readonly chunkBytes: number; readonly onProgress: Progress['report'] },
): Promise<AuditVerifyReport> {
  const state: ChainState = { count: 0, head: auditGenesis, checkpoints: 0, lineNo: 0, linked: true };
  let tornTail = false;
  let files = 0;
  const bySize = context.anchors as Map<number, AuditCheckpoint>;
  const finish = (stop?: Stop): AuditVerifyReport => ({
    ok: stop === undefined,
    count: state.count,
    files,
    checkpoints: state.checkpoints,
    tornTail,
    head: state.head,
    ...(stop === undefined
      ? {}
      : {
          error: {
            seq: stop.seq,
            reason: stop.reason,
            message: stop.detail,
            ...(stop.file === undefined ? {} : { file: stop.file }),
            ...(stop.line === undefined ? {} : { line: stop.line }),
          },
        }),
  });

  let pool: VerifyPool | undefined;
  try {
    for (const anchor of anchors) {
      if (context.publicKeys !== undefined && !checkSignature(anchor, context.publicKeys)) {
        throw new Stop(
          anchor.size,
          'anchor-invalid',
          `the anchor for size ${anchor.size} is not validly signed`,
        );
      }
      if (anchor.size === 0 && anchor.head !== auditGenesis) {
        throw new Stop(0, 'anchor-mismatch', 'an anchor for size 0 does not carry the genesis value');
      }
      bySize.set(anchor.size, anchor);
    }
    let listing: Awaited<ReturnType<typeof listLogFiles>>;
    try {
      listing = await listLogFiles(path);
    } catch (error) {
      throw new Stop(1, 'read-failed', `the log directory cannot be read (${errorCode(error)})`);
    }
    const all = [...listing.rotated, ...(listing.current === undefined ? [] : [listing.current])];
    if (all.length === 0) throw new Stop(1, 'missing', 'no log file at the path');
    const sizes = await Promise.all(
      all.map((file) =>
        stat(file).then(
          (s) => s.size,
          () => 0,
        ),
      ),
    );
    const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
    pool = startPool(totalBytes);
    const progress = {
      read: 0,
      total: totalBytes,
      report: reading.onProgress,
      chunkBytes: reading.chunkBytes,
    };
    for (let index = 0; index < all.length; index++) {
      files += 1;
      const file = all[index] as string;
      const ended = await verifyFile(file, context, state, pool, progress);
      if (ended === 'torn') {
        if (index < all.length - 1) {
          throw new Stop(
            state.count + 1,
            'torn-line',
            'a rotated file ends without a newline',
            file,
            state.lineNo + 1,
          );
        }
        tornTail = true;
      }
    }
    for (const anchor of bySize.values()) {
      if (anchor.size > state.count) {
        throw new Stop(
          state.count + 1,
          'truncated',
          `the log ends at seq ${state.count} but a checkpoint anchored elsewhere covers ${anchor.size} lines`,
        );
      }
    }
    return finish();
  } catch (error) {
    if (error instanceof Stop) return finish(error);
    throw error;
  } finally {
    await pool?.close();
  }
}
