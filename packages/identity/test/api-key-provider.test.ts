import { type Credentials, createMemoryStore, isSecbotError, SecbotError } from '@secbot/core';
import { createManualClock, secbotRejection as failure } from '@secbot/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiKeyProvider, generateApiKey } from '../src/api-key-provider.js';

const apiKey = (key: unknown) => ({ kind: 'apiKey', key }) as unknown as Credentials;

describe('generateApiKey', () => {
  it('makes <prefix>_<16 hex id>_<43 base64url secret> and a record holding only its hash', () => {
    const clock = createManualClock();
    const { key, record } = generateApiKey({
      clientId: 'crm-sync',
      roles: ['integration'],
      now: clock.now,
      label: 'crm',
    });
    expect(key).toMatch(/^sbk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const [, id, secret] = key.split(/_(.{16})_/);
    expect(record).toEqual({
      id,
      hash: expect.stringMatching(/^sha256\$[A-Za-z0-9_-]{43}$/),
      clientId: 'crm-sync',
      roles: ['integration'],
      createdAt: clock.now(),
      label: 'crm',
    });
    expect(JSON.stringify(record)).not.toContain(secret as string);
    expect(generateApiKey({ clientId: 'x', prefix: 'acme' }).key).toMatch(/^acme_/);
  });

  it('uses injected randomness', () => {
    const zeros = (n: number) => new Uint8Array(n);
    expect(generateApiKey({ clientId: 'x', randomBytes: zeros }).key).toBe(
      `sbk_0000000000000000_${'A'.repeat(43)}`,
    );
    expect(() => generateApiKey({ clientId: 'x', randomBytes: () => new Uint8Array(4) })).toThrow(
      SecbotError,
    );
  });

  it('validates options with CONFIG_INVALID naming the path', () => {
    for (const [options, path] of [
      [{ clientId: '' }, 'clientId'],
      [{ clientId: 'x', prefix: 'Bad_Prefix' }, 'prefix'],
      [{ clientId: 'x', roles: ['ok', 'not ok'] }, 'roles[1]'],
      [{ clientId: 'x', expiresAt: -1 }, 'expiresAt'],
      [{ clientId: 'x\u0000' }, 'clientId'],
    ] as const) {
      try {
        generateApiKey(options as never);
        expect.unreachable();
      } catch (error) {
        expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
        expect((error as SecbotError).issues?.map((i) => i.path)).toEqual([path]);
      }
    }
  });
});

describe('apiKeyProvider', () => {
  it('authenticates a key as its client with its roles, tenant and key id', async () => {
    const clock = createManualClock();
    const { key, record } = generateApiKey({
      clientId: 'crm-sync',
      roles: ['integration'],
      tenantId: 'acme',
      now: clock.now,
    });
    const provider = apiKeyProvider({ keys: [record], now: clock.now });
    expect(provider.kinds).toEqual(['apiKey']);
    const principal = await provider.authenticate(apiKey(key));
    expect(principal).toEqual({
      id: 'crm-sync',
      roles: ['integration'],
      tenantId: 'acme',
      attributes: { apiKeyId: record.id },
      authMethod: 'apiKey',
      authenticatedAt: clock.now(),
    });
    expect(Object.isFrozen(principal)).toBe(true);
  });

  it('refuses a wrong secret for a known id, and unknown ids, alike', async () => {
    const { key, record } = generateApiKey({ clientId: 'c' });
    const provider = apiKeyProvider({ keys: [record] });
    const flipped = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    const other = generateApiKey({ clientId: 'c' }).key;
    const wrongSecret = await failure(provider.authenticate(apiKey(flipped)));
    const unknownId = await failure(provider.authenticate(apiKey(other)));
    expect(wrongSecret.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(unknownId.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(wrongSecret.message).toBe(unknownId.message);
  });

  it('refuses malformed keys quickly with AUTH_INVALID_CREDENTIALS, never a crash', async () => {
    const { key, record } = generateApiKey({ clientId: 'c' });
    const provider = apiKeyProvider({ keys: [record] });
    const hostile: unknown[] = [
      '',
      'sbk',
      key.toUpperCase(),
      `${key}x`,
      key.slice(0, -1),
      ` ${key}`,
      `${key}\u0000`,
      key.replace('sbk_', 'xyz_'), // prefix not accepted
      key.replace(/_/, '__'),
      'x'.repeat(5_000_000),
      42,
      null,
      undefined,
      { toString: () => key },
      [key],
    ];
    const started = performance.now();
    for (const input of hostile)
      expect((await failure(provider.authenticate(apiKey(input)))).code).toBe('AUTH_INVALID_CREDENTIALS');
    for (const input of [null, undefined, 'sbk', { kind: 'password', username: 'a', password: 'b' }]) {
      expect((await failure(provider.authenticate(input as Credentials))).code).toBe(
        'AUTH_INVALID_CREDENTIALS',
      );
    }
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('never crashes on random input (property)', async () => {
    const provider = apiKeyProvider({ keys: [generateApiKey({ clientId: 'c' }).record] });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 600 }), fc.anything()), async (input) => {
        const error = await failure(provider.authenticate(apiKey(input)));
        expect(error.code).toBe('AUTH_INVALID_CREDENTIALS');
      }),
      { numRuns: 500 },
    );
  });

  it('expires keys with AUTH_TOKEN_EXPIRED (after checking the secret)', async () => {
    const clock = createManualClock();
    const { key, record } = generateApiKey({ clientId: 'c', expiresAt: clock.now() + 60_000 });
    const provider = apiKeyProvider({ keys: [record], now: clock.now });
    await expect(provider.authenticate(apiKey(key))).resolves.toMatchObject({
      expiresAt: clock.now() + 60_000,
    });
    clock.advance(60_000);
    expect((await failure(provider.authenticate(apiKey(key)))).code).toBe('AUTH_TOKEN_EXPIRED');
    const wrong = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect((await failure(provider.authenticate(apiKey(wrong)))).code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('rotates: several keys per client, revoking one leaves the others working', async () => {
    const provider = apiKeyProvider({});
    const first = generateApiKey({ clientId: 'crm' });
    const second = generateApiKey({ clientId: 'crm' });
    await provider.add(first.record);
    await provider.add(second.record);
    await expect(provider.authenticate(apiKey(first.key))).resolves.toMatchObject({ id: 'crm' });
    await expect(provider.authenticate(apiKey(second.key))).resolves.toMatchObject({ id: 'crm' });
    await expect(provider.revoke(first.record.id)).resolves.toBe(true);
    await expect(provider.revoke(first.record.id)).resolves.toBe(false);
    expect((await failure(provider.authenticate(apiKey(first.key)))).code).toBe('AUTH_INVALID_CREDENTIALS');
    await expect(provider.authenticate(apiKey(second.key))).resolves.toMatchObject({ id: 'crm' });
    await expect(provider.revoke('not an id')).resolves.toBe(false);
  });

  it('shares keys and revocations through a Store across instances', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ now: clock.now });
    const a = apiKeyProvider({ store, now: clock.now });
    const b = apiKeyProvider({ store, now: clock.now });
    const { key, record } = generateApiKey({ clientId: 'bot', expiresAt: clock.now() + 3_600_000 });
    await a.add(record);
    expect((await failure(a.add(record))).code).toBe('STORE_CONFLICT');
    await expect(b.authenticate(apiKey(key))).resolves.toMatchObject({ id: 'bot' });
    await expect(b.revoke(record.id)).resolves.toBe(true);
    expect((await failure(a.authenticate(apiKey(key)))).code).toBe('AUTH_INVALID_CREDENTIALS');
    // a corrupt record in the Store is treated as absent (fail closed)
    const other = generateApiKey({ clientId: 'bot' });
    await store.set(`secbot:apikey:${other.record.id}`, '{not json');
    expect((await failure(a.authenticate(apiKey(other.key)))).code).toBe('AUTH_INVALID_CREDENTIALS');
    await store.set(
      `secbot:apikey:${other.record.id}`,
      JSON.stringify({ ...other.record, id: '0000000000000000' }),
    );
    expect((await failure(a.authenticate(apiKey(other.key)))).code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('add refuses malformed, expired and duplicate records', async () => {
    const clock = createManualClock();
    const provider = apiKeyProvider({ now: clock.now });
    const { record } = generateApiKey({ clientId: 'c' });
    expect((await failure(provider.add({ ...record, hash: 'plaintext' }))).code).toBe('ARGUMENT_INVALID');
    expect((await failure(provider.add({ ...record, expiresAt: clock.now() }))).code).toBe(
      'ARGUMENT_INVALID',
    );
    await provider.add(record);
    expect((await failure(provider.add(record))).code).toBe('STORE_CONFLICT');
  });

  it('fails at start-up with CONFIG_INVALID on bad records or repeated ids', () => {
    const { record } = generateApiKey({ clientId: 'c' });
    for (const [options, path] of [
      [{ keys: [record, { ...record, hash: 'x' }] }, 'keys[1].hash'],
      [{ keys: [record, record] }, 'keys[1].id'],
      [{ prefixes: [] }, 'prefixes'],
      [{ store: {} }, 'store'],
    ] as const) {
      try {
        apiKeyProvider(options as never);
        expect.unreachable();
      } catch (error) {
        expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
        expect((error as SecbotError).issues?.map((i) => i.path)).toEqual([path]);
      }
    }
  });
});
