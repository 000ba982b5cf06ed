import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventBus, isSecbotError, type SecurityEvent } from '@secbot/core';
import { createManualClock } from '@secbot/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEnvelope,
  fileKeyringStore,
  type KeyringStore,
  localKeyProvider,
  memoryKeyringStore,
  type SealContext,
} from '../src/index.js';

const kek1 = randomBytes(32);
const kek2 = randomBytes(32);
const provider = localKeyProvider({ keys: [{ id: 'kek-1', key: kek1 }] });
const ctx: SealContext = { tenant: 'acme', collection: 'transcripts', recordId: 't-1' };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return isSecbotError(error) ? error.code : `not a SecbotError: ${String(error)}`;
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'secbot-envelope-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.each(['aes-256-gcm', 'xchacha20-poly1305'] as const)('envelope with %s', (algorithm) => {
  it('round-trips bytes and text, and writes the algorithm and a key id into the header', async () => {
    const envelope = createEnvelope({ keyProvider: provider, algorithm });
    const sealed = await envelope.seal('card 4111 1111 1111 1111', ctx);
    expect(text(await envelope.open(sealed, ctx))).toBe('card 4111 1111 1111 1111');
    expect(envelope.inspect(sealed)).toMatchObject({ algorithm });
    expect(envelope.inspect(sealed).keyId).toMatch(/^k_[0-9a-f]{32}$/);
    const sealedText = await envelope.sealText('naïve 日本 \u0000', ctx);
    expect(sealedText).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await envelope.openText(sealedText, ctx)).toBe('naïve 日本 \u0000');
    expect(await envelope.open(await envelope.seal(new Uint8Array(0), ctx), ctx)).toEqual(new Uint8Array(0));
  });

  it('never produces the same ciphertext twice', async () => {
    const envelope = createEnvelope({ keyProvider: provider, algorithm });
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(Buffer.from(await envelope.seal('same', ctx)).toString('hex'));
    expect(seen.size).toBe(200);
  });

  it('binds the ciphertext to its tenant, collection, record and field', async () => {
    const envelope = createEnvelope({ keyProvider: provider, algorithm });
    const sealed = await envelope.seal('secret', { ...ctx, field: 'body' });
    expect(await codeOf(envelope.open(sealed, { ...ctx, field: 'title' }))).toBe('CRYPTO_DECRYPT_FAILED');
    expect(await codeOf(envelope.open(sealed, ctx))).toBe('CRYPTO_DECRYPT_FAILED');
    expect(await codeOf(envelope.open(sealed, { ...ctx, field: 'body', recordId: 't-2' }))).toBe(
      'CRYPTO_DECRYPT_FAILED',
    );
    expect(await codeOf(envelope.open(sealed, { ...ctx, field: 'body', collection: 'profiles' }))).toBe(
      'CRYPTO_DECRYPT_FAILED',
    );
    // another tenant has other keys: the key id is not even found there
    await envelope.seal('x', { ...ctx, tenant: 'globex' });
    expect(await codeOf(envelope.open(sealed, { ...ctx, field: 'body', tenant: 'globex' }))).toBe(
      'CRYPTO_KEY_NOT_FOUND',
    );
    expect(text(await envelope.open(sealed, { ...ctx, field: 'body' }))).toBe('secret');
  });
});

