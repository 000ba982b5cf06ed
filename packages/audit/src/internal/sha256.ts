import * as crypto from 'node:crypto';

type OneShotHash = (
  algorithm: string,
  data: string | Uint8Array,
  outputEncoding: 'hex' | 'buffer',
) => unknown;

// `crypto.hash` (Node >= 20.12 / 21.7) skips the Hash object: about 3x cheaper than createHash for
// short inputs on Node 20.20. Older runtimes fall back to createHash.
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

/** Lowercase hex SHA-256 of a string (UTF-8) or bytes. */
export const sha256Hex: (data: string | Uint8Array) => string =
  typeof oneShot === 'function'
    ? (data) => oneShot('sha256', data, 'hex') as string
    : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** Raw SHA-256 of a string (UTF-8) or bytes. */
export const sha256Bytes: (data: string | Uint8Array) => Buffer =
  typeof oneShot === 'function'
    ? (data) => oneShot('sha256', data, 'buffer') as Buffer
    : (data) => crypto.createHash('sha256').update(data).digest();

/**
 * HMAC-SHA256 under one key, compiled once: the key pads are computed at construction and each
 * call runs two one-shot hashes over preallocated buffers (RFC 2104), about 25% cheaper than
 * `createHmac` per call. The message must be ASCII (it is a hex hash) and at most 64 bytes.
 *
 * @returns A function from the 64-character hex hash to the base64url MAC (43 characters).
 */
export function compileHmacSha256(key: Uint8Array): (asciiMessage: string) => string {
  const block = 64;
  const normalised = key.byteLength > block ? sha256Bytes(key) : key;
  const inner = Buffer.alloc(block * 2);
  const outer = Buffer.alloc(block + 32);
  for (let i = 0; i < block; i++) {
    const byte = normalised[i] ?? 0;
    inner[i] = byte ^ 0x36;
    outer[i] = byte ^ 0x5c;
  }
  return (message) => {
    if (message.length !== block) {
      return crypto.createHmac('sha256', key).update(message, 'latin1').digest('base64url');
    }
    inner.write(message, block, 'latin1');
    sha256Bytes(inner).copy(outer, block);
    return sha256Bytes(outer).toString('base64url');
  };
}
