import { isSecbotError, type SecbotErrorCode, type Store } from '@secbot/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** Time as seen by a store under test. */
export interface SuiteClock {
  /** Move time forward by `ms`: instantly for a frozen clock, by sleeping for a real one. */
  advance(ms: number): Promise<void>;
}

/** What the suite hands a store factory. */
export interface StoreSuiteContext {
  /**
   * Current time in epoch milliseconds. A store that accepts a clock should use it; a store whose
   * clock is a server's (Redis) runs with `realTime: true` and ignores it.
   */
  readonly now: () => number;
}

/** Options of {@link runStoreSuite}. */
export interface StoreSuiteOptions {
  /**
   * The store keeps real time (e.g. a Redis server's TTLs): the suite then sleeps instead of
   * moving a frozen clock, and uses windows long enough to be reliable. Default `false`.
   */
  readonly realTime?: boolean;
}

/**
 * The conformance suite every `Store` implementation (from `@secbot/core`) must pass: the memory store and
 * the Redis store run exactly these tests. Call it at the top level of a vitest test file.
 *
 * @param name - Name of the implementation, shown in the test report.
 * @param makeStore - Creates a fresh, empty store for each test.
 * @param options - Whether the store keeps real time.
 * @example
 * ```ts
 * import { createMemoryStore } from '@secbot/core';
 * import { runStoreSuite } from '@secbot/test-utils';
 *
 * runStoreSuite('memory', ({ now }) => createMemoryStore({ now }));
 * ```
 */
