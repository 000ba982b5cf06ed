import type { KeyObject } from 'node:crypto';
import { checkSignature } from '../audit-checkpoint.js';
import type { AuditCheckpoint } from '../audit-line.js';
import type { AuditVerifyFailure } from '../verify-audit-log.js';
import { readLineFields } from './line-codec.js';

/** Why verification stopped (see `AuditVerifyFailure`). */
export type VerifyFailure = AuditVerifyFailure;

/** The first problem found; `line` is 1-based within `file`. */
export class Stop extends Error {
  constructor(
    readonly seq: number,
    readonly reason: VerifyFailure,
    readonly detail: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(detail);
  }
}

/** Failures a line shows on its own, before its place in the chain is looked at. */
export const lineLocalFailures: ReadonlySet<VerifyFailure> = new Set([
  'malformed-line',
  'hash-mismatch',
  'unknown-key',
  'mac-mismatch',
]);

/** What checking lines needs, compiled once. */
export interface VerifyContext {
  readonly macs: ReadonlyMap<string, (hash: string) => string>;
  readonly publicKeys: Map<string, KeyObject> | undefined;
  readonly anchors: ReadonlyMap<number, AuditCheckpoint>;
}

/** Where the chain stands; updated line by line. */
export interface ChainState {
  /** The seq of the last good line. */
  count: number;
  /** The hash of the last good line. */
  head: string;
  /** Good checkpoint lines so far. */
  checkpoints: number;
  /** Lines consumed in the current file (or chunk). */
  lineNo: number;
  /**
   * `false` for a chunk verified apart from what precedes it (in a worker): the first line's seq
   * and prev are taken as given and recorded in `first`, for the caller to check against the chain.
   */
  linked: boolean;
  first?: { readonly seq: number; readonly prev: string };
}

const checkpointKeys = ['head', 'keyId', 'log', 'sig', 'size'];

/**
 * Check every complete line in `buf[start, end)`: shape, hash over the exact bytes, MAC, seq,
 * prev, checkpoints and anchors, in that order for each line.
 *
 * @returns The position after the last complete line (where a partial line begins).
 * @throws Stop at the first line that fails.
 */
export function verifyLines(
  buf: Buffer,
  start: number,
  end: number,
  scratch: Buffer,
  context: VerifyContext,
  state: ChainState,
  file: string,
): number {
  let pos = start;
  let nl = buf.indexOf(10, pos);
  while (nl !== -1 && nl < end) {
    state.lineNo += 1;
    const lineNo = state.lineNo;
    const expected = state.count + 1;
    const fields = readLineFields(buf, pos, nl, scratch);
    if (fields === undefined) {
      throw new Stop(expected, 'malformed-line', 'a line is not a v1 audit line', file, lineNo);
    }
    if (!fields.hashOk) {
      throw new Stop(expected, 'hash-mismatch', 'the line does not hash to its hash field', file, lineNo);
    }
    const mac = context.macs.get(fields.kid);
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
    if (!state.linked) {
      state.linked = true;
      state.first = { seq: fields.seq, prev: fields.prev };
      state.count = fields.seq - 1;
      state.head = fields.prev;
    }
    const seq = state.count + 1;
    if (fields.seq !== seq) {
      throw new Stop(seq, 'seq-mismatch', `found seq ${fields.seq} where ${seq} was expected`, file, lineNo);
    }
    if (fields.prev !== state.head) {
      throw new Stop(seq, 'prev-mismatch', 'the line does not chain to the previous line', file, lineNo);
    }
    if (fields.kind === 'checkpoint') {
      checkCheckpoint(buf.toString('utf8', pos, nl), seq, state.head, context.publicKeys, file, lineNo);
      state.checkpoints += 1;
    }
    const anchor = context.anchors.get(seq);
    if (anchor !== undefined && anchor.head !== fields.hash) {
      throw new Stop(seq, 'anchor-mismatch', `line ${seq} differs from an anchored checkpoint`, file, lineNo);
    }
    state.head = fields.hash;
    state.count = seq;
    pos = nl + 1;
    nl = buf.indexOf(10, pos);
    if (nl >= end) nl = -1;
  }
  return pos;
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
