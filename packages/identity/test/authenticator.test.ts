import {
  type Credentials,
  createEventBus,
  createMemoryStore,
  isSecbotError,
  type Principal,
  SecbotError,
  type SecurityEvent,
} from '@secbot/core';
import { createManualClock, secbotRejection as failure } from '@secbot/test-utils';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { apiKeyProvider, generateApiKey } from '../src/api-key-provider.js';
import { type AuthenticatorOptions, createAuthenticator } from '../src/authenticator.js';
import { defineIdentityProvider } from '../src/define-identity-provider.js';
import { localDirectoryProvider } from '../src/local-directory-provider.js';
import { createUserRecord, type LocalUserRecord } from '../src/local-user-record.js';
import type { PasswordHashParams } from '../src/password-hashing.js';

const fast: PasswordHashParams = { algorithm: 'argon2id', memoryKiB: 1024, iterations: 1 };
// Every password in this file contains this marker; no event may ever contain it.
const marker = 'PW-MARKER';
const right = `${marker}-right-1`;
const wrong = `${marker}-wrong-1`;
const allEvents: SecurityEvent[] = [];

let records: LocalUserRecord[];
beforeAll(async () => {
  records = [
    await createUserRecord('Ana', right, ['agent'], { params: fast, tenantId: 'acme' }),
    await createUserRecord('bob', right, ['customer'], { params: fast }),
  ];
});

const pw = (username: unknown, password: unknown = wrong) =>
  ({ kind: 'password', username, password }) as unknown as Credentials;

function setup(options: Partial<AuthenticatorOptions> = {}) {
  const clock = createManualClock();
  const store = createMemoryStore({ now: clock.now });
  const bus = createEventBus({ now: clock.now });
  const events: SecurityEvent[] = [];
  bus.onAny((event) => {
    events.push(event);
    allEvents.push(event);
  });
  const local = localDirectoryProvider({ users: records, hashing: fast, now: clock.now });
  const spy = vi.spyOn(local, 'authenticate');
  const auth = createAuthenticator({ providers: local, store, bus, now: clock.now, ...options });
  const ctx = (ip = '203.0.113.9') => ({ requestId: 'req-1', channel: 'http', ip, receivedAt: clock.now() });
  const of = <T extends SecurityEvent['type']>(type: T): SecurityEvent<T>[] =>
    events.filter((event) => event.type === type) as unknown as SecurityEvent<T>[];
  return { clock, store, bus, events, auth, ctx, of, spy };
}