describe('rotation and lazy re-encryption', () => {
  it('seals new data under the new primary, still opens old data, and reseals stale data', async () => {
    const bus = createEventBus();
    const events: SecurityEvent[] = [];
    bus.onAny((event) => {
      events.push(event);
    });
    const envelope = createEnvelope({ keyProvider: provider, bus });
    const old = await envelope.seal('before', ctx);
    const oldKey = envelope.inspect(old).keyId;
    const newKey = await envelope.rotate({ tenant: 'acme' });
    expect(newKey).not.toBe(oldKey);
    const fresh = await envelope.seal('after', ctx);
    expect(envelope.inspect(fresh).keyId).toBe(newKey);
    expect(text(await envelope.open(old, ctx))).toBe('before');
    expect(await envelope.isStale(old, ctx)).toBe(true);
    expect(await envelope.isStale(fresh, ctx)).toBe(false);
    const resealed = await envelope.reseal(old, ctx);
    expect(envelope.inspect(resealed).keyId).toBe(newKey);
    expect(text(await envelope.open(resealed, ctx))).toBe('before');
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'key.rotated',
        keyId: newKey,
        previousKeyId: oldKey,
        scope: 'tenant:acme',
      }),
    );
  });

  it('retires a key (it opens nothing) and can reactivate it; the primary cannot be retired', async () => {
    const envelope = createEnvelope({ keyProvider: provider });
    const old = await envelope.seal('before', ctx);
    const oldKey = envelope.inspect(old).keyId;
    const primary = await envelope.rotate({ tenant: 'acme' });
    await envelope.retire({ tenant: 'acme' }, oldKey);
    expect(await codeOf(envelope.open(old, ctx))).toBe('CRYPTO_KEY_NOT_FOUND');
    await envelope.reactivate({ tenant: 'acme' }, oldKey);
    expect(text(await envelope.open(old, ctx))).toBe('before');
    expect(await codeOf(envelope.retire({ tenant: 'acme' }, primary))).toBe('ARGUMENT_INVALID');
  });
});

describe('crypto-shredding', () => {
  it('makes every record of a tenant unreadable for good, refuses new writes, and reports it', async () => {
    const bus = createEventBus();
    const destroyed: SecurityEvent[] = [];
    bus.on('key.destroyed', (event) => {
      destroyed.push(event);
    });
    const envelope = createEnvelope({ keyProvider: provider, bus });
    const a = await envelope.seal('acme record', ctx);
    await envelope.rotate({ tenant: 'acme' });
    const b = await envelope.seal('acme record 2', ctx);
    const other = await envelope.seal('globex record', { ...ctx, tenant: 'globex' });
    const keyIds = await envelope.destroy({ tenant: 'acme' }, 'dpo@acme');
    expect(keyIds).toHaveLength(2);
    expect(await codeOf(envelope.open(a, ctx))).toBe('CRYPTO_KEY_DESTROYED');
    expect(await codeOf(envelope.open(b, ctx))).toBe('CRYPTO_KEY_DESTROYED');
    expect(await codeOf(envelope.seal('new', ctx))).toBe('CRYPTO_KEY_DESTROYED');
    expect(await codeOf(envelope.rotate({ tenant: 'acme' }))).toBe('CRYPTO_KEY_DESTROYED');
    expect(text(await envelope.open(other, { ...ctx, tenant: 'globex' }))).toBe('globex record');
    expect(destroyed).toEqual([
      expect.objectContaining({ type: 'key.destroyed', keyIds, scope: 'tenant:acme', by: 'dpo@acme' }),
    ]);
  });

  it('erases the wrapped keys from the key store, not just flags them', async () => {
    const dir = tempDir();
    const envelope = createEnvelope({ keyProvider: provider, keyStore: fileKeyringStore({ dir }) });
    await envelope.seal('x', ctx);
    const before = readdirSync(dir)
      .map((name) => readFileSync(join(dir, name), 'utf8'))
      .join('');
    expect(before).toContain('"wrapped"');
    await envelope.destroy({ tenant: 'acme' });
    const after = readdirSync(dir)
      .map((name) => readFileSync(join(dir, name), 'utf8'))
      .join('');
    expect(after).not.toContain('"wrapped"');
    expect(after).toContain('"destroyed"');
  });

  it('shreds per user when keys are scoped per user', async () => {
    const envelope = createEnvelope({ keyProvider: provider, keyScope: 'user' });
    const ana = await envelope.seal('ana data', { ...ctx, user: 'ana' });
    const bob = await envelope.seal('bob data', { ...ctx, user: 'bob' });
    await envelope.destroy({ tenant: 'acme', user: 'ana' });
    expect(await codeOf(envelope.open(ana, { ...ctx, user: 'ana' }))).toBe('CRYPTO_KEY_DESTROYED');
    expect(text(await envelope.open(bob, { ...ctx, user: 'bob' }))).toBe('bob data');
    expect(await codeOf(envelope.seal('x', ctx))).toBe('ARGUMENT_INVALID');
  });

  it('reaches another process sharing the key store within the cache TTL', async () => {
    const clock = createManualClock();
    const dir = tempDir();
    const writer = createEnvelope({
      keyProvider: provider,
      keyStore: fileKeyringStore({ dir }),
      now: clock.now,
      cacheTtlMs: 60_000,
    });
    const reader = createEnvelope({
      keyProvider: provider,
      keyStore: fileKeyringStore({ dir }),
      now: clock.now,
      cacheTtlMs: 60_000,
    });
    const sealed = await writer.seal('shared', ctx);
    expect(text(await reader.open(sealed, ctx))).toBe('shared');
    await writer.destroy({ tenant: 'acme' });
    clock.advance(60_000);
    expect(await codeOf(reader.open(sealed, ctx))).toBe('CRYPTO_KEY_DESTROYED');
  });
});