export function runStoreSuite(
  name: string,
  makeStore: (context: StoreSuiteContext) => Store | Promise<Store>,
  options: StoreSuiteOptions = {},
): void {
  const realTime = options.realTime === true;
  // Windows are long enough that a real-time store's scheduling jitter stays well inside them.
  const unit = realTime ? 150 : 1000;

  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    let frozen = Date.UTC(2026, 0, 1);
    const clock: SuiteClock = {
      advance: realTime
        ? (ms) => new Promise((resolve) => setTimeout(resolve, ms))
        : async (ms) => {
            frozen += ms;
          },
    };

    beforeEach(async () => {
      frozen = Date.UTC(2026, 0, 1);
      store = await makeStore({ now: realTime ? Date.now : () => frozen });
    });
    afterEach(async () => {
      await store.close();
    });

    async function expectCode(promise: Promise<unknown>, code: SecbotErrorCode): Promise<void> {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isSecbotError(error, code), `expected SecbotError ${code}, got ${String(error)}`).toBe(true);
    }

    describe('fixed window counters', () => {
      it('counts up from 1 and resets when the window ends', async () => {
        const window = { windowMs: 2 * unit };
        const first = await store.increment('fixed', window);
        expect(first.count).toBe(1);
        expect((await store.increment('fixed', window)).count).toBe(2);
        const third = await store.increment('fixed', window);
        expect(third.count).toBe(3);
        expect(third.resetAt).toBe(first.resetAt);
        await clock.advance(3 * unit);
        expect((await store.increment('fixed', window)).count).toBe(1);
      });

      it('adds `by` and reports when the window resets', async () => {
        const before = Date.now();
        const result = await store.increment('by', { windowMs: 5 * unit, by: 7 });
        expect(result.count).toBe(7);
        if (!realTime) expect(result.resetAt).toBe(Date.UTC(2026, 0, 1) + 5 * unit);
        else expect(result.resetAt).toBeGreaterThanOrEqual(before + 5 * unit - 50);
        expect((await store.increment('by', { windowMs: 5 * unit, by: 3 })).count).toBe(10);
      });

      it('keeps counters of different keys apart', async () => {
        await store.increment('a', { windowMs: unit * 10 });
        await store.increment('a', { windowMs: unit * 10 });
        expect((await store.increment('b', { windowMs: unit * 10 })).count).toBe(1);
      });

      it('loses no update under many parallel increments', async () => {
        const n = 500;
        const results = await Promise.all(
          Array.from({ length: n }, () => store.increment('parallel', { windowMs: unit * 100 })),
        );
        const counts = results.map((r) => r.count).sort((x, y) => x - y);
        expect(counts).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        expect((await store.increment('parallel', { windowMs: unit * 100 })).count).toBe(n + 1);
      });
    });

    describe('sliding window counters', () => {
      it('lets each increment leave the window on its own', async () => {
        const window = { windowMs: 4 * unit, mode: 'sliding' } as const;
        expect((await store.increment('slide', window)).count).toBe(1);
        await clock.advance(2 * unit);
        expect((await store.increment('slide', window)).count).toBe(2);
        await clock.advance(3 * unit);
        // the first increment (5 units ago) has left; the second (3 units ago) has not
        expect((await store.increment('slide', window)).count).toBe(2);
        await clock.advance(5 * unit);
        expect((await store.increment('slide', window)).count).toBe(1);
      });

      it('reports when the oldest increment leaves', async () => {
        const window = { windowMs: 10 * unit, mode: 'sliding' } as const;
        const first = await store.increment('slide-reset', window);
        await clock.advance(unit);
        const second = await store.increment('slide-reset', window);
        expect(second.count).toBe(2);
        expect(second.resetAt).toBe(first.resetAt);
      });

      it('loses no update under many parallel increments', async () => {
        const n = 500;
        const results = await Promise.all(
          Array.from({ length: n }, () =>
            store.increment('slide-par', { windowMs: unit * 100, mode: 'sliding' }),
          ),
        );
        expect(Math.max(...results.map((r) => r.count))).toBe(n);
        expect(new Set(results.map((r) => r.count)).size).toBe(n);
      });
    });

    describe('values', () => {
      it('gets what was set, and nothing for an absent key', async () => {
        expect(await store.get('absent')).toBeUndefined();
        expect(await store.set('k', 'v1')).toBe(true);
        expect(await store.get('k')).toBe('v1');
        expect(await store.set('k', 'v2')).toBe(true);
        expect(await store.get('k')).toBe('v2');
      });

      it('expires a value after its TTL', async () => {
        await store.set('ttl', 'x', { ttlMs: 2 * unit });
        await clock.advance(unit);
        expect(await store.get('ttl')).toBe('x');
        await clock.advance(2 * unit);
        expect(await store.get('ttl')).toBeUndefined();
      });

      it('writes with ifNotExists only when no live value exists', async () => {
        expect(await store.set('claim', 'first', { ifNotExists: true, ttlMs: 2 * unit })).toBe(true);
        expect(await store.set('claim', 'second', { ifNotExists: true })).toBe(false);
        expect(await store.get('claim')).toBe('first');
        await clock.advance(3 * unit);
        expect(await store.set('claim', 'third', { ifNotExists: true })).toBe(true);
        expect(await store.get('claim')).toBe('third');
      });

      it('lets exactly one of many parallel ifNotExists claims win', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.set('race', String(i), { ifNotExists: true })),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('deletes a value and says whether it existed', async () => {
        await store.set('del', 'x');
        expect(await store.delete('del')).toBe(true);
        expect(await store.get('del')).toBeUndefined();
        expect(await store.delete('del')).toBe(false);
      });

      it('round-trips unicode, NUL and newlines exactly', async () => {
        const value = 'naïve 日本 \u0000 line\nbreak \u{1F512} "quoted" \\ end';
        await store.set('unicode', value);
        expect(await store.get('unicode')).toBe(value);
      });

      it('treats hostile key names as ordinary keys', async () => {
        for (const key of [
          '__proto__',
          'constructor',
          'prototype',
          'toString',
          'hasOwnProperty',
          '*',
          'a:b:*',
          '\u0000',
        ]) {
          expect(await store.get(key)).toBeUndefined();
          await store.set(key, `v-${key}`);
          expect(await store.get(key)).toBe(`v-${key}`);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });
    });

    describe('sets', () => {
      it('adds, finds, counts and removes members', async () => {
        expect(await store.setSize('s')).toBe(0);
        expect(await store.setAdd('s', 'a')).toBe(true);
        expect(await store.setAdd('s', 'a')).toBe(false);
        expect(await store.setAdd('s', 'b')).toBe(true);
        expect(await store.setHas('s', 'a')).toBe(true);
        expect(await store.setHas('s', 'zzz')).toBe(false);
        expect(await store.setSize('s')).toBe(2);
        expect(await store.setRemove('s', 'a')).toBe(true);
        expect(await store.setRemove('s', 'a')).toBe(false);
        expect(await store.setHas('s', 'a')).toBe(false);
        expect(await store.setSize('s')).toBe(1);
      });

      it('expires the whole set after its TTL, refreshed by each add', async () => {
        await store.setAdd('ttl-set', 'a', { ttlMs: 3 * unit });
        await clock.advance(2 * unit);
        await store.setAdd('ttl-set', 'b', { ttlMs: 3 * unit });
        await clock.advance(2 * unit);
        expect(await store.setHas('ttl-set', 'a')).toBe(true);
        await clock.advance(2 * unit);
        expect(await store.setHas('ttl-set', 'b')).toBe(false);
        expect(await store.setSize('ttl-set')).toBe(0);
      });

      it('counts each member once under parallel adds', async () => {
        const members = Array.from({ length: 200 }, (_, i) => `m${i % 100}`);
        const added = await Promise.all(members.map((m) => store.setAdd('par-set', m)));
        expect(added.filter(Boolean)).toHaveLength(100);
        expect(await store.setSize('par-set')).toBe(100);
      });
    });

    describe('one key space', () => {
      it('refuses to use a key as another kind than it holds', async () => {
        await store.set('kind', 'v');
        await expectCode(store.increment('kind', { windowMs: unit }), 'STORE_KEY_CONFLICT');
        await expectCode(store.setAdd('kind', 'm'), 'STORE_KEY_CONFLICT');
        await store.increment('counter', { windowMs: 10 * unit });
        await expectCode(store.get('counter'), 'STORE_KEY_CONFLICT');
        await expectCode(
          store.increment('counter', { windowMs: 10 * unit, mode: 'sliding' }),
          'STORE_KEY_CONFLICT',
        );
      });

      it('delete removes counters and sets too, so a counter can be reset', async () => {
        await store.increment('reset-me', { windowMs: 10 * unit });
        await store.increment('reset-me', { windowMs: 10 * unit });
        expect(await store.delete('reset-me')).toBe(true);
        expect((await store.increment('reset-me', { windowMs: 10 * unit })).count).toBe(1);
        await store.setAdd('set-del', 'a');
        expect(await store.delete('set-del')).toBe(true);
        expect(await store.setSize('set-del')).toBe(0);
      });
    });

    describe('bad arguments', () => {
      it('refuses empty, non-string and over-long keys', async () => {
        await expectCode(store.get(''), 'ARGUMENT_INVALID');
        await expectCode(store.get(42 as unknown as string), 'ARGUMENT_INVALID');
        await expectCode(store.set('x'.repeat(513), 'v'), 'ARGUMENT_INVALID');
        await expectCode(store.setAdd('s', 'm'.repeat(513)), 'ARGUMENT_INVALID');
      });

      it('refuses bad windows, amounts and TTLs', async () => {
        for (const windowMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expectCode(store.increment('w', { windowMs }), 'ARGUMENT_INVALID');
        }
        for (const by of [0, -3, 0.5, Number.NaN]) {
          await expectCode(store.increment('w', { windowMs: unit, by }), 'ARGUMENT_INVALID');
        }
        await expectCode(
          store.increment('w', { windowMs: unit, mode: 'tumbling' as 'fixed' }),
          'ARGUMENT_INVALID',
        );
        await expectCode(store.set('t', 'v', { ttlMs: 0 }), 'ARGUMENT_INVALID');
        await expectCode(store.set('t', 'v', { ttlMs: -5 }), 'ARGUMENT_INVALID');
        await expectCode(store.setAdd('t2', 'm', { ttlMs: Number.NaN }), 'ARGUMENT_INVALID');
      });

      it('refuses non-string and oversized values', async () => {
        await expectCode(store.set('v', { toString: () => 'x' } as unknown as string), 'ARGUMENT_INVALID');
        await expectCode(store.set('v', 'x'.repeat(65_537)), 'ARGUMENT_INVALID');
        expect(await store.get('v')).toBeUndefined();
      });
    });
  });
}
