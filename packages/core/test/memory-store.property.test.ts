import { createManualClock } from '@secbot/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryStore, isSecbotError } from '../src/index.js';

// The reference model: the Store contract written as plainly as possible, with no caps.
type ModelEntry =
  | { kind: 'value'; value: string; expiresAt: number }
  | { kind: 'fixed'; count: number; expiresAt: number }
  | { kind: 'sliding'; hits: { at: number; by: number }[]; expiresAt: number }
  | { kind: 'set'; members: Set<string>; expiresAt: number };

class Model {
  private readonly entries = new Map<string, ModelEntry>();

  private live(key: string, now: number): ModelEntry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private of<K extends ModelEntry['kind']>(
    key: string,
    now: number,
    kind: K,
  ): Extract<ModelEntry, { kind: K }> | undefined {
    const entry = this.live(key, now);
    if (entry && entry.kind !== kind) throw new Error('STORE_KEY_CONFLICT');
    return entry as Extract<ModelEntry, { kind: K }> | undefined;
  }

  apply(op: Op, now: number): unknown {
    switch (op.t) {
      case 'inc': {
        if (op.mode === 'fixed') {
          const entry = this.of(op.key, now, 'fixed') ?? {
            kind: 'fixed',
            count: 0,
            expiresAt: now + op.windowMs,
          };
          entry.count += op.by;
          this.entries.set(op.key, entry);
          return { count: entry.count, resetAt: entry.expiresAt };
        }
        const entry = this.of(op.key, now, 'sliding') ?? { kind: 'sliding', hits: [], expiresAt: 0 };
        entry.hits = entry.hits.filter((hit) => hit.at > now - op.windowMs);
        entry.hits.push({ at: now, by: op.by });
        entry.expiresAt = now + op.windowMs;
        this.entries.set(op.key, entry);
        const count = entry.hits.reduce((sum, hit) => sum + hit.by, 0);
        return { count, resetAt: (entry.hits[0]?.at ?? now) + op.windowMs };
      }
      case 'get':
        return this.of(op.key, now, 'value')?.value;
      case 'set': {
        const current = this.of(op.key, now, 'value');
        if (op.nx && current) return false;
        this.entries.set(op.key, {
          kind: 'value',
          value: op.value,
          expiresAt: op.ttl ? now + op.ttl : Infinity,
        });
        return true;
      }
      case 'del': {
        const existed = this.live(op.key, now) !== undefined;
        this.entries.delete(op.key);
        return existed;
      }
      case 'sadd': {
        const entry = this.of(op.key, now, 'set') ?? { kind: 'set', members: new Set(), expiresAt: Infinity };
        if (op.ttl) entry.expiresAt = now + op.ttl;
        const added = !entry.members.has(op.member);
        entry.members.add(op.member);
        this.entries.set(op.key, entry);
        return added;
      }
      case 'shas':
        return this.of(op.key, now, 'set')?.members.has(op.member) ?? false;
      case 'srem': {
        const entry = this.of(op.key, now, 'set');
        if (!entry?.members.delete(op.member)) return false;
        if (entry.members.size === 0) this.entries.delete(op.key);
        return true;
      }
      case 'ssize':
        return this.of(op.key, now, 'set')?.members.size ?? 0;
      case 'tick':
        return undefined;
    }
  }
}

type Op =
  | { t: 'inc'; key: string; windowMs: number; mode: 'fixed' | 'sliding'; by: number }
  | { t: 'get'; key: string }
  | { t: 'set'; key: string; value: string; ttl: number | undefined; nx: boolean }
  | { t: 'del'; key: string }
  | { t: 'sadd'; key: string; member: string; ttl: number | undefined }
  | { t: 'shas'; key: string; member: string }
  | { t: 'srem'; key: string; member: string }
  | { t: 'ssize'; key: string }
  | { t: 'tick'; ms: number };

const key = fc.constantFrom('a', 'b', '__proto__', 'constructor');
const member = fc.constantFrom('x', 'y', 'z');
// Durations and ticks come from small sets, so that times often land exactly on a window or TTL
// boundary: off-by-one errors there are the ones worth finding.
const duration = fc.oneof(fc.constantFrom(5, 10, 20), fc.integer({ min: 1, max: 40 }));
const ttl = fc.option(duration, { nil: undefined });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('inc' as const),
      key,
      windowMs: duration,
      mode: fc.constantFrom('fixed' as const, 'sliding' as const),
      by: fc.integer({ min: 1, max: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('get' as const), key }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('set' as const),
      key,
      value: fc.string({ maxLength: 8 }),
      ttl,
      nx: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('del' as const), key }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('sadd' as const), key, member, ttl }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('shas' as const), key, member }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('srem' as const), key, member }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('ssize' as const), key }) },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('tick' as const),
      ms: fc.oneof(fc.constantFrom(0, 1, 5, 10), fc.integer({ min: 0, max: 30 })),
    }),
  },
);

async function run(store: ReturnType<typeof createMemoryStore>, o: Op): Promise<unknown> {
  switch (o.t) {
    case 'inc':
      return store.increment(o.key, { windowMs: o.windowMs, mode: o.mode, by: o.by });
    case 'get':
      return store.get(o.key);
    case 'set':
      return store.set(o.key, o.value, { ...(o.ttl ? { ttlMs: o.ttl } : {}), ifNotExists: o.nx });
    case 'del':
      return store.delete(o.key);
    case 'sadd':
      return store.setAdd(o.key, o.member, o.ttl ? { ttlMs: o.ttl } : {});
    case 'shas':
      return store.setHas(o.key, o.member);
    case 'srem':
      return store.setRemove(o.key, o.member);
    case 'ssize':
      return store.setSize(o.key);
    case 'tick':
      return undefined;
  }
}

describe('memory store against a reference model (fast-check)', () => {
  it('answers every operation exactly as the model does, under a frozen clock', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 120 }), async (ops) => {
        const clock = createManualClock();
        const store = createMemoryStore({ now: clock.now });
        const model = new Model();
        for (const o of ops) {
          if (o.t === 'tick') clock.advance(o.ms);
          let expected: unknown;
          try {
            expected = model.apply(o, clock.now());
          } catch (error) {
            expected = (error as Error).message;
          }
          const actual = await run(store, o).catch((error: unknown) =>
            isSecbotError(error) ? error.code : error,
          );
          expect(actual).toEqual(expected);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
