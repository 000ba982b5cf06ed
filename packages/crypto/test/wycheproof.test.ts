// Project Wycheproof vectors (C2SP/wycheproof, testvectors_v1) for every primitive @secbot/crypto
// builds on: the three AEADs through our `aead` API, and HMAC-SHA256, HKDF-SHA256 and Ed25519
// through node:crypto exactly as the package and its callers use them.
//
// The vectors live OUTSIDE the repository, in `../shared/wycheproof` beside the repo root (or the
// folder named by WYCHEPROOF_DIR). They are never copied in. A missing folder fails every test
// here with a message naming the path: a vector suite that silently skips proves nothing.
//
// One `it` per file (not per vector) keeps the suite fast; each collects every failing tcId and
// reports them together. Each also checks how many vectors it ran against counts computed
// independently from the files, so a filter that quietly drops groups cannot go unnoticed.
import { createHmac, createPublicKey, hkdfSync, timingSafeEqual, verify } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSecbotError } from '@secbot/core';
import { type Aead, aead } from '@secbot/crypto';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const defaultDir = resolve(repoRoot, '..', 'shared', 'wycheproof');
const vectorDir = process.env.WYCHEPROOF_DIR ?? defaultDir;

type Result = 'valid' | 'invalid' | 'acceptable';

interface TestVector {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly result: Result;
}

interface VectorFile<G> {
  readonly algorithm: string;
  readonly numberOfTests: number;
  readonly testGroups: readonly G[];
}

interface AeadVector extends TestVector {
  readonly key: string;
  readonly iv: string;
  readonly aad: string;
  readonly msg: string;
  readonly ct: string;
  readonly tag: string;
}
interface AeadGroup {
  readonly keySize: number;
  readonly ivSize: number;
  readonly tagSize: number;
  readonly tests: readonly AeadVector[];
}

interface MacVector extends TestVector {
  readonly key: string;
  readonly msg: string;
  readonly tag: string;
}
interface MacGroup {
  readonly keySize: number;
  readonly tagSize: number;
  readonly tests: readonly MacVector[];
}

interface HkdfVector extends TestVector {
  readonly ikm: string;
  readonly salt: string;
  readonly info: string;
  readonly size: number;
  readonly okm: string;
}
interface HkdfGroup {
  readonly keySize: number;
  readonly tests: readonly HkdfVector[];
}

interface EddsaVector extends TestVector {
  readonly msg: string;
  readonly sig: string;
}
interface EddsaGroup {
  readonly publicKey: { readonly curve: string; readonly pk: string };
  readonly tests: readonly EddsaVector[];
}

/** Read one vector file, failing loudly (never skipping) when the folder or the file is missing. */
function load<G extends { readonly tests: readonly TestVector[] }>(
  file: string,
  algorithm: string,
): VectorFile<G> {
  if (!existsSync(vectorDir) || !statSync(vectorDir).isDirectory()) {
    throw new Error(
      `Wycheproof vectors not found: folder ${vectorDir} does not exist. ` +
        `Put the Wycheproof testvectors_v1 files there (default ${defaultDir}, outside the repository) ` +
        'or set WYCHEPROOF_DIR to the folder that holds them.',
    );
  }
  const path = join(vectorDir, file);
  if (!existsSync(path)) {
    throw new Error(
      `Wycheproof vector file ${path} is missing (folder from WYCHEPROOF_DIR or default ${defaultDir}).`,
    );
  }
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as VectorFile<G>;
  if (parsed.algorithm !== algorithm)
    throw new Error(`${path}: algorithm is ${parsed.algorithm}, expected ${algorithm}`);
  const total = parsed.testGroups.reduce((sum, group) => sum + group.tests.length, 0);
  if (total !== parsed.numberOfTests)
    throw new Error(`${path}: ${total} tests in groups, header says ${parsed.numberOfTests}`);
  return parsed;
}

const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
const hex = (value: Uint8Array | ArrayBuffer): string =>
  Buffer.from(value instanceof ArrayBuffer ? new Uint8Array(value) : value).toString('hex');

interface Tally {
  valid: number;
  invalid: number;
}

type Outcome =
  | { readonly ok: true; readonly value: Uint8Array }
  | { readonly ok: false; readonly error: unknown };

/** Run an AEAD call that may return, return a Promise, throw, or reject, and say which. */
async function attempt(call: () => Uint8Array | Promise<Uint8Array>): Promise<Outcome> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, error };
  }
}

