import { isSecbotError } from '@secbot/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parsePasswordHash } from '../src/internal/password-hash.js';
import {
  hashPassword,
  needsRehash,
  type PasswordHashParams,
  passwordHashDefaults,
  verifyPassword,
} from '../src/password-hashing.js';

const fastArgon: PasswordHashParams = { algorithm: 'argon2id', memoryKiB: 1024, iterations: 1 };
const fastScrypt: PasswordHashParams = { algorithm: 'scrypt', cost: 1024, blockSize: 8, parallelization: 1 };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isSecbotError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('password hashing at the default (OWASP) parameters', () => {
  it('hashes with Argon2id m=19 MiB, t=2, p=1 and verifies', async () => {
    const encoded = await hashPassword('correct horse battery staple');
    expect(encoded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    await expect(verifyPassword('correct horse battery staple', encoded)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapl', encoded)).resolves.toBe(false);
    expect(needsRehash(encoded)).toBe(false);
  });

  it('hashes with scrypt N=2^17, r=8, p=1 and verifies', async () => {
    const encoded = await hashPassword('correct horse battery staple', { algorithm: 'scrypt' });
    expect(encoded).toMatch(/^\$scrypt\$N=131072,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    await expect(verifyPassword('correct horse battery staple', encoded)).resolves.toBe(true);
    await expect(verifyPassword('Correct horse battery staple', encoded)).resolves.toBe(false);
    expect(needsRehash(encoded, { algorithm: 'scrypt' })).toBe(false);
    expect(passwordHashDefaults.scrypt.cost).toBe(2 ** 17);
  });
});

describe('password hashing', () => {
  it('salts: the same password hashes differently each time', async () => {
    for (const params of [fastArgon, fastScrypt]) {
      const a = await hashPassword('same password', params);
      const b = await hashPassword('same password', params);
      expect(a).not.toBe(b);
      await expect(verifyPassword('same password', a)).resolves.toBe(true);
      await expect(verifyPassword('same password', b)).resolves.toBe(true);
    }
  });

  it('hashes every byte: no truncation at NUL, no collapse of Unicode forms, long passwords distinct', async () => {
    for (const params of [fastArgon, fastScrypt]) {
      const withNul = await hashPassword('abc\u0000def', params);
      await expect(verifyPassword('abc', withNul)).resolves.toBe(false);
      await expect(verifyPassword('abc\u0000def', withNul)).resolves.toBe(true);
      // precomposed é vs e + combining accent: different bytes, different passwords (no normalisation)
      const composed = await hashPassword('caf\u00e9', params);
      await expect(verifyPassword('cafe\u0301', composed)).resolves.toBe(false);
      const long = 'x'.repeat(1023);
      const longHash = await hashPassword(`${long}a`, params);
      await expect(verifyPassword(`${long}b`, longHash)).resolves.toBe(false);
      await expect(verifyPassword(`${long}a`, longHash)).resolves.toBe(true);
    }
  });

  it('bounds the password: 1..1024 UTF-8 bytes, well-formed; hashing refuses, verifying says false', async () => {
    const encoded = await hashPassword('fine', fastArgon);
    const hostile: unknown[] = [
      '',
      'x'.repeat(1025),
      'é'.repeat(513),
      '\ud800',
      'a\udc00b',
      42,
      null,
      undefined,
      {},
      ['a'],
    ];
    for (const password of hostile) {
      expect(await codeOf(hashPassword(password as string, fastArgon))).toBe('ARGUMENT_INVALID');
      await expect(verifyPassword(password as string, encoded)).resolves.toBe(false);
    }
    await expect(hashPassword('é'.repeat(512), fastArgon)).resolves.toMatch(/^\$argon2id\$/); // exactly 1024 bytes
  });

  it('refuses a huge password quickly, without hashing it', async () => {
    const encoded = await hashPassword('fine', { algorithm: 'argon2id' });
    const started = performance.now();
    for (let i = 0; i < 100; i++) await verifyPassword('x'.repeat(10_000_000), encoded);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('rejects malformed or out-of-bounds stored hashes with ARGUMENT_INVALID, never a crash', async () => {
    const bad = [
      '',
      'plaintext',
      '$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
      '$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
      // 4 GiB of memory, or 4 lanes: refused before any work
      '$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
      '$argon2id$v=19$m=19456,t=2,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
      '$scrypt$N=1048577,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
      '$scrypt$N=1000,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
      '$scrypt$N=1048576,r=32,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA', // 4 GiB
      `$scrypt$N=1024,r=8,p=1$${'A'.repeat(300)}$x`,
    ];
    for (const encoded of bad) {
      expect(await codeOf(verifyPassword('password', encoded))).toBe('ARGUMENT_INVALID');
      expect(needsRehash(encoded)).toBe(true);
    }
    for (const encoded of [42, null, undefined, {}]) {
      expect(await codeOf(verifyPassword('password', encoded as unknown as string))).toBe('ARGUMENT_INVALID');
    }
  });

  it('tampering with a stored hash or salt makes verification fail', async () => {
    for (const params of [fastArgon, fastScrypt]) {
      const encoded = await hashPassword('password', params);
      // Flip a character inside the hash and inside the salt (not the last one, whose low bits are
      // padding in unpadded base64 and may decode to the same bytes).
      for (const at of [encoded.length - 10, encoded.lastIndexOf('$') - 5]) {
        const flipped = encoded[at] === 'A' ? 'B' : 'A';
        const tampered = `${encoded.slice(0, at)}${flipped}${encoded.slice(at + 1)}`;
        await expect(verifyPassword('password', tampered)).resolves.toBe(false);
      }
    }
  });

  it('verifies the Argon2 reference implementation test vector (argon2id, t=2, m=2^16, p=1)', async () => {
    // From the phc-winner-argon2 test suite: password "password", salt "somesalt",
    // hash 09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7.
    const reference =
      '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';
    expect(parsePasswordHash(reference)?.params).toEqual({
      algorithm: 'argon2id',
      memoryKiB: 65_536,
      iterations: 2,
    });
    await expect(verifyPassword('password', reference)).resolves.toBe(true);
    await expect(verifyPassword('passwore', reference)).resolves.toBe(false);
  });

  it('matches RFC 7914 scrypt output (test vector 2: "password" / "NaCl", N=1024, r=8, p=16)', async () => {
    const salt = Buffer.from('NaCl').toString('base64').replace(/=+$/, '');
    const key =
      'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640';
    const hash = Buffer.from(key, 'hex').toString('base64').replace(/=+$/, '');
    const encoded = `$scrypt$N=1024,r=8,p=16$${salt}$${hash}`;
    await expect(verifyPassword('password', encoded)).resolves.toBe(true);
    await expect(verifyPassword('Password', encoded)).resolves.toBe(false);
  });

  it('needsRehash: algorithm change, cost change, same parameters', async () => {
    const argon = await hashPassword('password', fastArgon);
    const scrypt = await hashPassword('password', fastScrypt);
    expect(needsRehash(argon, fastArgon)).toBe(false);
    expect(needsRehash(argon, { algorithm: 'argon2id', memoryKiB: 2048, iterations: 1 })).toBe(true);
    expect(needsRehash(argon, { algorithm: 'argon2id', memoryKiB: 1024, iterations: 2 })).toBe(true);
    expect(needsRehash(argon, fastScrypt)).toBe(true);
    expect(needsRehash(argon)).toBe(true); // defaults are stronger
    expect(needsRehash(scrypt, fastScrypt)).toBe(false);
    expect(needsRehash(scrypt, { algorithm: 'scrypt', cost: 2048 })).toBe(true);
    expect(needsRehash(scrypt, fastArgon)).toBe(true);
  });

  it('validates parameters with CONFIG_INVALID naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ algorithm: 'argon2id', memoryKiB: 64 }, 'memoryKiB'],
      [{ algorithm: 'argon2id', iterations: 0 }, 'iterations'],
      [{ algorithm: 'scrypt', cost: 3000 }, 'cost'],
      [{ algorithm: 'scrypt', blockSize: 99 }, 'blockSize'],
      [{ algorithm: 'bcrypt' }, 'algorithm'],
      [{ algorithm: 'argon2id', parallelism: 4 }, ''],
    ];
    for (const [params, path] of cases) {
      try {
        await hashPassword('password', params as PasswordHashParams);
        expect.unreachable();
      } catch (error) {
        expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
        if (path !== '')
          expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(path);
      }
    }
  });

  it('round-trips any acceptable password (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }),
        async (password, other) => {
          const encoded = await hashPassword(password, fastScrypt);
          expect(await verifyPassword(password, encoded)).toBe(true);
          if (other !== password) expect(await verifyPassword(other, encoded)).toBe(false);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('never crashes on random stored-hash strings (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (encoded) => {
        const code = await verifyPassword('password', encoded).then(
          () => 'ok',
          (error: unknown) => (isSecbotError(error) ? error.code : 'crash'),
        );
        expect(['ok', 'ARGUMENT_INVALID']).toContain(code);
      }),
      { numRuns: 300 },
    );
  });
});

describe('libsodium loading', () => {
  it('loads libsodium (sumo) only when Argon2id is used', async () => {
    vi.resetModules();
    const loaded = vi.fn();
    vi.doMock('libsodium-wrappers-sumo', async (importOriginal) => {
      loaded();
      return importOriginal();
    });
    try {
      const fresh = await import('../src/password-hashing.js');
      const scrypt = await fresh.hashPassword('password', fastScrypt);
      await fresh.verifyPassword('password', scrypt);
      fresh.needsRehash(scrypt);
      expect(loaded).not.toHaveBeenCalled();
      await fresh.hashPassword('password', fastArgon);
      expect(loaded).toHaveBeenCalledTimes(1);
      await fresh.hashPassword('password', fastArgon);
      expect(loaded).toHaveBeenCalledTimes(1);
    } finally {
      vi.doUnmock('libsodium-wrappers-sumo');
      vi.resetModules();
    }
  });
});
