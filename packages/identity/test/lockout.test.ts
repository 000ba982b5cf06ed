import {
  createEventBus,
  createMemoryStore,
  isSecbotError,
  type SecbotError,
  type SecurityEvent,
} from '@secbot/core';
import { createManualClock, secbotRejection as failure } from '@secbot/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipGroup } from '../src/internal/ip-group.js';
import { createLockout, type LockoutOptions } from '../src/lockout.js';

function setup(options: Partial<LockoutOptions> = {}) {
  const clock = createManualClock();
  const store = createMemoryStore({ now: clock.now });
  const bus = createEventBus({ now: clock.now });
  const events: SecurityEvent[] = [];
  bus.onAny((event) => {
    events.push(event);
  });
  const lockout = createLockout({ store, bus, now: clock.now, ...options });
  const failTimes = async (n: number, subject: { key?: string; ip?: string }) => {
    for (let i = 0; i < n; i++) await (await lockout.begin(subject)).fail();
  };
  return { clock, store, lockout, events, failTimes };
}

describe('createLockout', () => {
  it('check is read-only: it never counts', async () => {
    const { lockout } = setup({ maxFailures: 1 });
    for (let i = 0; i < 100; i++) await lockout.check({ key: 'ana', ip: '192.0.2.1' });
    await expect(lockout.begin({ key: 'ana' })).resolves.toBeDefined();
  });

  it('settles an attempt once only', async () => {
    const { lockout } = setup();
    const attempt = await lockout.begin({ key: 'ana' });
    await attempt.fail();
    expect((await failure(attempt.fail())).code).toBe('ARGUMENT_INVALID');
    expect((await failure(attempt.succeed())).code).toBe('ARGUMENT_INVALID');
  });

  it('passes attempts with neither key nor address', async () => {
    const { lockout } = setup({ maxFailures: 1 });
    for (let i = 0; i < 10; i++) await (await lockout.begin({})).fail();
    await expect(lockout.check({})).resolves.toBeUndefined();
  });

  it('counts addresses that do not parse in one shared bucket (fail closed)', async () => {
    const { lockout, failTimes, events } = setup({ perIp: { maxFailures: 3 } });
    await failTimes(1, { ip: 'not-an-ip' });
    await failTimes(1, { ip: '999.1.1.1' });
    await failTimes(1, { ip: '' });
    expect(events.at(-1)).toMatchObject({ type: 'auth.lockout', scope: 'ip', key: 'invalid' });
    expect((await failure(lockout.check({ ip: 'garbage' }))).code).toBe('AUTH_LOCKED_OUT');
    await expect(lockout.check({ ip: '192.0.2.1' })).resolves.toBeUndefined();
  });

  it('ignores addresses with perIp: false', async () => {
    const { lockout, failTimes } = setup({ perIp: false });
    await failTimes(100, { ip: '192.0.2.1' });
    await expect(lockout.check({ ip: '192.0.2.1' })).resolves.toBeUndefined();
  });

  it('uses per-address lock durations when given', async () => {
    const { lockout, failTimes } = setup({
      perIp: { maxFailures: 2, baseLockMs: 600_000, maxLockMs: 600_000 },
    });
    await failTimes(2, { ip: '192.0.2.1' });
    expect((await failure(lockout.check({ ip: '192.0.2.1' }))).retryAfterSec).toBe(600);
  });

  it('emits auth.lockout with the event context', async () => {
    const { lockout, events, clock } = setup({ maxFailures: 1 });
    await (
      await lockout.begin({ key: 'ana' }, { requestId: 'r-9', channel: 'websocket', ip: '192.0.2.1' })
    ).fail();
    expect(events).toEqual([
      {
        type: 'auth.lockout',
        ts: clock.now(),
        requestId: 'r-9',
        channel: 'websocket',
        ip: '192.0.2.1',
        scope: 'user',
        key: 'ana',
        failures: 1,
        retryAfterSec: 60,
      },
    ]);
  });

  it('survives an unreadable lock state without forgetting the key', async () => {
    const { lockout, store, failTimes } = setup({ maxFailures: 2 });
    await store.set('secbot:lockout:u:ana', 'garbage');
    await failTimes(2, { key: 'ana' });
    // the garbage counts as one earlier lock, so this one lasts twice the base
    expect((await failure(lockout.check({ key: 'ana' }))).retryAfterSec).toBe(120);
  });

  it('windows failures: old ones slide out', async () => {
    const { lockout, failTimes, clock } = setup({ maxFailures: 3, windowMs: 60_000 });
    await failTimes(2, { key: 'ana' });
    clock.advance(61_000);
    await failTimes(2, { key: 'ana' });
    await expect(lockout.check({ key: 'ana' })).resolves.toBeUndefined();
    await failTimes(1, { key: 'ana' });
    expect((await failure(lockout.check({ key: 'ana' }))).code).toBe('AUTH_LOCKED_OUT');
  });

  it('validates options with CONFIG_INVALID naming the path', () => {
    const store = createMemoryStore();
    for (const [options, path] of [
      [{}, 'store'],
      [{ store, maxFailures: 0 }, 'maxFailures'],
      [{ store, windowMs: 1.5 }, 'windowMs'],
      [{ store, baseLockMs: 10_000, maxLockMs: 5_000 }, 'baseLockMs'],
      [{ store, backoffResetMs: 60_000 }, 'backoffResetMs'],
      [{ store, perIp: { maxFailures: 0 } }, 'perIp.maxFailures'],
      [{ store, perIp: true }, 'perIp'],
    ] as const) {
      try {
        createLockout(options as never);
        expect.unreachable();
      } catch (error) {
        expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
        expect((error as SecbotError).issues?.map((i) => i.path)).toEqual([path]);
      }
    }
  });
});

describe('ipGroup', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002::1', '2001:db8:1:2::/64'],
    ['[2001:db8:1:2::9]', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::ffff:c000:201', '192.0.2.1'],
    ['::1', '0:0:0:0::/64'],
    ['1::2:3:4:5:6:7', '1:0:2:3::/64'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
  ])('%s -> %s', (ip, group) => {
    expect(ipGroup(ip)).toBe(group);
  });

  it.each([
    '',
    'garbage',
    '1.2.3',
    '01.2.3.4',
    '256.1.1.1',
    '::ffff:1.2.3.4.5',
    '1:2:3:4:5:6:7:8:9',
    'x'.repeat(1000),
  ])('rejects %s', (ip) => {
    expect(ipGroup(ip)).toBeUndefined();
  });

  it('agrees with a reference expansion on random IPv6 addresses (property)', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const group = ipGroup(ip);
        expect(group).toBeDefined();
        // the same /64 written fully expanded groups the same
        const full = expand(ip);
        if (!full.startsWith('0000:0000:0000:0000:0000:ffff:')) {
          expect(ipGroup(`${full.split(':').slice(0, 4).join(':')}:ffff:ffff:ffff:ffff`)).toBe(group);
        }
      }),
      { numRuns: 500 },
    );
  });
});

/** A plain reference: fully expanded IPv6 via URL parsing (WHATWG host serialisation). */
function expand(ip: string): string {
  const host = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const [head = '', tail = ''] = host.includes('::')
    ? host.split('::')
    : [host, undefined as unknown as string];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = host.includes('::') ? [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => g.padStart(4, '0')).join(':');
}