describe('createAuthenticator: outcomes and events', () => {
  it('signs in and emits auth.success with the exact payload', async () => {
    const { auth, ctx, events, clock } = setup();
    const principal = await auth.authenticate(pw('Ana', right), ctx());
    expect(principal).toMatchObject({
      id: 'Ana',
      roles: ['agent'],
      tenantId: 'acme',
      authMethod: 'password',
    });
    expect(events).toEqual([
      {
        type: 'auth.success',
        ts: clock.now(),
        requestId: 'req-1',
        channel: 'http',
        ip: '203.0.113.9',
        actor: { id: 'Ana', roles: ['agent'], tenantId: 'acme' },
        provider: 'local',
        method: 'password',
      },
    ]);
  });

  it('emits auth.failure for a wrong password and an unknown user alike (same code, same shape)', async () => {
    const { auth, ctx, events, clock } = setup();
    const a = await failure(auth.authenticate(pw('Ana'), ctx()));
    const b = await failure(auth.authenticate(pw('nobody'), ctx()));
    expect(a.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(b.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(a.publicMessage).toBe(b.publicMessage);
    const base = {
      type: 'auth.failure',
      ts: clock.now(),
      requestId: 'req-1',
      channel: 'http',
      ip: '203.0.113.9',
    };
    expect(events).toEqual([
      { ...base, provider: 'local', method: 'password', code: 'AUTH_INVALID_CREDENTIALS', username: 'Ana' },
      {
        ...base,
        provider: 'local',
        method: 'password',
        code: 'AUTH_INVALID_CREDENTIALS',
        username: 'nobody',
      },
    ]);
  });

  it('refuses malformed credentials with AUTH_INVALID_CREDENTIALS and a failure event, never a crash', async () => {
    const { auth, ctx, of, spy } = setup({ lockout: { perIp: false } });
    const hostile: unknown[] = [
      null,
      undefined,
      42,
      'Ana',
      {},
      { kind: 'password' },
      pw('Ana', 42),
      pw(42, right),
      pw('Ana\u0000', right),
      pw('x'.repeat(100_000), right),
      pw('Ana', 'y'.repeat(100_000)),
      { kind: 'apiKey', key: 42 },
      { kind: 'bearer', token: '' },
      { kind: 'saml', assertion: '<x/>' },
    ];
    for (const credentials of hostile) {
      expect((await failure(auth.authenticate(credentials as Credentials, ctx()))).code).toBe(
        'AUTH_INVALID_CREDENTIALS',
      );
    }
    expect(spy).not.toHaveBeenCalled();
    const failures = of('auth.failure');
    expect(failures).toHaveLength(hostile.length);
    expect(
      failures.every((e) => e.detail === 'malformed-credentials' && e.provider === 'authenticator'),
    ).toBe(true);
    // the claimed username is bounded
    expect(failures.every((e) => (e.username?.length ?? 0) <= 256)).toBe(true);
  });

  it('never crashes on random input (property)', async () => {
    const { auth } = setup({ lockout: { perIp: false, maxFailures: 1000 } });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything(),
          fc.record({
            kind: fc.constantFrom('password', 'bearer', 'apiKey'),
            username: fc.anything(),
            password: fc.anything(),
            token: fc.anything(),
            key: fc.anything(),
          }),
        ),
        async (input) => {
          const error = await failure(auth.authenticate(input as Credentials));
          expect(['AUTH_INVALID_CREDENTIALS', 'AUTH_INVALID_TOKEN', 'AUTH_LOCKED_OUT']).toContain(error.code);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('handles API keys through the same door (no username in events)', async () => {
    const { key, record } = generateApiKey({ clientId: 'crm', roles: ['integration'] });
    const { auth, ctx, events } = setup({ providers: [apiKeyProvider({ keys: [record] })] });
    await expect(auth.authenticate({ kind: 'apiKey', key }, ctx())).resolves.toMatchObject({ id: 'crm' });
    await failure(auth.authenticate({ kind: 'apiKey', key: `${key.slice(0, -1)}x` }, ctx()));
    expect(events.map((e) => e.type)).toEqual(['auth.success', 'auth.failure']);
    expect(events[1]).toMatchObject({
      provider: 'apiKey',
      method: 'apiKey',
      code: 'AUTH_INVALID_CREDENTIALS',
    });
    expect(events[1]).not.toHaveProperty('username');
    expect(JSON.stringify(events)).not.toContain(key.slice(-43));
  });

  it('fails closed when the Store is unavailable', async () => {
    const { auth, ctx, store, spy, of } = setup();
    await store.close();
    expect((await failure(auth.authenticate(pw('Ana', right), ctx()))).code).toBe('STORE_UNAVAILABLE');
    expect(spy).not.toHaveBeenCalled();
    expect(of('auth.failure')[0]).toMatchObject({ code: 'STORE_UNAVAILABLE', username: 'Ana' });
  });

  it('validates options with CONFIG_INVALID naming the path', () => {
    const store = createMemoryStore();
    const local = localDirectoryProvider({ users: [] });
    for (const [options, path] of [
      [{ store }, 'providers'],
      [{ providers: [], store }, 'providers'],
      [{ providers: local }, 'store'],
      [{ providers: local, store, lockout: { maxFailures: 0 } }, 'lockout.maxFailures'],
      [{ providers: local, store, lockout: { perIp: { maxFailures: -1 } } }, 'lockout.perIp.maxFailures'],
      [{ providers: local, store, lockout: { baseLockMs: 7_200_000 } }, 'lockout.baseLockMs'],
      [{ providers: local, store, lockout: { typo: 1 } }, 'lockout'],
    ] as const) {
      try {
        createAuthenticator(options as never);
        expect.unreachable();
      } catch (error) {
        expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
        expect((error as SecbotError).issues?.map((i) => i.path)).toEqual([path]);
      }
    }
  });
});

describe('createAuthenticator: lockout', () => {
  it('locks a username after 5 failures, before asking the provider, with retry-after and an event', async () => {
    const { auth, ctx, of, spy, clock } = setup();
    for (let i = 0; i < 5; i++) await failure(auth.authenticate(pw('Ana'), ctx()));
    expect(spy).toHaveBeenCalledTimes(5);
    expect(of('auth.lockout')).toEqual([
      {
        type: 'auth.lockout',
        ts: clock.now(),
        requestId: 'req-1',
        channel: 'http',
        ip: '203.0.113.9',
        scope: 'user',
        key: 'ana',
        failures: 5,
        retryAfterSec: 60,
      },
    ]);
    const locked = await failure(auth.authenticate(pw('Ana', right), ctx())); // even the right password
    expect(locked.code).toBe('AUTH_LOCKED_OUT');
    expect(locked.status).toBe(429);
    expect(locked.retryAfterSec).toBe(60);
    expect(spy).toHaveBeenCalledTimes(5);
    expect(of('auth.failure').at(-1)).toMatchObject({
      code: 'AUTH_LOCKED_OUT',
      username: 'Ana',
      provider: 'authenticator',
    });
    clock.advance(25_000);
    expect((await failure(auth.authenticate(pw('Ana', right), ctx()))).retryAfterSec).toBe(35);
    clock.advance(34_500);
    expect((await failure(auth.authenticate(pw('Ana', right), ctx()))).retryAfterSec).toBe(1);
    clock.advance(500);
    await expect(auth.authenticate(pw('Ana', right), ctx())).resolves.toMatchObject({ id: 'Ana' });
  });

  it('locks unknown usernames the same way (no difference to observe)', async () => {
    const { auth, ctx, of } = setup();
    for (let i = 0; i < 5; i++) await failure(auth.authenticate(pw('ghost'), ctx()));
    const locked = await failure(auth.authenticate(pw('ghost'), ctx()));
    expect(locked.code).toBe('AUTH_LOCKED_OUT');
    expect(locked.retryAfterSec).toBe(60);
    expect(of('auth.lockout')[0]).toMatchObject({ scope: 'user', key: 'ghost', failures: 5 });
  });

  it('doubles the lock with each successive lockout, up to maxLockMs', async () => {
    const { auth, ctx, clock, of } = setup({ lockout: { maxLockMs: 300_000, perIp: false } });
    const expected = [60, 120, 240, 300, 300];
    for (const seconds of expected) {
      for (let i = 0; i < 5; i++) await failure(auth.authenticate(pw('Ana'), ctx()));
      const locked = await failure(auth.authenticate(pw('Ana'), ctx()));
      expect(locked.code).toBe('AUTH_LOCKED_OUT');
      expect(locked.retryAfterSec).toBe(seconds);
      clock.advance(seconds * 1000);
    }
    expect(of('auth.lockout').map((e) => e.retryAfterSec)).toEqual(expected);
  });

  it('forgets the backoff after backoffResetMs', async () => {
    const { auth, ctx, clock } = setup({ lockout: { backoffResetMs: 3_600_000 } });
    for (let i = 0; i < 5; i++) await failure(auth.authenticate(pw('Ana'), ctx()));
    clock.advance(3_600_000 + 60_000);
    for (let i = 0; i < 5; i++) await failure(auth.authenticate(pw('Ana'), ctx()));
    expect((await failure(auth.authenticate(pw('Ana'), ctx()))).retryAfterSec).toBe(60);
  });

  it('a success resets the username: its failures and its backoff', async () => {
    const { auth, ctx, clock } = setup();
    for (let i = 0; i < 4; i++) await failure(auth.authenticate(pw('Ana'), ctx()));
    await auth.authenticate(pw('Ana', right), ctx());
    for (let i = 0; i < 4; i++)
      expect((await failure(auth.authenticate(pw('Ana'), ctx()))).code).toBe('AUTH_INVALID_CREDENTIALS');
    // a success's own reservation does not count either: four more failures after the fourth are fine...
    await auth.authenticate(pw('Ana', right), ctx());
    await auth.authenticate(pw('Ana', right), ctx());
    for (let i = 0; i < 4; i++) await failure(auth.authenticate(pw('Ana'), ctx()));
    // ...and the fifth locks; after the lock, a success resets the backoff to the base lock
    await failure(auth.authenticate(pw('Ana'), ctx()));
    expect((await failure(auth.authenticate(pw('Ana'), ctx()))).retryAfterSec).toBe(60);
    clock.advance(60_000);
    await auth.authenticate(pw('Ana', right), ctx());
    for (let i = 0; i < 5; i++) await failure(auth.authenticate(pw('Ana'), ctx()));
    expect((await failure(auth.authenticate(pw('Ana'), ctx()))).retryAfterSec).toBe(60);
  });

  it('counts usernames after normalisation: Ana, ANA and full-width ａｎａ share one allowance', async () => {
    const { auth, ctx } = setup();
    for (const name of ['Ana', 'ANA', 'ana', '\uff41\uff4e\uff41', 'aNa'])
      await failure(auth.authenticate(pw(name), ctx()));
    expect((await failure(auth.authenticate(pw('ana', right), ctx()))).code).toBe('AUTH_LOCKED_OUT');
  });

  it('locks a client address after 20 failures across usernames; other addresses are unaffected', async () => {
    const { auth, ctx, of, spy } = setup();
    for (let i = 0; i < 20; i++) await failure(auth.authenticate(pw(`user${i}`), ctx('198.51.100.1')));
    expect(of('auth.lockout')).toEqual([
      expect.objectContaining({ scope: 'ip', key: '198.51.100.1', failures: 20, retryAfterSec: 60 }),
    ]);
    const locked = await failure(auth.authenticate(pw('Ana', right), ctx('198.51.100.1')));
    expect(locked.code).toBe('AUTH_LOCKED_OUT');
    expect(locked.retryAfterSec).toBe(60);
    expect(spy).toHaveBeenCalledTimes(20);
    await expect(auth.authenticate(pw('Ana', right), ctx('198.51.100.2'))).resolves.toMatchObject({
      id: 'Ana',
    });
  });

  it('groups IPv6 clients by /64', async () => {
    const { auth, ctx, of } = setup({ lockout: { perIp: { maxFailures: 3 } } });
    for (const ip of ['2001:db8:1:2::1', '2001:db8:1:2:ffff::9', '[2001:DB8:1:2::abcd]']) {
      await failure(auth.authenticate(pw('nobody'), ctx(ip)));
    }
    expect(of('auth.lockout')[0]).toMatchObject({ scope: 'ip', key: '2001:db8:1:2::/64' });
    expect((await failure(auth.authenticate(pw('Ana', right), ctx('2001:db8:1:2::77')))).code).toBe(
      'AUTH_LOCKED_OUT',
    );
    await expect(auth.authenticate(pw('Ana', right), ctx('2001:db8:1:3::1'))).resolves.toMatchObject({
      id: 'Ana',
    });
    // IPv4-mapped addresses count as the IPv4 address
    const other = setup({ lockout: { perIp: { maxFailures: 2 } } });
    await failure(other.auth.authenticate(pw('x'), other.ctx('::ffff:192.0.2.5')));
    await failure(other.auth.authenticate(pw('y'), other.ctx('192.0.2.5')));
    expect(other.of('auth.lockout')[0]).toMatchObject({ scope: 'ip', key: '192.0.2.5' });
  });

  it('does not reset an address on success', async () => {
    const { auth, ctx } = setup();
    for (let i = 0; i < 19; i++) await failure(auth.authenticate(pw(`user${i}`), ctx()));
    await auth.authenticate(pw('bob', right), ctx());
    await failure(auth.authenticate(pw('user-last'), ctx()));
    expect((await failure(auth.authenticate(pw('bob', right), ctx()))).code).toBe('AUTH_LOCKED_OUT');
  });

  it('lets exactly maxFailures guesses reach the provider under 50 concurrent wrong passwords', async () => {
    const { auth, ctx, spy, of } = setup();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => auth.authenticate(pw('Ana'), ctx())),
    );
    expect(spy).toHaveBeenCalledTimes(5);
    const codes = results.map((r) =>
      r.status === 'rejected' && isSecbotError(r.reason) ? r.reason.code : 'ok',
    );
    expect(codes.filter((c) => c === 'AUTH_INVALID_CREDENTIALS')).toHaveLength(5);
    expect(codes.filter((c) => c === 'AUTH_LOCKED_OUT')).toHaveLength(45);
    expect(of('auth.lockout').filter((e) => e.scope === 'user')).toHaveLength(1);
    expect((await failure(auth.authenticate(pw('Ana', right), ctx()))).code).toBe('AUTH_LOCKED_OUT');
  });

  it('holds under concurrency with a slow provider and mixed timing too', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ now: clock.now });
    let calls = 0;
    const slow = defineIdentityProvider({
      name: 'slow',
      kinds: ['password'],
      async authenticate(): Promise<Principal> {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        throw new SecbotError('AUTH_INVALID_CREDENTIALS', 'slow: no');
      },
    });
    const auth = createAuthenticator({ providers: slow, store, now: clock.now, lockout: { maxFailures: 5 } });
    const attempts = Array.from({ length: 50 }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i % 7));
      return auth.authenticate(pw('victim'));
    });
    await Promise.allSettled(attempts);
    expect(calls).toBe(5);
  });

  it('counts provider outages as failures (fail closed)', async () => {
    const down = defineIdentityProvider({
      name: 'down',
      kinds: ['password'],
      authenticate: () => Promise.reject(new Error('ECONNREFUSED')),
    });
    const { auth, ctx, of } = setup({ providers: down });
    for (let i = 0; i < 5; i++)
      expect((await failure(auth.authenticate(pw('Ana', right), ctx()))).code).toBe(
        'AUTH_PROVIDER_UNAVAILABLE',
      );
    expect((await failure(auth.authenticate(pw('Ana', right), ctx()))).code).toBe('AUTH_LOCKED_OUT');
    expect(of('auth.failure')[0]).toMatchObject({ provider: 'down', code: 'AUTH_PROVIDER_UNAVAILABLE' });
  });

  it('exposes its lockout to guard a second factor with the same limits', async () => {
    const { auth } = setup({ lockout: { maxFailures: 2 } });
    const first = await auth.lockout.begin({ key: 'totp:ana' });
    await first.fail();
    const second = await auth.lockout.begin({ key: 'totp:ana' });
    await second.fail();
    expect(await failure(auth.lockout.check({ key: 'totp:ana' }))).toMatchObject({
      code: 'AUTH_LOCKED_OUT',
      retryAfterSec: 60,
    });
    await expect(auth.lockout.check({ key: 'ana' })).resolves.toBeUndefined();
  });
});

describe('events never carry a password', () => {
  it('holds across every event emitted in this file', () => {
    expect(allEvents.length).toBeGreaterThan(50);
    const dump = JSON.stringify(allEvents);
    expect(dump).not.toContain(marker);
    expect(dump).not.toContain('y'.repeat(100));
  });
});
