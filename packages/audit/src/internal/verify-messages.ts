import type { Ed25519KeyInput } from '../audit-checkpoint.js';
import type { AuditCheckpoint } from '../audit-line.js';
import { type ChainState, Stop, type VerifyFailure } from './verify-lines.js';

/** The first message to a verify worker: what it needs to check lines. */
export interface PoolInit {
  readonly type: 'init';
  readonly keys: readonly Uint8Array[];
  readonly publicKeys: Ed25519KeyInput | readonly Ed25519KeyInput[] | undefined;
  readonly anchors: readonly AuditCheckpoint[];
}

/** Whole lines to check. */
export interface ChunkRequest {
  readonly type: 'chunk';
  readonly id: number;
  readonly file: string;
  readonly data: Uint8Array;
}

/** What a worker found in a chunk. */
export interface ChunkReply {
  readonly id: number;
  readonly lines: number;
  readonly count: number;
  readonly head: string;
  readonly checkpoints: number;
  readonly first: { readonly seq: number; readonly prev: string } | undefined;
  readonly stop:
    | { readonly seq: number; readonly reason: VerifyFailure; readonly detail: string; readonly line: number }
    | undefined;
  /** An unexpected error (a bug, out of memory): the whole verification fails with it. */
  readonly crash: string | undefined;
}

/** Build the reply for a chunk from the state where checking ended. */
export function toReply(id: number, state: ChainState, error: unknown): ChunkReply {
  const stop =
    error instanceof Stop
      ? { seq: error.seq, reason: error.reason, detail: error.detail, line: error.line ?? state.lineNo }
      : undefined;
  const crash =
    error === undefined || error instanceof Stop ? undefined : String((error as Error)?.name ?? error);
  return {
    id,
    lines: state.lineNo,
    count: state.count,
    head: state.head,
    checkpoints: state.checkpoints,
    first: state.first,
    stop,
    crash,
  };
}
