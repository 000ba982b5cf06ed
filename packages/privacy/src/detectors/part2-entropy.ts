// High-entropy tokens: runs of base64/hex characters that look random. Internal to the secrets
// detector. One pass over the text; each run is measured once, so the scan is linear.

import { isHexDigit } from './part2-text.js';

/** A token that looks random, and whether it is hex only. */
export interface RandomToken {
  readonly start: number;
  readonly end: number;
  readonly hex: boolean;
}

const minLength = 20;
const minHexLength = 32;
const minHexEntropy = 3;
// Random base64 of length n has entropy close to log2(n); ordinary identifiers fall well below.
const entropyRatio = 0.8;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isTokenChar = (code: number): boolean =>
  (code >= 48 && code <= 57) ||
  (code >= 65 && code <= 90) ||
  (code >= 97 && code <= 122) ||
  code === 43 || // +
  code === 47 || // /
  code === 61 || // =
  code === 95 || // _
  code === 45; // -

/** Every run of token characters in `text` that looks like a random secret. */
export function* randomTokens(text: string): Generator<RandomToken> {
  let i = 0;
  while (i < text.length) {
    if (!isTokenChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && isTokenChar(text.charCodeAt(i))) i++;
    let end = i;
    while (end > start && text.charCodeAt(end - 1) === 61) end--; // padding is not entropy
    const kind = classify(text, start, end);
    if (kind !== undefined) yield { start, end: i, hex: kind === 'hex' };
  }
}

function classify(text: string, start: number, end: number): 'hex' | 'base64' | undefined {
  const length = end - start;
  if (length < minLength || (length === 36 && uuid.test(text.slice(start, end)))) return undefined;
  let digits = 0;
  let upper = 0;
  let lower = 0;
  let hex = true;
  const counts = new Map<number, number>();
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) digits++;
    else if (code >= 65 && code <= 90) upper++;
    else if (code >= 97 && code <= 122) lower++;
    if (!isHexDigit(code)) hex = false;
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  if (digits === 0 || upper + lower === 0) return undefined;
  const entropy = shannon(counts, length);
  if (hex) {
    if (length < minHexLength || entropy < minHexEntropy) return undefined;
    return 'hex';
  }
  if (upper === 0 || lower === 0) {
    // One letter case only: a lower-case slug or an upper-case code, not a random key.
    return undefined;
  }
  return entropy >= entropyRatio * Math.log2(length) ? 'base64' : undefined;
}

function shannon(counts: Map<number, number>, length: number): number {
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}
