import { randomFillSync } from 'node:crypto';

// Nonces come from the operating system's CSPRNG through node:crypto, drawn from a pooled buffer:
// one system call per 4 KiB instead of one per message (libsodium's randombytes_buf costs
// ~100 us a call here). Each caller gets its own copy, never a view of the pool.
const poolSize = 4096;
const pool = new Uint8Array(poolSize);
let offset = poolSize;

export function randomBytes(length: number): Uint8Array {
  if (length > poolSize) return randomFillSync(new Uint8Array(length));
  if (offset + length > poolSize) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = pool.slice(offset, offset + length);
  // wipe what was handed out, so the pool never holds a nonce that is in use
  pool.fill(0, offset, offset + length);
  offset += length;
  return out;
}