const describeError = (error: unknown): string =>
  isSecbotError(error) ? `SecbotError ${error.code}` : `${String(error)} (not a SecbotError)`;

/**
 * Every applicable vector of one AEAD: valid ones must encrypt to `ct || tag` exactly and decrypt
 * back; invalid ones must be refused with CRYPTO_DECRYPT_FAILED and never yield plaintext.
 */
async function runAead(cipher: Aead, groups: readonly AeadGroup[], failures: string[]): Promise<Tally> {
  const tally: Tally = { valid: 0, invalid: 0 };
  for (const group of groups) {
    for (const vector of group.tests) {
      const key = bytes(vector.key);
      const iv = bytes(vector.iv);
      const aad = bytes(vector.aad);
      const msg = bytes(vector.msg);
      const sealedHex = vector.ct + vector.tag;
      const where = `tcId ${vector.tcId} (${vector.result}${vector.comment === '' ? '' : `, ${vector.comment}`})`;
      if (vector.result === 'valid') {
        tally.valid += 1;
        const encrypted = await attempt(() => cipher.encrypt(key, iv, msg, aad));
        if (!encrypted.ok) failures.push(`${where}: encrypt threw ${describeError(encrypted.error)}`);
        else if (hex(encrypted.value) !== sealedHex)
          failures.push(`${where}: encrypt gave ${hex(encrypted.value)}, expected ${sealedHex}`);
        const decrypted = await attempt(() => cipher.decrypt(key, iv, bytes(sealedHex), aad));
        if (!decrypted.ok) failures.push(`${where}: decrypt threw ${describeError(decrypted.error)}`);
        else if (hex(decrypted.value) !== vector.msg)
          failures.push(`${where}: decrypt gave ${hex(decrypted.value)}, expected ${vector.msg}`);
      } else if (vector.result === 'invalid') {
        tally.invalid += 1;
        const decrypted = await attempt(() => cipher.decrypt(key, iv, bytes(sealedHex), aad));
        if (decrypted.ok)
          failures.push(`${where}: decrypt accepted a forgery and returned ${hex(decrypted.value)}`);
        else if (!isSecbotError(decrypted.error, 'CRYPTO_DECRYPT_FAILED')) {
          failures.push(
            `${where}: decrypt threw ${describeError(decrypted.error)}, expected CRYPTO_DECRYPT_FAILED`,
          );
        }
      } else {
        failures.push(`${where}: unexpected result "acceptable" in an AEAD file`);
      }
    }
  }
  return tally;
}

/**
 * Vectors whose key or nonce size our API does not offer (it fixes 32-byte keys and one nonce
 * size per algorithm): encrypt must refuse them as ARGUMENT_INVALID and decrypt as
 * CRYPTO_DECRYPT_FAILED, whatever the vector's own verdict.
 */
async function runRefused(cipher: Aead, groups: readonly AeadGroup[], failures: string[]): Promise<number> {
  let count = 0;
  for (const group of groups) {
    for (const vector of group.tests) {
      count += 1;
      const where = `tcId ${vector.tcId} (key ${group.keySize} bits, nonce ${group.ivSize} bits)`;
      const key = bytes(vector.key);
      const iv = bytes(vector.iv);
      const aad = bytes(vector.aad);
      const encrypted = await attempt(() => cipher.encrypt(key, iv, bytes(vector.msg), aad));
      if (encrypted.ok) failures.push(`${where}: encrypt accepted an unsupported size`);
      else if (!isSecbotError(encrypted.error, 'ARGUMENT_INVALID')) {
        failures.push(`${where}: encrypt threw ${describeError(encrypted.error)}, expected ARGUMENT_INVALID`);
      }
      const decrypted = await attempt(() => cipher.decrypt(key, iv, bytes(vector.ct + vector.tag), aad));
      if (decrypted.ok) failures.push(`${where}: decrypt accepted an unsupported size`);
      else if (!isSecbotError(decrypted.error, 'CRYPTO_DECRYPT_FAILED')) {
        failures.push(
          `${where}: decrypt threw ${describeError(decrypted.error)}, expected CRYPTO_DECRYPT_FAILED`,
        );
      }
    }
  }
  return count;
}

const report = (file: string, failures: readonly string[]): string =>
  `${file}: ${failures.length} failure(s)\n  ${failures.slice(0, 40).join('\n  ')}`;

