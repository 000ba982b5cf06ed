/**
 * The audit line format, version 1. A verifier (`verifyAuditLog`), a query tool and other
 * languages depend on it: it changes only with a new genesis string.
 *
 * ## Lines
 *
 * A log is UTF-8 text, one line per entry, each ended by `\n` (0x0A). A line is the canonical
 * JSON (RFC 8785 style: keys sorted by UTF-16 code units at every depth, no whitespace, ECMAScript
 * number and string serialisation) of exactly one of:
 *
 * ```text
 * event line:      { "event": E,      "hash": H, "kid": K, "mac": M, "prev": P, "seq": N, "ts": T }
 * checkpoint line: { "checkpoint": C, "hash": H, "kid": K, "mac": M, "prev": P, "seq": N, "ts": T }
 * ```
 *
 * - `seq` — 1 for the first line of the log, then +1 per line (events and checkpoints share it).
 * - `ts` — when the log wrote the line, epoch milliseconds, a non-negative integer (from the
 *   log's injectable clock; not guaranteed monotonic if the clock steps back).
 * - `prev` — the previous line's `hash`; for seq 1 the genesis value {@link auditGenesis}
 *   = lowercase hex SHA-256 of the ASCII string `secbot-audit-v1`. Rotated files do not restart
 *   the chain: the first line of each file after the first has `prev` = the last hash of the
 *   file before it, and `seq` continues.
 * - `kid` — which MAC key: the first 8 lowercase hex digits of SHA-256 of the raw key bytes.
 * - `event` — the validated, bounded audit event (`AuditEvent`); strings in it are JSON-escaped,
 *   so newlines, NUL or `"}\n{` inside a field can never end a line or start another.
 * - `hash` — lowercase hex SHA-256 of the UTF-8 bytes of the canonical JSON of the line without
 *   `hash` and `mac`: `{"event":E,"kid":K,"prev":P,"seq":N,"ts":T}` (or with `checkpoint`).
 * - `mac` — base64url (no padding, 43 characters) HMAC-SHA256 under the key named by `kid`, over
 *   the 64 ASCII characters of `hash`.
 *
 * Because the keys sort as `checkpoint|event < hash < kid < mac < prev < seq < ts`, everything
 * after the entry is fixed-shape ASCII, so a reader can split a line as
 * `{"event":E` + `,"hash":"H"` + `,"kid":"K"` + `,"mac":"M"` + `,"prev":"P","seq":N,"ts":T}` and
 * hash the exact bytes it read without re-serialising (that is what the verifier does). The
 * `"hash"` field is found as the last occurrence of `,"hash":"` in the line.
 *
 * ## Checkpoints
 *
 * A checkpoint line at seq `n` covers lines 1..n-1. `C` is
 * `{ "head": P, "keyId": I, "log": L, "sig": S, "size": n-1 }` where `head` equals the line's own
 * `prev`, `log` is the log id (option `logId`, default `"default"`), `keyId` the first 16 hex of
 * SHA-256 of the signing public key in SPKI DER form, and `sig` the base64url Ed25519 signature
 * of the UTF-8 bytes of the statement
 *
 * ```text
 * "secbot-audit-checkpoint-v1\n" + canonicalJson({ head, log, size })
 * ```
 *
 * The same object (plus `ts`) is what an `anchor` callback receives to keep elsewhere; a verifier
 * given anchors detects a log cut back before an anchored checkpoint. Signatures use node:crypto's
 * Ed25519 (`generateKeyPairSync('ed25519')`, `sign(null, ...)`, `verify(null, ...)`): native
 * OpenSSL, faster than libsodium's wasm build and with nothing to load.
 *
 * @module
 */
import { sha256Hex } from './internal/sha256.js';

/** The `prev` of the first line of every log: SHA-256 (hex) of `secbot-audit-v1`. */
export const auditGenesis: string = sha256Hex('secbot-audit-v1');

/** The domain-separation prefix of the checkpoint statement signed with Ed25519. */
export const checkpointStatementPrefix = 'secbot-audit-checkpoint-v1\n';

/** A checkpoint as written in a line and handed to `anchor`: a signed claim about the log prefix. */
export interface AuditCheckpoint {
  /** The log id. */
  readonly log: string;
  /** How many lines the checkpoint covers (lines 1..size). */
  readonly size: number;
  /** The hash of line `size` (the genesis value when size is 0). */
  readonly head: string;
  /** Which Ed25519 key signed: first 16 hex of SHA-256 of its SPKI DER. */
  readonly keyId: string;
  /** base64url Ed25519 signature of the statement. */
  readonly sig: string;
  /** When the checkpoint line was written, epoch ms (not signed). */
  readonly ts?: number;
}

/** A parsed line, without any verification (see `verifyAuditLog` for that). */
export interface AuditLine {
  readonly seq: number;
  readonly ts: number;
  readonly prev: string;
  readonly kid: string;
  readonly hash: string;
  readonly mac: string;
  /** Present on event lines. */
  readonly event?: Readonly<Record<string, unknown>>;
  /** Present on checkpoint lines. */
  readonly checkpoint?: Omit<AuditCheckpoint, 'ts'>;
}

const hex64 = /^[0-9a-f]{64}$/;
const hex8 = /^[0-9a-f]{8}$/;
const mac43 = /^[A-Za-z0-9_-]{43}$/;

/**
 * Parse one line for reading (a query tool, a viewer). It checks the shape only; it does not
 * check the hash, the MAC or the chain.
 *
 * @param line - One line, with or without its trailing newline.
 * @returns The parsed line, or `undefined` when the text is not a well-formed v1 line.
 * @example
 * ```ts
 * import { parseAuditLine } from '@secbot/audit';
 *
 * const line = parseAuditLine('{"event":{...},"hash":"...",...}');
 * if (line?.event) console.log(line.seq, line.event.action);
 * ```
 */
export function parseAuditLine(line: string): AuditLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const ok =
    Number.isSafeInteger(v.seq) &&
    (v.seq as number) >= 1 &&
    Number.isSafeInteger(v.ts) &&
    (v.ts as number) >= 0 &&
    typeof v.prev === 'string' &&
    hex64.test(v.prev) &&
    typeof v.hash === 'string' &&
    hex64.test(v.hash) &&
    typeof v.kid === 'string' &&
    hex8.test(v.kid) &&
    typeof v.mac === 'string' &&
    mac43.test(v.mac) &&
    (typeof v.event === 'object') !== (typeof v.checkpoint === 'object') &&
    v.event !== null &&
    v.checkpoint !== null;
  return ok ? (v as unknown as AuditLine) : undefined;
}
