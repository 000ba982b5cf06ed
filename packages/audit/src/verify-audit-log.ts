import type { KeyObject } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
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
import { readLineFields } from './internal/line-codec.js';
import { listLogFiles } from './internal/log-files.js';
import { compileMacKeys } from './internal/mac-keys.js';

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
});

const checkpointKeys = ['head', 'keyId', 'log', 'sig', 'size'];
const initialBuffer = 1024 * 1024;
const maxLineBytes = 64 * 1024 * 1024;

class Stop extends Error {
  constructor(
    readonly seq: number,
    readonly reason: AuditVerifyFailure,
    readonly detail: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(detail);
  }
}

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
  const macs = compileMacKeys(o.key, where).byKid;
  const publicKeys = o.publicKey === undefined ? undefined : compileVerifyingKeys(o.publicKey);
  const path = resolve(o.path);
  const anchors = (o.anchors ?? []) as AuditCheckpoint[];
  const report = await run(path, macs, publicKeys, anchors);
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
  macs: ReadonlyMap<string, (hash: string) => string>,
  publicKeys: Map<string, KeyObject> | undefined,
  anchors: readonly AuditCheckpoint[],
): Promise<AuditVerifyReport> {
  let count = 0;
  let head = auditGenesis;
  let checkpoints = 0;
  let tornTail = false;
  let files = 0;
  const bySize = new Map<number, AuditCheckpoint>();
  const finish = (stop?: Stop): AuditVerifyReport => ({
    ok: stop === undefined,
    count,
    files,
    checkpoints,
    tornTail,
    head,
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

  try {
    for (const anchor of anchors) {
      if (publicKeys !== undefined && !checkSignature(anchor, publicKeys)) {
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

    let buf = Buffer.allocUnsafe(initialBuffer);
    let scratch = Buffer.allocUnsafe(initialBuffer);
    for (let index = 0; index < all.length; index++) {
      const file = all[index] as string;
      const isLast = index === all.length - 1;
      files += 1;
      let handle: FileHandle;
      try {
        handle = await open(file, 'r');
      } catch (error) {
        throw new Stop(count + 1, 'read-failed', `a log file cannot be opened (${errorCode(error)})`, file);
      }
      try {
        let filled = 0;
        let lineNo = 0;
        for (;;) {
          let bytesRead: number;
          try {
            ({ bytesRead } = await handle.read(buf, filled, buf.length - filled, null));
          } catch (error) {
            throw new Stop(count + 1, 'read-failed', `a log file cannot be read (${errorCode(error)})`, file);
          }
          if (bytesRead === 0) {
            if (filled > 0) {
              if (!isLast) {
                throw new Stop(
                  count + 1,
                  'torn-line',
                  'a rotated file ends without a newline',
                  file,
                  lineNo + 1,
                );
              }
              tornTail = true;
            }
            break;
          }
          const end = filled + bytesRead;
          let pos = 0;
          let nl = buf.indexOf(10, pos);
          while (nl !== -1 && nl < end) {
            lineNo += 1;
            const expected = count + 1;
            const fields = readLineFields(buf, pos, nl, scratch);
            if (fields === undefined) {
              throw new Stop(expected, 'malformed-line', 'a line is not a v1 audit line', file, lineNo);
            }
            if (!fields.hashOk) {
              throw new Stop(
                expected,
                'hash-mismatch',
                'the line does not hash to its hash field',
                file,
                lineNo,
              );
            }
            const mac = macs.get(fields.kid);
            if (mac === undefined) {
              throw new Stop(
                expected,
                'unknown-key',
                `the line names an unknown MAC key ${fields.kid}`,
                file,
                lineNo,
              );
            }
            if (mac(fields.hash) !== fields.mac) {
              throw new Stop(expected, 'mac-mismatch', 'the line MAC does not verify', file, lineNo);
            }
            if (fields.seq !== expected) {
              throw new Stop(
                expected,
                'seq-mismatch',
                `found seq ${fields.seq} where ${expected} was expected`,
                file,
                lineNo,
              );
            }
            if (fields.prev !== head) {
              throw new Stop(
                expected,
                'prev-mismatch',
                'the line does not chain to the previous line',
                file,
                lineNo,
              );
            }
            if (fields.kind === 'checkpoint') {
              checkCheckpoint(buf.toString('utf8', pos, nl), expected, head, publicKeys, file, lineNo);
              checkpoints += 1;
            }
            const anchor = bySize.get(expected);
            if (anchor !== undefined && anchor.head !== fields.hash) {
              throw new Stop(
                expected,
                'anchor-mismatch',
                `line ${expected} differs from an anchored checkpoint`,
                file,
                lineNo,
              );
            }
            head = fields.hash;
            count = expected;
            pos = nl + 1;
            nl = buf.indexOf(10, pos);
            if (nl >= end) nl = -1;
          }
          // keep the partial line at the front; grow when one line fills the buffer
          buf.copy(buf, 0, pos, end);
          filled = end - pos;
          if (filled === buf.length) {
            if (buf.length >= maxLineBytes) {
              throw new Stop(count + 1, 'malformed-line', 'a line is longer than 64 MiB', file, lineNo + 1);
            }
            const bigger = Buffer.allocUnsafe(buf.length * 2);
            buf.copy(bigger, 0, 0, filled);
            buf = bigger;
            scratch = Buffer.allocUnsafe(buf.length);
          }
        }
      } finally {
        await handle.close().catch(() => undefined);
      }
    }
    for (const anchor of bySize.values()) {
      if (anchor.size > count) {
        throw new Stop(
          count + 1,
          'truncated',
          `the log ends at seq ${count} but a checkpoint anchored elsewhere covers ${anchor.size} lines`,
        );
      }
    }
    return finish();
  } catch (error) {
    if (error instanceof Stop) return finish(error);
    throw error;
  }
}

function checkCheckpoint(
  text: string,
  seq: number,
  prev: string,
  publicKeys: Map<string, KeyObject> | undefined,
  file: string,
  lineNo: number,
): void {
  const bad = (detail: string): Stop => new Stop(seq, 'bad-checkpoint', detail, file, lineNo);
  let checkpoint: unknown;
  try {
    checkpoint = (JSON.parse(text) as { checkpoint?: unknown }).checkpoint;
  } catch {
    throw bad('the checkpoint line is not JSON');
  }
  if (typeof checkpoint !== 'object' || checkpoint === null) throw bad('the checkpoint is not an object');
  const c = checkpoint as Record<string, unknown>;
  const keys = Object.keys(c).sort();
  if (keys.length !== checkpointKeys.length || keys.some((key, i) => key !== checkpointKeys[i])) {
    throw bad('the checkpoint has unexpected fields');
  }
  if (c.size !== seq - 1 || c.head !== prev) throw bad('the checkpoint does not cover the lines before it');
  if (typeof c.log !== 'string' || typeof c.keyId !== 'string' || typeof c.sig !== 'string') {
    throw bad('the checkpoint fields have wrong types');
  }
  if (publicKeys !== undefined && !checkSignature(c as unknown as AuditCheckpoint, publicKeys)) {
    throw new Stop(seq, 'checkpoint-signature', 'the checkpoint signature does not verify', file, lineNo);
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';
}