describe('Wycheproof vectors', () => {
  it('finds the vector folder (WYCHEPROOF_DIR or ../shared/wycheproof)', () => {
    expect(
      existsSync(vectorDir),
      `Wycheproof vectors not found at ${vectorDir}: set WYCHEPROOF_DIR or provide ${defaultDir}`,
    ).toBe(true);
  });

  describe('AES-GCM (aes_gcm_test.json)', () => {
    const applicable = (g: AeadGroup) => g.keySize === 256 && g.ivSize === 96 && g.tagSize === 128;

    it('aead.aes256gcm: every AES-256, 96-bit IV, 128-bit tag vector', async () => {
      const file = load<AeadGroup>('aes_gcm_test.json', 'AES-GCM');
      const failures: string[] = [];
      const tally = await runAead(aead.aes256gcm, file.testGroups.filter(applicable), failures);
      expect(failures, report('aes_gcm_test.json', failures)).toEqual([]);
      expect(tally).toEqual({ valid: 39, invalid: 27 });
    });

    it('aead.aes256gcm: refuses the 128/192-bit keys and non-96-bit IVs it does not offer', async () => {
      const file = load<AeadGroup>('aes_gcm_test.json', 'AES-GCM');
      const failures: string[] = [];
      const count = await runRefused(
        aead.aes256gcm,
        file.testGroups.filter((g) => !applicable(g)),
        failures,
      );
      expect(failures, report('aes_gcm_test.json', failures)).toEqual([]);
      expect(count).toBe(250);
    });
  });

  describe('ChaCha20-Poly1305 (chacha20_poly1305_test.json)', () => {
    const applicable = (g: AeadGroup) => g.keySize === 256 && g.ivSize === 96 && g.tagSize === 128;

    it('aead.chacha20poly1305: every 96-bit nonce, 128-bit tag vector', async () => {
      const file = load<AeadGroup>('chacha20_poly1305_test.json', 'CHACHA20-POLY1305');
      const failures: string[] = [];
      const tally = await runAead(aead.chacha20poly1305, file.testGroups.filter(applicable), failures);
      expect(failures, report('chacha20_poly1305_test.json', failures)).toEqual([]);
      expect(tally).toEqual({ valid: 256, invalid: 60 });
    });

    it('aead.chacha20poly1305: refuses every other nonce size', async () => {
      const file = load<AeadGroup>('chacha20_poly1305_test.json', 'CHACHA20-POLY1305');
      const failures: string[] = [];
      const count = await runRefused(
        aead.chacha20poly1305,
        file.testGroups.filter((g) => !applicable(g)),
        failures,
      );
      expect(failures, report('chacha20_poly1305_test.json', failures)).toEqual([]);
      expect(count).toBe(9);
    });
  });

  describe('XChaCha20-Poly1305 (xchacha20_poly1305_test.json)', () => {
    const applicable = (g: AeadGroup) => g.keySize === 256 && g.ivSize === 192 && g.tagSize === 128;

    it('aead.xchacha20poly1305: every 192-bit nonce vector', async () => {
      const file = load<AeadGroup>('xchacha20_poly1305_test.json', 'XCHACHA20-POLY1305');
      const failures: string[] = [];
      const tally = await runAead(aead.xchacha20poly1305, file.testGroups.filter(applicable), failures);
      expect(failures, report('xchacha20_poly1305_test.json', failures)).toEqual([]);
      expect(tally).toEqual({ valid: 246, invalid: 60 });
    });

    it('aead.xchacha20poly1305: refuses every other nonce size', async () => {
      const file = load<AeadGroup>('xchacha20_poly1305_test.json', 'XCHACHA20-POLY1305');
      const failures: string[] = [];
      const count = await runRefused(
        aead.xchacha20poly1305,
        file.testGroups.filter((g) => !applicable(g)),
        failures,
      );
      expect(failures, report('xchacha20_poly1305_test.json', failures)).toEqual([]);
      expect(count).toBe(9);
    });
  });

  it('HMAC-SHA256 (hmac_sha256_test.json): node:crypto createHmac, tags truncated to tagSize', () => {
    const file = load<MacGroup>('hmac_sha256_test.json', 'HMACSHA256');
    const failures: string[] = [];
    const tally: Tally = { valid: 0, invalid: 0 };
    const truncations = new Set<number>();
    for (const group of file.testGroups) {
      const tagBytes = group.tagSize / 8;
      truncations.add(tagBytes);
      for (const vector of group.tests) {
        const where = `tcId ${vector.tcId} (${vector.result}, tag ${group.tagSize} bits)`;
        const computed = createHmac('sha256', bytes(vector.key))
          .update(bytes(vector.msg))
          .digest()
          .subarray(0, tagBytes);
        const tag = bytes(vector.tag);
        const verifies = tag.byteLength === computed.byteLength && timingSafeEqual(tag, computed);
        if (vector.result === 'valid') {
          tally.valid += 1;
          if (!verifies) failures.push(`${where}: computed ${hex(computed)}, expected ${vector.tag}`);
        } else if (vector.result === 'invalid') {
          tally.invalid += 1;
          if (verifies) failures.push(`${where}: a modified tag verified`);
        } else {
          failures.push(`${where}: unexpected result "acceptable"`);
        }
      }
    }
    expect(failures, report('hmac_sha256_test.json', failures)).toEqual([]);
    expect(tally).toEqual({ valid: 66, invalid: 108 });
    expect([...truncations].sort((a, b) => a - b)).toEqual([16, 32]);
  });

  it('HKDF-SHA256 (hkdf_sha256_test.json): node:crypto hkdfSync; sizes past 255*32 throw', () => {
    const file = load<HkdfGroup>('hkdf_sha256_test.json', 'HKDF-SHA-256');
    const failures: string[] = [];
    const tally: Tally = { valid: 0, invalid: 0 };
    for (const group of file.testGroups) {
      for (const vector of group.tests) {
        const where = `tcId ${vector.tcId} (${vector.result}, size ${vector.size})`;
        let okm: ArrayBuffer | undefined;
        let thrown: unknown;
        try {
          okm = hkdfSync('sha256', bytes(vector.ikm), bytes(vector.salt), bytes(vector.info), vector.size);
        } catch (error) {
          thrown = error;
        }
        if (vector.result === 'valid') {
          tally.valid += 1;
          if (okm === undefined) failures.push(`${where}: threw ${String(thrown)}`);
          else if (hex(okm) !== vector.okm)
            failures.push(
              `${where}: derived ${hex(okm).slice(0, 64)}..., expected ${vector.okm.slice(0, 64)}...`,
            );
        } else if (vector.result === 'invalid') {
          tally.invalid += 1;
          if (okm !== undefined)
            failures.push(`${where}: derived ${okm.byteLength} bytes instead of throwing`);
        } else {
          failures.push(`${where}: unexpected result "acceptable"`);
        }
      }
    }
    expect(failures, report('hkdf_sha256_test.json', failures)).toEqual([]);
    expect(tally).toEqual({ valid: 83, invalid: 3 });
  });

  it('Ed25519 (ed25519_test.json): node:crypto verify with a raw key imported as JWK', () => {
    const file = load<EddsaGroup>('ed25519_test.json', 'EDDSA');
    const failures: string[] = [];
    const tally: Tally = { valid: 0, invalid: 0 };
    for (const group of file.testGroups) {
      if (group.publicKey.curve !== 'edwards25519') {
        failures.push(`unexpected curve ${group.publicKey.curve}`);
        continue;
      }
      const publicKey = createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(group.publicKey.pk, 'hex').toString('base64url') },
        format: 'jwk',
      });
      for (const vector of group.tests) {
        const where = `tcId ${vector.tcId} (${vector.result}${vector.comment === '' ? '' : `, ${vector.comment}`})`;
        let verified = false;
        let thrown: unknown;
        try {
          verified = verify(null, bytes(vector.msg), publicKey, bytes(vector.sig));
        } catch (error) {
          thrown = error;
        }
        if (vector.result === 'valid') {
          tally.valid += 1;
          if (!verified)
            failures.push(
              `${where}: did not verify${thrown === undefined ? '' : ` (threw ${String(thrown)})`}`,
            );
        } else if (vector.result === 'invalid') {
          tally.invalid += 1;
          if (verified) failures.push(`${where}: an invalid signature verified`);
        } else {
          failures.push(`${where}: unexpected result "acceptable"`);
        }
      }
    }
    expect(failures, report('ed25519_test.json', failures)).toEqual([]);
    expect(tally).toEqual({ valid: 88, invalid: 63 });
  });
});
