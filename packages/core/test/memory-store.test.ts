import { createManualClock, runStoreSuite } from '@secbot/test-utils';
import { describe, expect, it } from 'vitest';
import { createMemoryStore, isSecbotError } from '../src/index.js';

runStoreSuite('memory', ({ now }) => createMemoryStore({ now }));

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return isSecbotError(error) ? error.code : String(error);
}

describe('memory store: exact time boundaries with a frozen clock', () => {
  it('expires a value exactly at set time + TTL, not a millisecond earlier', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ now: clock.now });
    await store.set('k', 'v', { ttlMs: 1000 });
    clock.advance(999);
    expect(await store.get('k')).toBe('v');
    clock.advance(1);
    expect(await store.get('k')).toBeUndefined();
  });

  it('counts a sliding increment for exactly windowMs', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ now: clock.now });
    const window = { windowMs: 1000, mode: 'sliding' } as const;
    await store.increment('s', window);
    clock.advance(999);
    expect((await store.increment('s', window)).count).toBe(2);
    clock.advance(1);
    const result = await store.increment('s', window);
    expect(result.count).toBe(2);
    expect(result.resetAt).toBe(clock.now() - 1 + 1000);
  });

  it('resets a fixed window exactly at its end', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ now: clock.now });
    await store.increment('f', { windowMs: 1000 });
    clock.advance(999);
    expect((await store.increment('f', { windowMs: 1000 })).count).toBe(2);
    clock.advance(1);
    expect((await store.increment('f', { windowMs: 1000 })).count).toBe(1);
  });

  it('treats a clock that jumps backwards without crashing or losing counts', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ now: clock.now });
    const window = { windowMs: 10_000, mode: 'sliding' } as const;
    await store.increment('jump', window);
    clock.advance(-60_000);
    expect((await store.increment('jump', window)).count).toBe(2);
    clock.advance(60_000);
    expect((await store.increment('jump', window)).count).toBe(3);
  });
});

describe('memory store: bounded memory', () => {
  it('holds at most maxKeys under a flood of unique keys, evicting the least recently written', async () => {
    const store = createMemoryStore({ maxKeys: 100 });
    await store.set('victim-lockout', 'locked', { ttlMs: 60_000 });
    for (let i = 0; i < 10_000; i++) {
      await store.increment(`flood:${i}`, { windowMs: 60_000 });
      // a key that keeps being written stays; the flood evicts only colder keys
      if (i % 50 === 0) await store.increment('hot', { windowMs: 600_000 });
    }
    const { keys, evictions } = store.stats();
    expect(keys).toBeLessThanOrEqual(100);
    expect(evictions).toBeGreaterThanOrEqual(10_000 - 100);
    expect((await store.increment('hot', { windowMs: 600_000 })).count).toBe(201);
    expect(await store.get('victim-lockout')).toBeUndefined();
  });

  it('evicts expired keys without counting them as evictions', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ maxKeys: 10, now: clock.now });
    for (let i = 0; i < 10; i++) await store.set(`old${i}`, 'v', { ttlMs: 10 });
    clock.advance(20);
    for (let i = 0; i < 10; i++) await store.set(`new${i}`, 'v');
    expect(store.stats()).toEqual({ keys: 10, evictions: 0 });
  });

  it('caps the members of one set, dropping the oldest', async () => {
    const store = createMemoryStore({ maxSetMembers: 3 });
    for (const member of ['a', 'b', 'c', 'd']) await store.setAdd('s', member);
    expect(await store.setSize('s')).toBe(3);
    expect(await store.setHas('s', 'a')).toBe(false);
    expect(await store.setHas('s', 'd')).toBe(true);
  });

  it('bounds a sliding counter to maxSlidingEntries buckets, over-counting by at most one bucket', async () => {
    const clock = createManualClock();
    const capped = createMemoryStore({ now: clock.now, maxSlidingEntries: 4 });
    const exact = createMemoryStore({ now: clock.now });
    const window = { windowMs: 100, mode: 'sliding' } as const;
    // with 4 buckets over 100 ms, a bucket is 25 ms: the capped count lies between the exact
    // count over 100 ms and the exact count over 125 ms, however long traffic goes on
    for (let step = 0; step < 2000; step++) {
      clock.advance(step % 3 === 0 ? 7 : 3);
      const a = await capped.increment('k', window);
      const b = await exact.increment('k', window);
      const wider = await exact.increment('wide', { windowMs: 125, mode: 'sliding' });
      expect(a.count).toBeGreaterThanOrEqual(b.count);
      expect(a.count).toBeLessThanOrEqual(wider.count);
    }
  });
});

describe('memory store: misuse', () => {
  it('refuses bad options at creation with CONFIG_INVALID naming the option', () => {
    for (const options of [{ maxKeys: 0 }, { maxKeys: 1.5 }, { now: 'yesterday' }, { maxKeyz: 5 }]) {
      try {
        createMemoryStore(options as never);
        expect.unreachable();
      } catch (error) {
        expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
        const path = Object.keys(options)[0] ?? '';
        expect((error as Error).message).toContain(path === 'maxKeyz' ? 'maxKeyz' : path);
      }
    }
  });

  it('is unusable after close()', async () => {
    const store = createMemoryStore();
    await store.set('k', 'v');
    await store.close();
    expect(await codeOf(store.get('k'))).toBe('STORE_UNAVAILABLE');
    expect(await codeOf(store.increment('k', { windowMs: 1 }))).toBe('STORE_UNAVAILABLE');
  });
});