describe('key usage limits', () => {
  it('moves to a new key when the AES-GCM message limit is reached', async () => {
    const envelope = createEnvelope({ keyProvider: provider, maxMessagesPerKey: 3 });
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(envelope.inspect(await envelope.seal(`m${i}`, ctx)).keyId);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(new Set(ids.slice(3, 6)).size).toBe(1);
    expect(ids[3]).not.toBe(ids[0]);
    expect(ids[6]).not.toBe(ids[3]);
  });

  it('never reuses another process lifetime reservation: restarts count against the limit', async () => {
    const dir = tempDir();
    const ids: string[] = [];
    for (let life = 0; life < 4; life++) {
      const envelope = createEnvelope({
        keyProvider: provider,
        keyStore: fileKeyringStore({ dir }),
        maxMessagesPerKey: 2,
      });
      ids.push(envelope.inspect(await envelope.seal('m', ctx)).keyId);
    }
    // each lifetime reserves its own block (here the whole limit of 2), so each starts a new key
    expect(new Set(ids).size).toBe(4);
  });

  it('does not overshoot the limit under concurrent sealing', async () => {
    const envelope = createEnvelope({ keyProvider: provider, maxMessagesPerKey: 10 });
    const sealed = await Promise.all(Array.from({ length: 95 }, (_, i) => envelope.seal(`m${i}`, ctx)));
    const perKey = new Map<string, number>();
    for (const s of sealed) {
      const id = envelope.inspect(s).keyId;
      perKey.set(id, (perKey.get(id) ?? 0) + 1);
    }
    expect(Math.max(...perKey.values())).toBeLessThanOrEqual(10);
    expect([...perKey.values()].reduce((a, b) => a + b, 0)).toBe(95);
  });
});

