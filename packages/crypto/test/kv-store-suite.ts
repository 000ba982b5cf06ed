import { isSecbotError, type SecbotErrorCode } from '@secbot/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { KvStore } from '../src/kv-store.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined): string | undefined =>
  value === undefined ? undefined : new TextDecoder().decode(value);

export async function codeOf(action: () => unknown): Promise<SecbotErrorCode | 'no error'> {
  try {
    await action();
  } catch (error) {
    if (isSecbotError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

export async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of iterable) out.push(key);
  return out.sort();
}

/** Keys that must be ordinary names in every store. */
export const hostileKeys = [
  '../../etc/passwd',
  '..',
  '/absolute/path',
  'C:\\Windows\\win.ini',
  '\u0000',
  'nul\u0000byte',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  ' ',
  'emoji 🔐 key',
  'ünïcödé',
  'x'.repeat(512),
  '🔐'.repeat(256),
];

/**
 * The conformance suite every {@link KvStore} passes: memory, file and encrypted stores run
 * exactly these tests.
 *
 * @param name - Name shown in the report.
 * @param makeStore - A fresh, empty store per test.
 * @param options - `compareAndSet: true` when the store offers it (its tests then run).
 */
export function runKvStoreSuite(
  name: string,
  makeStore: () => KvStore | Promise<KvStore>,
  options: { readonly compareAndSet?: boolean } = {},
): void {
  describe(`KvStore conformance: ${name}`, () => {
    let kv: KvStore;
    beforeEach(async () => {
      kv = await makeStore();
    });

    it('reads undefined for a missing key', async () => {
      expect(await kv.get('missing')).toBeUndefined();
    });

    it('round-trips values, including empty and binary ones', async () => {
      const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
      await kv.set('a', bytes('alpha'));
      await kv.set('empty', new Uint8Array(0));
      await kv.set('binary', binary);
      expect(text(await kv.get('a'))).toBe('alpha');
      expect(await kv.get('empty')).toEqual(new Uint8Array(0));
      expect(await kv.get('binary')).toEqual(binary);
    });

    it('returns plain Uint8Array copies and is not changed by mutating them', async () => {
      const value = bytes('original');
      await kv.set('k', value);
      value.fill(0);
      const read = await kv.get('k');
      expect(read).toBeInstanceOf(Uint8Array);
      expect(text(read)).toBe('original');
      read?.fill(0);
      expect(text(await kv.get('k'))).toBe('original');
    });

    it('accepts a Buffer as a value', async () => {
      await kv.set('buffer', Buffer.from('from a buffer'));
      expect(text(await kv.get('buffer'))).toBe('from a buffer');
    });

    it('overwrites', async () => {
      await kv.set('k', bytes('one'));
      await kv.set('k', bytes('two'));
      expect(text(await kv.get('k'))).toBe('two');
      expect(await collect(kv.keys())).toEqual(['k']);
    });

    it('deletes, reporting whether the key existed', async () => {
      await kv.set('k', bytes('v'));
      expect(await kv.delete('k')).toBe(true);
      expect(await kv.get('k')).toBeUndefined();
      expect(await kv.delete('k')).toBe(false);
      expect(await collect(kv.keys())).toEqual([]);
    });

    it('lists keys, all or by prefix', async () => {
      for (const key of ['user:1', 'user:2', 'users', 'conversation:1']) await kv.set(key, bytes(key));
      expect(await collect(kv.keys())).toEqual(['conversation:1', 'user:1', 'user:2', 'users']);
      expect(await collect(kv.keys('user:'))).toEqual(['user:1', 'user:2']);
      expect(await collect(kv.keys('user'))).toEqual(['user:1', 'user:2', 'users']);
      expect(await collect(kv.keys(''))).toHaveLength(4);
      expect(await collect(kv.keys('nothing'))).toEqual([]);
    });

    it('treats hostile keys as plain names', async () => {
      for (const [i, key] of hostileKeys.entries()) await kv.set(key, bytes(`value ${i}`));
      for (const [i, key] of hostileKeys.entries()) expect(text(await kv.get(key))).toBe(`value ${i}`);
      expect(await collect(kv.keys())).toEqual([...hostileKeys].sort());
      expect(Object.prototype).not.toHaveProperty('polluted');
      expect(await kv.get('toString')).toBeUndefined();
      expect(await kv.delete('__proto__')).toBe(true);
      expect(await kv.get('__proto__')).toBeUndefined();
      expect(await collect(kv.keys())).toHaveLength(hostileKeys.length - 1);
    });

    it('refuses bad keys, prefixes and values with ARGUMENT_INVALID', async () => {
      const badKeys: unknown[] = ['', 'x'.repeat(513), '\uD800', 'a\uDC00b', 42, undefined, null, {}];
      for (const key of badKeys) {
        expect(await codeOf(() => kv.get(key as string))).toBe('ARGUMENT_INVALID');
        expect(await codeOf(() => kv.set(key as string, bytes('v')))).toBe('ARGUMENT_INVALID');
        expect(await codeOf(() => kv.delete(key as string))).toBe('ARGUMENT_INVALID');
      }
      for (const value of ['text', [1, 2], null, undefined, new ArrayBuffer(2), new Uint16Array(2)]) {
        expect(await codeOf(() => kv.set('k', value as never))).toBe('ARGUMENT_INVALID');
      }
      for (const prefix of [42, 'x'.repeat(513), '\uDBFF']) {
        expect(await codeOf(() => collect(kv.keys(prefix as string)))).toBe('ARGUMENT_INVALID');
      }
      expect(await collect(kv.keys())).toEqual([]);
    });

    it('keeps keys that differ only in case, normalisation or surrogate pairs apart', async () => {
      const keys = ['key', 'KEY', 'caf\u00e9', 'cafe\u0301', '\uD83D\uDD10', '\uD83D\uDD11'];
      for (const key of keys) await kv.set(key, bytes(key));
      for (const key of keys) expect(text(await kv.get(key))).toBe(key);
    });

    it('handles concurrent writes to different keys and to one key', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => kv.set(`k${i}`, bytes(`v${i}`))));
      await Promise.all(Array.from({ length: 10 }, (_, i) => kv.set('same', bytes(`w${i}`))));
      expect(await collect(kv.keys('k'))).toHaveLength(20);
      expect(text(await kv.get('k7'))).toBe('v7');
      expect(text(await kv.get('same'))).toMatch(/^w\d$/);
    });

    // registered only where offered, so stores without it report no skipped tests
    if (options.compareAndSet !== true) return;
    it('compares and sets atomically', async () => {
      expect(kv.compareAndSet).toBeTypeOf('function');
      const cas = (kv.compareAndSet as NonNullable<KvStore['compareAndSet']>).bind(kv);
      expect(await cas('k', bytes('x'), bytes('v1'))).toBe(false);
      expect(await kv.get('k')).toBeUndefined();
      expect(await cas('k', undefined, bytes('v1'))).toBe(true);
      expect(await cas('k', undefined, bytes('v2'))).toBe(false);
      expect(await cas('k', bytes('v2'), bytes('v3'))).toBe(false);
      expect(await cas('k', bytes('v1'), bytes('v3'))).toBe(true);
      expect(text(await kv.get('k'))).toBe('v3');
      // of many racing swaps from the same value, exactly one wins
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => cas('k', bytes('v3'), bytes(`r${i}`))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await codeOf(() => cas('', undefined, bytes('v')))).toBe('ARGUMENT_INVALID');
      expect(await codeOf(() => cas('k', undefined, 'v' as never))).toBe('ARGUMENT_INVALID');
    });
  });
}
