// Finding and decoding base64 and hex blobs, with bounds. Internal: not exported from the package.

/** A run of base64 or hex characters in a text, and what it decodes to. */
export interface DecodedBlob {
  /** Where the run starts. */
  readonly start: number;
  /** Where it ends (exclusive). */
  readonly end: number;
  /** The decoded text (UTF-8), of at most the `maxDecodedBytes` bytes asked for. */
  readonly text: string;
}

/** Bounds of {@link decodedBlobs}. */
export interface BlobBounds {
  /** Shortest run looked at. */
  readonly minLength: number;
  /** Most characters decoded per text, over all runs (a budget, so the work stays linear). */
  readonly maxTotalChars: number;
  /** Most bytes decoded per run (its head; the rest is ignored). */
  readonly maxDecodedBytes: number;
}

const isBase64Code = (code: number): boolean =>
  (code >= 48 && code <= 57) ||
  (code >= 65 && code <= 90) ||
  (code >= 97 && code <= 122) ||
  code === 43 || // +
  code === 47 || // /
  code === 45 || // - (URL-safe)
  code === 95; // _ (URL-safe)
const isHexCode = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);

/** Whether a decoded text reads as text: at least 90% printable characters or whitespace. */
function readable(text: string): boolean {
  if (text.length === 0) return false;
  let printable = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 32 && code !== 127 && code !== 0xfffd) || code === 9 || code === 10 || code === 13)
      printable += 1;
  }
  return printable >= text.length * 0.9;
}

function decode(run: string, maxBytes: number): string | undefined {
  let hex = true;
  for (let i = 0; i < run.length && hex; i++) hex = isHexCode(run.charCodeAt(i));
  const candidates: string[] = [];
  if (hex && run.length % 2 === 0) {
    candidates.push(Buffer.from(run.slice(0, maxBytes * 2), 'hex').toString('utf8'));
  }
  // 4 characters hold 3 bytes: decode only the head that holds maxBytes.
  const head = run.slice(0, Math.ceil(maxBytes / 3) * 4);
  candidates.push(Buffer.from(head, 'base64').toString('utf8'));
  return candidates.find(readable);
}

/**
 * The readable decodings of base64 (standard or URL-safe, padding allowed) and hex runs of at
 * least `minLength` characters, in one pass over the text. Each run is decoded only up to
 * `maxDecodedBytes`, and decoding stops once `maxTotalChars` characters of runs were decoded, so a
 * text of blobs costs time linear in its length.
 */
export function decodedBlobs(text: string, bounds: BlobBounds): DecodedBlob[] {
  const found: DecodedBlob[] = [];
  let budget = bounds.maxTotalChars;
  let at = 0;
  while (at < text.length && budget > 0) {
    if (!isBase64Code(text.charCodeAt(at))) {
      at += 1;
      continue;
    }
    const start = at;
    while (at < text.length && isBase64Code(text.charCodeAt(at))) at += 1;
    let end = at;
    while (end < text.length && end - at < 2 && text.charCodeAt(end) === 61) end += 1; // = padding
    at = end;
    if (at - start < bounds.minLength) continue;
    const run = text.slice(start, Math.min(end, start + budget));
    budget -= run.length;
    const value = decode(run, bounds.maxDecodedBytes);
    if (value !== undefined) found.push({ start, end, text: value });
  }
  return found;
}