describe('key-encryption keys', () => {
  it('re-wraps data keys under a new KEK without touching data, then works without the old KEK', async () => {
    const dir = tempDir();
    const store = fileKeyringStore({ dir });
    const before = createEnvelope({ keyProvider: provider, keyStore: store });
    const sealed = await before.seal('kept', ctx);
    await before.seal('kept', { ...ctx, tenant: 'globex' });
    const rotated = localKeyProvider({
      keys: [
        { id: 'kek-2', key: kek2 },
        { id: 'kek-1', key: kek1 },
      ],
    });
    const during = createEnvelope({ keyProvider: rotated, keyStore: store });
    const progress: number[] = [];
    expect(await during.rewrapKeys(({ done }) => progress.push(done))).toBe(2);
    expect(progress).toEqual([1, 2]);
    const onlyNew = createEnvelope({
      keyProvider: localKeyProvider({ keys: [{ id: 'kek-2', key: kek2 }] }),
      keyStore: store,
    });
    expect(text(await onlyNew.open(sealed, ctx))).toBe('kept');
    const onlyOld = createEnvelope({ keyProvider: provider, keyStore: store });
    expect(await codeOf(onlyOld.open(sealed, ctx))).toBe('CRYPTO_KEY_NOT_FOUND');
  });

  it('refuses a data key wrapped for another scope (a keyring file copied to another tenant)', async () => {
    const rings = new Map<string, { records: unknown[]; revision: number }>();
    const store: KeyringStore = {
      load: async (scope) => structuredClone(rings.get(scope) as never),
      save: async (scope, records, expected) => {
        rings.set(scope, { records: structuredClone(records as unknown[]), revision: expected + 1 });
        return expected + 1;
      },
      scopes: async () => [...rings.keys()],
    };
    const envelope = createEnvelope({ keyProvider: provider, keyStore: store, cacheTtlMs: 0 });
    const sealed = await envelope.seal('acme only', ctx);
    rings.set('tenant:globex', structuredClone(rings.get('tenant:acme') as never));
    expect(await codeOf(envelope.open(sealed, { ...ctx, tenant: 'globex' }))).toBe('CRYPTO_DECRYPT_FAILED');
  });
});

describe('localKeyProvider configuration', () => {
  const configCode = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return isSecbotError(error) ? `${error.code}: ${error.message}` : String(error);
    }
    return 'no error';
  };

  it('refuses short, all-zero, non-base64 and missing keys without quoting them', () => {
    expect(configCode(() => localKeyProvider({ keys: [{ id: 'k', key: randomBytes(16) }] }))).toContain(
      'exactly 32 bytes',
    );
    expect(configCode(() => localKeyProvider({ keys: [{ id: 'k', key: new Uint8Array(32) }] }))).toContain(
      'all zeros',
    );
    expect(configCode(() => localKeyProvider({ keys: [{ id: 'k', key: 'not base64!!' }] }))).toContain(
      'not base64',
    );
    expect(
      configCode(() => localKeyProvider({ keys: [{ id: 'k', env: 'SECBOT_TEST_UNSET_KEK' }] })),
    ).toContain('is not set');
    expect(configCode(() => localKeyProvider({ keys: [] }))).toContain('CONFIG_INVALID');
    expect(configCode(() => localKeyProvider({ keys: [{ id: 'k', key: kek1, env: 'X' }] }))).toContain(
      'exactly one of',
    );
    const secret = randomBytes(24).toString('base64');
    expect(configCode(() => localKeyProvider({ keys: [{ id: 'k', key: secret }] }))).not.toContain(secret);
  });

  it('reads a key file only when no one else can read it', () => {
    const dir = tempDir();
    const file = join(dir, 'kek.b64');
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`);
    chmodSync(file, 0o644);
    expect(configCode(() => localKeyProvider({ keys: [{ id: 'k', file }] }))).toContain('chmod 600');
    chmodSync(file, 0o600);
    expect(configCode(() => localKeyProvider({ keys: [{ id: 'k', file }] }))).toBe('no error');
  });

  it('reads a key from the environment', async () => {
    process.env.SECBOT_TEST_KEK = kek1.toString('base64');
    const fromEnv = localKeyProvider({ keys: [{ id: 'kek-1', env: 'SECBOT_TEST_KEK' }] });
    delete process.env.SECBOT_TEST_KEK;
    const a = createEnvelope({ keyProvider: provider, keyStore: memoryKeyringStore() });
    const wrapped = await provider.wrap(new Uint8Array(32).fill(7), { keyId: 'k_x', scope: 's' });
    expect(await fromEnv.unwrap(wrapped, { keyId: 'k_x', scope: 's' })).toEqual(new Uint8Array(32).fill(7));
    expect(await codeOf(fromEnv.unwrap(wrapped, { keyId: 'k_y', scope: 's' }))).toBe('CRYPTO_DECRYPT_FAILED');
    expect(a).toBeDefined();
  });
});
