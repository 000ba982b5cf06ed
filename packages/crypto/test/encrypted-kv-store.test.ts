import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSecbotError } from '@secbot/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { encryptedKvStore, type KvFailure, type KvRewrapOptions } from '../src/encrypted-kv-store.js';
import { fileKvStore } from '../src/file-kv-store.js';
import { createEnvelope, type Envelope } from '../src/index.js';
import type { KvStore } from '../src/kv-store.js';
import { localKeyProvider } from '../src/local-key-provider.js';
import { memoryKvStore } from '../src/memory-kv-store.js';
import { codeOf, collect, runKvStoreSuite } from './kv-store-suite.js';

const root = mkdtempSync(join(tmpdir(), 'secbot-encrypted-kv-'));
let counter = 0;
const freshDir = (): string => join(root, `store-${counter++}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined): string | undefined =>
  value === undefined ? undefined : new TextDecoder().decode(value);
const newEnvelope = (): Envelope =>
  createEnvelope({ keyProvider: localKeyProvider({ keys: [{ id: 'kek-1', key: randomBytes(32) }] }) });
const tenant = { tenant: 'acme' } as const;

/** Every byte of every file under `dir`. */
function directoryBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((name) => readFileSync(join(dir, name))));
}

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** An inner store without compareAndSet, recording calls. */
function plainStore(inner: KvStore = memoryKvStore()): KvStore & { sets: string[] } {
  const sets: string[] = [];
  return {
    sets,
    get: (key) => inner.get(key),
    set: (key, value) => {
      sets.push(key);
      return inner.set(key, value);
    },
    delete: (key) => inner.delete(key),
    keys: (prefix) => inner.keys(prefix),
  };
}

runKvStoreSuite('encryptedKvStore over memoryKvStore', () =>
  encryptedKvStore({ inner: memoryKvStore(), envelope: newEnvelope(), tenant: 'acme', collection: 'state' }),
);
runKvStoreSuite('encryptedKvStore over fileKvStore', () =>
  encryptedKvStore({
    inner: fileKvStore({ dir: freshDir() }),
    envelope: newEnvelope(),
    ...tenant,
    collection: 'state',
  }),
);
runKvStoreSuite('encryptedKvStore over a store without compareAndSet', () =>
  encryptedKvStore({ inner: plainStore(), envelope: newEnvelope(), ...tenant, collection: 'state' }),
);

describe('encryptedKvStore', () => {
  let envelope: Envelope;
  beforeEach(() => {
    envelope = newEnvelope();
  });

  it('writes only ciphertext to disk', async () => {
    const dir = freshDir();
    const kv = encryptedKvStore({ inner: fileKvStore({ dir }), envelope, ...tenant, collection: 'state' });
    const marker = 'PLAINTEXT-MARKER-7f3a9c';
    await kv.setText('k1', `card 4111 1111 1111 1111 ${marker}`);
    await kv.set('k2', bytes(marker.repeat(50)));
    const disk = directoryBytes(dir);
    for (const needle of [marker, '4111 1111', Buffer.from(marker).toString('base64'), 'PLAINTEXT']) {
      expect(disk.includes(Buffer.from(needle))).toBe(false);
    }
    expect(disk.includes(Buffer.from(marker, 'utf16le'))).toBe(false);
    expect(await kv.getText('k1')).toContain(marker);
  });

  it('refuses a value swapped between two keys on disk with CRYPTO_DECRYPT_FAILED', async () => {
    const dir = freshDir();
    const files = fileKvStore({ dir });
    const kv = encryptedKvStore({ inner: files, envelope, ...tenant, collection: 'state' });
    await kv.setText('alice', 'alice secret');
    await kv.setText('bob', 'bob secret');
    // an attacker who can write the directory swaps the ciphertexts, keeping each file's header
    const alice = await files.get('alice');
    const bob = await files.get('bob');
    const [aliceFile, bobFile] = ['alice', 'bob'].map((key) =>
      readdirSync(dir).find((name) => readFileSync(join(dir, name)).includes(Buffer.from(key))),
    );
    const swap = (file: string | undefined, key: string, value: Uint8Array | undefined) =>
      writeFileSync(
        join(dir, file as string),
        Buffer.concat([
          Buffer.from([0x53, 0x42, 0x4b, 0x56, 1, 0, key.length]),
          Buffer.from(key),
          value as Uint8Array,
        ]),
      );
    swap(aliceFile, 'alice', bob);
    swap(bobFile, 'bob', alice);
    expect(await codeOf(() => kv.get('alice'))).toBe('CRYPTO_DECRYPT_FAILED');
    expect(await codeOf(() => kv.get('bob'))).toBe('CRYPTO_DECRYPT_FAILED');
    // swapping whole files is caught by the file store itself, before any decryption
    writeFileSync(join(dir, aliceFile as string), readFileSync(join(dir, bobFile as string)));
    expect(await codeOf(() => kv.get('alice'))).toBe('CONFIG_INVALID');
  });

  it('refuses a value copied under another key, collection or tenant', async () => {
    const inner = memoryKvStore();
    const kv = encryptedKvStore({ inner, envelope, ...tenant, collection: 'state' });
    await kv.setText('k1', 'secret');
    const sealed = (await inner.get('k1')) as Uint8Array;

    await inner.set('k2', sealed);
    expect(await codeOf(() => kv.get('k2'))).toBe('CRYPTO_DECRYPT_FAILED');

    const otherCollection = encryptedKvStore({ inner, envelope, ...tenant, collection: 'transcripts' });
    expect(await codeOf(() => otherCollection.get('k1'))).toBe('CRYPTO_DECRYPT_FAILED');

    const sameScopeOtherUser = encryptedKvStore({
      inner,
      envelope,
      ...tenant,
      collection: 'state',
      user: 'u-2',
    });
    expect(await codeOf(() => sameScopeOtherUser.get('k1'))).toBe('CRYPTO_DECRYPT_FAILED');

    // Another tenant has its own data keys: the envelope reports the key id as not in its scope.
    const otherTenant = encryptedKvStore({ inner, envelope, tenant: 'globex', collection: 'state' });
    await otherTenant.setText('seed', 'gives globex a keyring');
    expect(await codeOf(() => otherTenant.get('k1'))).toBe('CRYPTO_KEY_NOT_FOUND');
    // and its own value, copied into acme's key, does not open there either
    await inner.set('k3', (await inner.get('seed')) as Uint8Array);
    expect(await codeOf(() => kv.get('k3'))).toBe('CRYPTO_KEY_NOT_FOUND');

    expect(await kv.getText('k1')).toBe('secret');
  });

  it('refuses tampered ciphertext with CRYPTO_DECRYPT_FAILED', async () => {
    const inner = memoryKvStore();
    const kv = encryptedKvStore({ inner, envelope, ...tenant, collection: 'state' });
    await kv.setText('k', 'secret value');
    const sealed = (await inner.get('k')) as Uint8Array;
    for (const index of [0, 2, 3, 10, sealed.length - 20, sealed.length - 1]) {
      const tampered = sealed.slice();
      tampered[index] = (tampered[index] as number) ^ 0x01;
      await inner.set('k', tampered);
      expect(await codeOf(() => kv.get('k'))).toMatch(/^CRYPTO_(DECRYPT_FAILED|KEY_NOT_FOUND)$/);
    }
    for (const value of [
      new Uint8Array(0),
      sealed.subarray(0, 30),
      sealed.subarray(0, sealed.length - 1),
      bytes('plaintext'),
    ]) {
      await inner.set('k', value);
      expect(await codeOf(() => kv.get('k'))).toBe('CRYPTO_DECRYPT_FAILED');
    }
    // a flipped bit in the body (not the key id) is always a decryption failure
    const body = sealed.slice();
    body[sealed.length - 1] = (body[sealed.length - 1] as number) ^ 0x80;
    await inner.set('k', body);
    expect(await codeOf(() => kv.get('k'))).toBe('CRYPTO_DECRYPT_FAILED');
  });

  it('round-trips text and refuses text that is not UTF-8 or not well-formed', async () => {
    const inner = memoryKvStore();
    const kv = encryptedKvStore({ inner, envelope, ...tenant, collection: 'state' });
    await kv.setText('k', 'héllo 🔐 \u0000 世界');
    expect(await kv.getText('k')).toBe('héllo 🔐 \u0000 世界');
    expect(await kv.getText('missing')).toBeUndefined();
    await kv.set('bin', Uint8Array.of(0xff, 0xfe));
    expect(await codeOf(() => kv.getText('bin'))).toBe('CRYPTO_DECRYPT_FAILED');
    expect(await codeOf(() => kv.setText('k', 'lone \uD800'))).toBe('ARGUMENT_INVALID');
    expect(await codeOf(() => kv.setText('k', 42 as never))).toBe('ARGUMENT_INVALID');
    expect(await kv.getText('k')).toBe('héllo 🔐 \u0000 世界');
  });

  describe('lazy re-encryption', () => {
    it('re-encrypts a value under the new key when it is read after rotate()', async () => {
      const inner = plainStore();
      const kv = encryptedKvStore({ inner, envelope, ...tenant, collection: 'state' });
      await kv.setText('k', 'value');
      const oldKey = envelope.inspect((await inner.get('k')) as Uint8Array).keyId;
      const newKey = await envelope.rotate(tenant);
      expect(newKey).not.toBe(oldKey);
      inner.sets.length = 0;

      expect(await kv.getText('k')).toBe('value');
      expect(inner.sets).toEqual(['k']);
      const rewritten = (await inner.get('k')) as Uint8Array;
      expect(envelope.inspect(rewritten).keyId).toBe(newKey);
      expect(await envelope.isStale(rewritten, { ...tenant, collection: 'state', recordId: 'k' })).toBe(
        false,
      );

      // fresh now: reading again writes nothing
      expect(await kv.getText('k')).toBe('value');
      expect(inner.sets).toEqual(['k']);
      // and the old key is no longer needed
      await envelope.retire(tenant, oldKey);
      expect(await kv.getText('k')).toBe('value');
    });

    it('can be turned off', async () => {
      const inner = plainStore();
      const kv = encryptedKvStore({
        inner,
        envelope,
        ...tenant,
        collection: 'state',
        reencryptOnRead: false,
      });
      await kv.setText('k', 'value');
      await envelope.rotate(tenant);
      inner.sets.length = 0;
      expect(await kv.getText('k')).toBe('value');
      expect(inner.sets).toEqual([]);
    });

    it('does not lose a write made through the store while the value is being re-encrypted', async () => {
      const inner = memoryKvStore();
      const paused = gate();
      const reached = gate();
      // an envelope whose seal (the re-encryption) waits until the test lets it go on
      let pauseNextSeal = false;
      const slow: Envelope = {
        ...envelope,
        seal: async (plaintext, context) => {
          if (pauseNextSeal) {
            pauseNextSeal = false;
            reached.open();
            await paused.promise;
          }
          return envelope.seal(plaintext, context);
        },
      };
      const kv = encryptedKvStore({ inner, envelope: slow, ...tenant, collection: 'state' });
      await kv.setText('k', 'old');
      await envelope.rotate(tenant);

      pauseNextSeal = true;
      const read = kv.getText('k');
      await reached.promise; // the read has the stale value and is re-sealing it
      await kv.setText('k', 'new'); // a concurrent write lands first
      paused.open();
      expect(await read).toBe('old'); // the read happened before the write
      expect(await kv.getText('k')).toBe('new'); // and the write is not lost
    });

    it('does not lose a write from another writer, through the inner compareAndSet', async () => {
      const inner = memoryKvStore();
      const kv = encryptedKvStore({ inner, envelope, ...tenant, collection: 'state' });
      const otherWriter = encryptedKvStore({ inner, envelope, ...tenant, collection: 'state' });
      await kv.setText('k', 'old');
      await envelope.rotate(tenant);
      let casCalls = 0;
      const racing: KvStore = {
        ...inner,
        get: (key) => inner.get(key),
        set: (key, value) => inner.set(key, value),
        delete: (key) => inner.delete(key),
        keys: (prefix) => inner.keys(prefix),
        compareAndSet: async (key, expected, value) => {
          casCalls += 1;
          await otherWriter.setText(key, 'from another writer'); // lands between read and write-back
          return (await inner.compareAndSet?.(key, expected, value)) ?? false;
        },
      };
      const reader = encryptedKvStore({ inner: racing, envelope, ...tenant, collection: 'state' });
      expect(await reader.getText('k')).toBe('old');
      expect(casCalls).toBe(1);
      expect(await kv.getText('k')).toBe('from another writer');
    });

    it('does not lose a write from another writer when the inner store has no compareAndSet', async () => {
      const inner = memoryKvStore();
      const otherWriter = encryptedKvStore({ inner, envelope, ...tenant, collection: 'state' });
      await otherWriter.setText('k', 'old');
      await envelope.rotate(tenant);
      let reads = 0;
      const racing: KvStore = {
        get: async (key) => {
          reads += 1;
          const value = await inner.get(key);
          // after the first read (the one being decrypted), another writer replaces the value
          if (reads === 1) await otherWriter.setText(key, 'from another writer');
          return value;
        },
        set: (key, value) => inner.set(key, value),
        delete: (key) => inner.delete(key),
        keys: (prefix) => inner.keys(prefix),
      };
      const reader = encryptedKvStore({ inner: racing, envelope, ...tenant, collection: 'state' });
      expect(await reader.getText('k')).toBe('old');
      expect(reads).toBe(2); // read, then re-read before the write-back, which saw the change
      expect(await otherWriter.getText('k')).toBe('from another writer');
    });

    it('does not bring back a value deleted while it was being re-encrypted', async () => {
      const inner = memoryKvStore();
      const paused = gate();
      const reached = gate();
      let pauseNextSeal = false;
      const slow: Envelope = {
        ...envelope,
        seal: async (plaintext, context) => {
          if (pauseNextSeal) {
            pauseNextSeal = false;
            reached.open();
            await paused.promise;
          }
          return envelope.seal(plaintext, context);
        },
      };
      const kv = encryptedKvStore({ inner, envelope: slow, ...tenant, collection: 'state' });
      await kv.setText('k', 'old');
      await envelope.rotate(tenant);
      pauseNextSeal = true;
      const read = kv.getText('k');
      await reached.promise;
      expect(await kv.delete('k')).toBe(true);
      paused.open();
      expect(await read).toBe('old');
      expect(await kv.get('k')).toBeUndefined();
    });

    it('reports a failed write-back and still returns the value', async () => {
      const inner = memoryKvStore();
      const kv = encryptedKvStore({ inner, envelope, ...tenant, collection: 'state' });
      await kv.setText('k', 'value');
      await envelope.rotate(tenant);
      const failures: KvFailure[] = [];
      const broken = encryptedKvStore({
        inner: {
          ...inner,
          get: (key) => inner.get(key),
          delete: (key) => inner.delete(key),
          keys: (prefix) => inner.keys(prefix),
          set: (key, value) => inner.set(key, value),
          compareAndSet: async () => {
            throw new Error('disk full');
          },
        },
        envelope,
        ...tenant,
        collection: 'state',
        onReencryptError: (failure) => failures.push(failure),
      });
      expect(await broken.getText('k')).toBe('value');
      expect(failures.map(({ key, code }) => ({ key, code }))).toEqual([{ key: 'k', code: 'INTERNAL' }]);
      expect(
        await envelope.isStale((await inner.get('k')) as Uint8Array, {
          ...tenant,
          collection: 'state',
          recordId: 'k',
        }),
      ).toBe(true);
    });
  });

  describe('rewrap', () => {
    it('re-encrypts every stale value with exact counts and progress', async () => {
      const inner = memoryKvStore();
      const kv = encryptedKvStore({ inner, envelope, ...tenant, collection: 'state' });
      for (let i = 0; i < 10; i++) await kv.setText(`k${i}`, `value ${i}`);
      const oldKey = envelope.inspect((await inner.get('k0')) as Uint8Array).keyId;
      const newKey = await envelope.rotate(tenant);
      for (let i = 0; i < 4; i++) await kv.setText(`k${i}`, `new value ${i}`); // already under the new key

      const progress: { done: number; total: number }[] = [];
      const failures: KvFailure[] = [];
      const result = await kv.rewrap({
        onProgress: (p) => progress.push(p),
        onError: (f) => failures.push(f),
      });
      expect(result).toEqual({ scanned: 10, rewrapped: 6, failed: 0 });
      expect(failures).toEqual([]);
      expect(progress).toEqual(Array.from({ length: 10 }, (_, i) => ({ done: i + 1, total: 10 })));

      for await (const key of inner.keys()) {
        expect(envelope.inspect((await inner.get(key)) as Uint8Array).keyId).toBe(newKey);
      }
      expect(await kv.rewrap()).toEqual({ scanned: 10, rewrapped: 0, failed: 0 });
      await envelope.retire(tenant, oldKey);
      for (let i = 0; i < 10; i++)
        expect(await kv.getText(`k${i}`)).toBe(i < 4 ? `new value ${i}` : `value ${i}`);
    });

    it('counts and reports values that do not open, and leaves them in place', async () => {
      const inner = memoryKvStore();
      const kv = encryptedKvStore({ inner, envelope, ...tenant, collection: 'state' });
      for (let i = 0; i < 5; i++) await kv.setText(`k${i}`, `value ${i}`);
      await envelope.rotate(tenant);
      const tampered = ((await inner.get('k1')) as Uint8Array).slice();
      tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
      await inner.set('k1', tampered);
      await inner.set('k3', (await inner.get('k4')) as Uint8Array); // moved from another key
      await inner.set('junk', bytes('not an envelope'));

      const failures: KvFailure[] = [];
      const result = await kv.rewrap({ onError: (f) => failures.push(f) });
      expect(result).toEqual({ scanned: 6, rewrapped: 3, failed: 3 });
      expect(
        failures.map(({ key, code }) => ({ key, code })).sort((a, b) => a.key.localeCompare(b.key)),
      ).toEqual([
        { key: 'junk', code: 'CRYPTO_DECRYPT_FAILED' },
        { key: 'k1', code: 'CRYPTO_DECRYPT_FAILED' },
        { key: 'k3', code: 'CRYPTO_DECRYPT_FAILED' },
      ]);
      for (const failure of failures) expect(isSecbotError(failure.error, failure.code)).toBe(true);
      // never deleted, never changed
      expect(await inner.get('k1')).toEqual(tampered);
      expect(text(await inner.get('junk'))).toBe('not an envelope');
      expect(await collect(inner.keys())).toEqual(['junk', 'k0', 'k1', 'k2', 'k3', 'k4']);
    });

    it('reports values under destroyed and retired keys with their codes', async () => {
      const inner = memoryKvStore();
      const kv = encryptedKvStore({ inner, envelope, ...tenant, collection: 'state' });
      await kv.setText('k', 'value');
      const oldKey = envelope.inspect((await inner.get('k')) as Uint8Array).keyId;
      await envelope.rotate(tenant);
      await envelope.retire(tenant, oldKey);
      const failures: KvFailure[] = [];
      expect(await kv.rewrap({ onError: (f) => failures.push(f) })).toEqual({
        scanned: 1,
        rewrapped: 0,
        failed: 1,
      });
      expect(failures.map((f) => f.code)).toEqual(['CRYPTO_KEY_NOT_FOUND']);
      await envelope.reactivate(tenant, oldKey);
      expect(await kv.rewrap()).toEqual({ scanned: 1, rewrapped: 1, failed: 0 });

      await envelope.destroy(tenant);
      failures.length = 0;
      expect(await kv.rewrap({ onError: (f) => failures.push(f) })).toEqual({
        scanned: 1,
        rewrapped: 0,
        failed: 1,
      });
      expect(failures.map((f) => f.code)).toEqual(['CRYPTO_KEY_DESTROYED']);
      expect(await inner.get('k')).toBeDefined();
    });

    it('walks only a prefix, and works over the file store', async () => {
      const inner = fileKvStore({ dir: freshDir() });
      const kv = encryptedKvStore({ inner, envelope, ...tenant, collection: 'state' });
      for (const key of ['a:1', 'a:2', 'b:1']) await kv.setText(key, key);
      const newKey = await envelope.rotate(tenant);
      const options: KvRewrapOptions = { prefix: 'a:' };
      expect(await kv.rewrap(options)).toEqual({ scanned: 2, rewrapped: 2, failed: 0 });
      expect(envelope.inspect((await inner.get('a:2')) as Uint8Array).keyId).toBe(newKey);
      expect(envelope.inspect((await inner.get('b:1')) as Uint8Array).keyId).not.toBe(newKey);
      expect(await codeOf(() => kv.rewrap({ prefix: '\uD800' }))).toBe('ARGUMENT_INVALID');
    });

    it('keeps a value written during the walk, and counts a deleted one as scanned only', async () => {
      const inner = memoryKvStore();
      const kv = encryptedKvStore({ inner, envelope, ...tenant, collection: 'state' });
      for (let i = 0; i < 3; i++) await kv.setText(`k${i}`, `value ${i}`);
      await envelope.rotate(tenant);
      const result = await kv.rewrap({
        onProgress: ({ done }) => {
          if (done === 1) {
            void kv.delete('k1');
          }
        },
      });
      expect(result).toEqual({ scanned: 3, rewrapped: 2, failed: 0 });
      expect(await kv.get('k1')).toBeUndefined();
    });
  });

  it('validates options with CONFIG_INVALID naming each bad path', () => {
    const paths = (options: unknown): string[] => {
      try {
        encryptedKvStore(options as never);
      } catch (error) {
        if (isSecbotError(error, 'CONFIG_INVALID')) return error.issues?.map((issue) => issue.path) ?? [];
        throw error;
      }
      throw new Error('expected CONFIG_INVALID');
    };
    const good = { inner: memoryKvStore(), envelope, tenant: 'acme', collection: 'state' };
    expect(() => encryptedKvStore(good)).not.toThrow();
    expect(paths({ ...good, inner: {} })).toEqual(['inner']);
    expect(paths({ ...good, envelope: { seal: () => undefined } })).toEqual(['envelope']);
    expect(paths({ ...good, tenant: '' })).toEqual(['tenant']);
    expect(paths({ ...good, collection: 'x'.repeat(1025) })).toEqual(['collection']);
    expect(paths({ ...good, user: 42 })).toEqual(['user']);
    expect(paths({ ...good, reencryptOnRead: 'yes' })).toEqual(['reencryptOnRead']);
    expect(paths({ ...good, onReencryptError: 'log' })).toEqual(['onReencryptError']);
    expect(paths({ ...good, tenat: 'typo' })).toEqual(['']);
    // regression: the envelope's AAD encodes '\uD800' and '\uDBFF' alike (both become U+FFFD)
    expect(paths({ ...good, tenant: 'acme\uD800' })).toEqual(['tenant']);
    expect(paths({ ...good, conversation: '\uDC00' })).toEqual(['conversation']);
  });
});
