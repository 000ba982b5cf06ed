import { sha256Hex } from './sha256.js';

/**
 * Serialise one line of the v1 format (see `audit-line.ts`). `entryJson` is the canonical JSON
 * of the event or checkpoint; the other fields are fixed-shape, so the line is canonical.
 */
export function formatLine(
  entryKey: 'event' | 'checkpoint',
  entryJson: string,
  seq: number,
  ts: number,
  prev: string,
  kid: string,
  mac: (hash: string) => string,
): { readonly line: string; readonly hash: string } {
  const tail = `,"prev":"${prev}","seq":${seq},"ts":${ts}}`;
  const head = `{"${entryKey}":${entryJson}`;
  const hash = sha256Hex(`${head},"kid":"${kid}"${tail}`);
  return { line: `${head},"hash":"${hash}","kid":"${kid}","mac":"${mac(hash)}"${tail}`, hash };
}

const eventPrefix = Buffer.from('{"event":', 'latin1');
const checkpointPrefix = Buffer.from('{"checkpoint":', 'latin1');
// The tail of a line, from the `,"hash":"` marker (offsets relative to it):
//   0 ,"hash":"   9 H(64)   73 ","kid":"   82 K(8)   90 ","mac":"   99 M(43)
// 142 ","prev":"  152 P(64)  216 ","seq":  224 N  ,"ts": T }
// Bytes [0, 74) and [91, 143) are left out of the hash; everything else is hashed.
const markers: readonly (readonly [number, Buffer])[] = [
  [0, Buffer.from(',"hash":"', 'latin1')],
  [73, Buffer.from('","kid":"', 'latin1')],
  [90, Buffer.from('","mac":"', 'latin1')],
  [142, Buffer.from('","prev":"', 'latin1')],
  [216, Buffer.from('","seq":', 'latin1')],
];
const tsMarker = Buffer.from(',"ts":', 'latin1');
const seqMarkerAt = 216;

/** The fixed-shape fields of a line, read from its bytes. */
export interface LineFields {
  readonly kind: 'event' | 'checkpoint';
  readonly hash: string;
  readonly kid: string;
  readonly mac: string;
  readonly prev: string;
  readonly seq: number;
  readonly ts: number;
  /** Whether SHA-256 of the line's bytes minus `hash` and `mac` equals `hash`. */
  readonly hashOk: boolean;
}

/**
 * Read a line's fixed fields from its bytes and check its hash over the exact bytes, without
 * decoding or re-serialising the entry. `scratch` must be at least `end - start` bytes.
 *
 * @returns The fields, or `undefined` when the bytes are not shaped like a v1 line.
 */
export function readLineFields(
  buf: Buffer,
  start: number,
  end: number,
  scratch: Buffer,
): LineFields | undefined {
  let kind: 'event' | 'checkpoint';
  if (startsWith(buf, start, end, eventPrefix)) kind = 'event';
  else if (startsWith(buf, start, end, checkpointPrefix)) kind = 'checkpoint';
  else return undefined;
  // Parse backwards from the end: `}`, ts digits, `,"ts":`, seq digits, then the fixed tail.
  if (buf[end - 1] !== 0x7d) return undefined;
  let i = end - 2;
  let ts = 0;
  let scale = 1;
  while (i > start && isDigit(buf[i])) {
    ts += ((buf[i] as number) - 0x30) * scale;
    scale *= 10;
    i -= 1;
  }
  if (i === end - 2 || end - 2 - i > 16) return undefined;
  if (!matches(buf, i - tsMarker.length + 1, tsMarker)) return undefined;
  i -= tsMarker.length;
  const seqEnd = i;
  let seq = 0;
  scale = 1;
  while (i > start && isDigit(buf[i])) {
    seq += ((buf[i] as number) - 0x30) * scale;
    scale *= 10;
    i -= 1;
  }
  if (i === seqEnd || seqEnd - i > 16 || seq < 1) return undefined;
  const at = i + 1 - (seqMarkerAt + 8);
  if (at < start + checkpointPrefix.length - 4) return undefined;
  for (const [offset, marker] of markers) if (!matches(buf, at + offset, marker)) return undefined;
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(ts)) return undefined;
  const fixed = buf.toString('latin1', at + 9, at + 216);
  const hash = fixed.slice(0, 64);
  // body = line[start, at) + tail[74, 91) + tail[143, end)
  let n = buf.copy(scratch, 0, start, at);
  n += buf.copy(scratch, n, at + 74, at + 91);
  n += buf.copy(scratch, n, at + 143, end);
  return {
    kind,
    hash,
    kid: fixed.slice(73, 81),
    mac: fixed.slice(90, 133),
    prev: fixed.slice(143, 207),
    seq,
    ts,
    hashOk: sha256Hex(scratch.subarray(0, n)) === hash,
  };
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

function matches(buf: Buffer, at: number, marker: Buffer): boolean {
  if (at < 0 || at + marker.length > buf.length) return false;
  for (let i = 0; i < marker.length; i++) if (buf[at + i] !== marker[i]) return false;
  return true;
}

function startsWith(buf: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[start + i] !== prefix[i]) return false;
  return true;
}
