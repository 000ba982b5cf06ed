import { randomBytes } from 'node:crypto';
import { createEventBus, isSecbotError } from '@secbot/core';
import { createEnvelope, localKeyProvider, memoryKeyringStore } from '@secbot/crypto';
import { createManualClock, secbotRejection } from '@secbot/test-utils';
import { describe, expect, it } from 'vitest';
import { createPseudonymizer } from '../../src/vault/pseudonymizer.js';
import { createVault } from '../../src/vault/vault.js';
import type { PseudonymVault } from '../../src/vault/vault-types.js';
import { findIn, recordingStore, setup } from './setup.js';

const c1 = { conversationId: 'conv-1' };
const c2 = { conversationId: 'conv-2' };
const hour = 60 * 60 * 1000;

function fixture(
  options: {
    ttlMs?: number;
    maxValuesPerConversation?: number;
    maxValueLength?: number;
    cacheSize?: number;
  } = {},
) {
  const { clock, envelope, store } = setup();
  const vault = createVault({ envelope, store, now: clock.now, ...options });
  return { clock, envelope, store, vault, pseudonymizer: createPseudonymizer({ vault }) };
}

const pseudonymize = (p: ReturnType<typeof createPseudonymizer>, text: string, scope = c1) =>
  p.pseudonymize(text, findIn(text), scope);

describe('pseudonymize and restore', () => {
  it('replaces each distinct value with a stable numbered placeholder and restores the reply', async () => {
    const { pseudonymizer } = fixture();
    const text = 'Mail ann@x.test or bob@y.test — ann@x.test again, call +441234567890 ✓';
    const out = await pseudonymize(pseudonymizer, text);
    expect(out).toEqual({
      text: 'Mail <EMAIL_1> or <EMAIL_2> — <EMAIL_1> again, call <PHONE_1> ✓',
      placeholders: ['<EMAIL_1>', '<EMAIL_2>', '<PHONE_1>'],
      unvaulted: 0,
      escaped: 0,
    });
    const reply = await pseudonymizer.restore('Writing to <EMAIL_2> and <EMAIL_1>; <PHONE_1>.', c1);
    expect(reply).toEqual({
      text: 'Writing to bob@y.test and ann@x.test; +441234567890.',
      restored: 3,
      unresolved: [],
      limited: false,
    });
    expect((await pseudonymizer.restore(out.text, c1)).text).toBe(text);
  });

  it('keeps placeholders stable across calls and numbers new values on', async () => {
    const { pseudonymizer } = fixture();
    await pseudonymize(pseudonymizer, 'ann@x.test');
    const second = await pseudonymize(pseudonymizer, 'cc carl@z.test, ann@x.test');
    expect(second.text).toBe('cc <EMAIL_2>, <EMAIL_1>');
  });

  it('handles empty findings and empty text', async () => {
    const { pseudonymizer } = fixture();
    expect((await pseudonymizer.pseudonymize('nothing here', [], c1)).text).toBe('nothing here');
    expect((await pseudonymizer.pseudonymize('', [], c1)).text).toBe('');
    expect((await pseudonymizer.restore('', c1)).text).toBe('');
  });

  it('never writes a value, or an unkeyed hash of it, to the store', async () => {
    const { pseudonymizer, store } = fixture();
    await pseudonymize(pseudonymizer, 'ann@x.test +441234567890');
    const everything = [...store.writes].flat().join('\n');
    expect(store.writes.size).toBeGreaterThan(0);
    expect(everything).not.toContain('ann@x.test');
    expect(everything).not.toContain('441234567890');
  });
});

describe('isolation', () => {
  it('never restores another conversation or tenant value', async () => {
    const { pseudonymizer } = fixture();
    await pseudonymize(pseudonymizer, 'ann@x.test', c1);
    await pseudonymize(pseudonymizer, 'zed@q.test', c2);
    expect((await pseudonymizer.restore('<EMAIL_1>', c2)).text).toBe('zed@q.test');
    expect((await pseudonymizer.restore('<EMAIL_1>', c1)).text).toBe('ann@x.test');
    const other = await pseudonymizer.restore('<EMAIL_1>', { conversationId: 'conv-3' });
    expect(other).toMatchObject({
      text: '<EMAIL_1>',
      unresolved: [{ placeholder: '<EMAIL_1>', reason: 'missing' }],
    });
    const tenant = await pseudonymizer.restore('<EMAIL_1>', { ...c1, tenant: 'other' });
    expect(tenant.text).toBe('<EMAIL_1>');
  });

  it('keeps conversation ids that look like key structure apart', async () => {
    const { pseudonymizer } = fixture();
    await pseudonymize(pseudonymizer, 'ann@x.test', { conversationId: 'a' });
    expect((await pseudonymizer.restore('<EMAIL_1>', { conversationId: 'a:p:<EMAIL_1>' })).restored).toBe(0);
    expect(
      (await pseudonymizer.restore('<EMAIL_1>', { conversationId: 'a', tenant: 'default1.a' })).restored,
    ).toBe(0);
  });
});

describe('expiry', () => {
  it('stops restoring after ttlMs and gives the value a fresh placeholder afterwards', async () => {
    const { pseudonymizer, clock } = fixture({ ttlMs: hour });
    await pseudonymize(pseudonymizer, 'ann@x.test bob@y.test');
    clock.advance(hour - 1);
    expect((await pseudonymizer.restore('<EMAIL_2>', c1)).text).toBe('bob@y.test');
    clock.advance(1);
    const expired = await pseudonymizer.restore('<EMAIL_1> <EMAIL_2>', c1);
    expect(expired.text).toBe('<EMAIL_1> <EMAIL_2>');
    expect(expired.unresolved.map((u) => u.reason)).toEqual(['missing', 'missing']);
    expect((await pseudonymize(pseudonymizer, 'bob@y.test')).text).toBe('<EMAIL_1>');
    expect((await pseudonymizer.restore('<EMAIL_1>', c1)).text).toBe('bob@y.test');
  });
});

describe('tampered vault entries', () => {
  const keyOf = (writes: Map<string, string>, suffix: string, conversation = 'conv-1'): string => {
    const key = [...writes.keys()].find((k) => k.includes(`.${conversation}:`) && k.endsWith(suffix));
    if (key === undefined) throw new Error(`no key ending ${suffix}`);
    return key;
  };

  it('leaves a modified, moved or swapped entry unrestored, with its code', async () => {
    const { pseudonymizer, store } = fixture({ cacheSize: 0 });
    await pseudonymize(pseudonymizer, 'ann@x.test bob@y.test +441234567890');
    await pseudonymize(pseudonymizer, 'zed@q.test', c2);
    const sealed1 = store.writes.get(keyOf(store.writes, 'p:<EMAIL_1>')) as string;
    const sealed2 = store.writes.get(keyOf(store.writes, 'p:<EMAIL_2>')) as string;
    const flipped = sealed1.slice(0, -3) + (sealed1.at(-3) === 'A' ? 'B' : 'A') + sealed1.slice(-2);
    await store.set(keyOf(store.writes, 'p:<EMAIL_1>'), flipped);
    await store.set(keyOf(store.writes, 'p:<EMAIL_2>'), sealed1 ?? '');
    await store.set(keyOf(store.writes, 'p:<PHONE_1>'), 'not an envelope at all');
    await store.set(keyOf(store.writes, 'p:<EMAIL_1>', 'conv-2'), sealed2);
    const out = await pseudonymizer.restore('<EMAIL_1> <EMAIL_2> <PHONE_1>', c1);
    expect(out.text).toBe('<EMAIL_1> <EMAIL_2> <PHONE_1>');
    expect(out.unresolved).toEqual([
      { placeholder: '<EMAIL_1>', reason: 'unopenable', code: 'CRYPTO_DECRYPT_FAILED' },
      { placeholder: '<EMAIL_2>', reason: 'unopenable', code: 'CRYPTO_DECRYPT_FAILED' },
      { placeholder: '<PHONE_1>', reason: 'unopenable', code: 'CRYPTO_DECRYPT_FAILED' },
    ]);
    expect((await pseudonymizer.restore('<EMAIL_1>', c2)).unresolved[0]).toMatchObject({
      reason: 'unopenable',
    });
  });

  it('reports CRYPTO_KEY_DESTROYED after a conversation is crypto-shredded', async () => {
    const { envelope, store } = setup('conversation');
    const pseudonymizer = createPseudonymizer({ vault: createVault({ envelope, store, cacheSize: 0 }) });
    const u1 = { ...c1, user: 'ann' };
    const u2 = { ...c2, user: 'ann' };
    await pseudonymize(pseudonymizer, 'ann@x.test', u1);
    await pseudonymize(pseudonymizer, 'zed@q.test', u2);
    await envelope.destroy({ tenant: 'default', user: 'ann', conversation: 'conv-1' });
    expect((await pseudonymizer.restore('<EMAIL_1>', u1)).unresolved).toEqual([
      { placeholder: '<EMAIL_1>', reason: 'unopenable', code: 'CRYPTO_KEY_DESTROYED' },
    ]);
    expect((await pseudonymizer.restore('<EMAIL_1>', u2)).text).toBe('zed@q.test');
    // The user is bound to the sealed value: another user of the conversation cannot open it.
    expect((await pseudonymizer.restore('<EMAIL_1>', { ...u2, user: 'bob' })).restored).toBe(0);
    const refused = await secbotRejection(pseudonymize(pseudonymizer, 'new@x.test', u1));
    expect(refused.code).toBe('CRYPTO_KEY_DESTROYED');
  });
});

describe('crypto-shredding and the cache', () => {
  it('with the bus, a destroyed key empties the cache: nothing shredded is restored from memory', async () => {
    const clock = createManualClock();
    const bus = createEventBus({ now: clock.now });
    const envelope = createEnvelope({
      keyProvider: localKeyProvider({ keys: [{ id: 'kek-test', key: randomBytes(32) }] }),
      keyStore: memoryKeyringStore(),
      keyScope: 'conversation',
      now: clock.now,
      bus,
    });
    const pseudonymizer = createPseudonymizer({ vault: createVault({ envelope, bus, now: clock.now }) });
    const scope = { ...c1, user: 'ann' };
    await pseudonymize(pseudonymizer, 'ann@x.test', scope);
    expect((await pseudonymizer.restore('<EMAIL_1>', scope)).text).toBe('ann@x.test'); // warm cache
    await envelope.destroy({ tenant: 'default', user: 'ann', conversation: 'conv-1' });
    expect((await pseudonymizer.restore('<EMAIL_1>', scope)).unresolved).toEqual([
      { placeholder: '<EMAIL_1>', reason: 'unopenable', code: 'CRYPTO_KEY_DESTROYED' },
    ]);
  });
});

describe('the in-process cache', () => {
  it('serves warm values without the store, trusts them for cacheTtlMs only, never past expiry', async () => {
    const { clock, envelope, store } = setup();
    const vault = createVault({ envelope, store, now: clock.now, cacheTtlMs: 1000, ttlMs: 5000 });
    const pseudonymizer = createPseudonymizer({ vault });
    await pseudonymize(pseudonymizer, 'ann@x.test');
    const key = [...store.writes.keys()].find((k) => k.endsWith('p:<EMAIL_1>')) as string;
    await store.set(key, 'tampered');
    expect((await pseudonymizer.restore('<EMAIL_1>', c1)).text).toBe('ann@x.test');
    expect((await pseudonymizer.restore('<EMAIL_1>', { ...c1, user: 'bob' })).restored).toBe(0);
    clock.advance(1000);
    expect((await pseudonymizer.restore('<EMAIL_1>', c1)).unresolved).toEqual([
      { placeholder: '<EMAIL_1>', reason: 'unopenable', code: 'CRYPTO_DECRYPT_FAILED' },
    ]);
  });

  it('refuses a value past the expiry sealed with it, even when the store still has it', async () => {
    const { clock, envelope } = setup();
    const forgetful = recordingStore(() => 0); // a store whose clock never moves: nothing expires
    const vault = createVault({ envelope, store: forgetful, now: clock.now, ttlMs: 5000 });
    const other = createVault({ envelope, store: forgetful, now: clock.now, ttlMs: 5000 });
    await vault.assign(c1, [{ type: 'EMAIL', value: 'ann@x.test' }]);
    expect(await other.reveal(c1, ['<EMAIL_1>'])).toEqual([{ ok: true, value: 'ann@x.test' }]);
    clock.advance(5000);
    expect(await other.reveal(c1, ['<EMAIL_1>'])).toEqual([{ ok: false, reason: 'missing' }]);
    expect(await vault.reveal(c1, ['<EMAIL_1>'])).toEqual([{ ok: false, reason: 'missing' }]);
  });
});

describe('hostile placeholders', () => {
  it('escapes placeholder-shaped text the user typed, so the model never sees a fake one', async () => {
    const { pseudonymizer } = fixture();
    await pseudonymize(pseudonymizer, 'ann@x.test');
    const typed = 'show me <EMAIL_1> and <SECRET_9>, mine is bob@y.test';
    const out = await pseudonymize(pseudonymizer, typed);
    expect(out.text).toBe('show me ‹EMAIL_1› and ‹SECRET_9›, mine is <EMAIL_2>');
    expect(out.escaped).toBe(2);
    expect((await pseudonymizer.restore(out.text, c1)).text).toBe(
      'show me ‹EMAIL_1› and ‹SECRET_9›, mine is bob@y.test',
    );
    const raw = createPseudonymizer({
      vault: createVault({ envelope: setup().envelope }),
      escapeLookalikes: false,
    });
    expect((await raw.pseudonymize('<EMAIL_1>', [], c1)).text).toBe('<EMAIL_1>');
  });

  it('does not expand a restored value that itself looks like a placeholder', async () => {
    const { pseudonymizer } = fixture();
    const text = 'ids <EMAIL_2> x';
    const finding = { type: 'CUSTOM_ID', start: 4, end: 13, confidence: 1, detector: 'test' };
    await pseudonymize(pseudonymizer, 'bob@y.test ann@x.test');
    const out = await pseudonymizer.pseudonymize(text, [finding], c1);
    expect(out.text).toBe('ids <CUSTOM_ID_1> x');
    expect((await pseudonymizer.restore(out.text, c1)).text).toBe('ids <EMAIL_2> x');
  });

  it('looks a repeated placeholder up once and caps the restored length', async () => {
    const { envelope, store } = setup();
    const vault = createVault({ envelope, store });
    let reveals = 0;
    const counting: PseudonymVault = {
      assign: (...args) => vault.assign(...args),
      reveal: (...args) => {
        reveals += args[1].length;
        return vault.reveal(...args);
      },
    };
    const pseudonymizer = createPseudonymizer({ vault: counting, maxRestoredLength: 50_000 });
    const long = `${'a'.repeat(60)}@x.test`;
    await pseudonymize(pseudonymizer, long);
    const reply = '<EMAIL_1> '.repeat(2000);
    const out = await pseudonymizer.restore(reply, c1);
    expect(reveals).toBe(1);
    expect(out.limited).toBe(true);
    expect(out.restored).toBe(Math.floor((50_000 - reply.length) / (long.length - '<EMAIL_1>'.length)));
    expect(out.text.length).toBeLessThanOrEqual(50_000);
    expect(out.text.startsWith(`${long} ${long} `)).toBe(true);
    expect(out.text.endsWith('<EMAIL_1> ')).toBe(true);
  });

  it('bounds distinct lookups and reports the rest as limit', async () => {
    const { envelope, store } = setup();
    const pseudonymizer = createPseudonymizer({ vault: createVault({ envelope, store }), maxLookups: 5 });
    const reply = Array.from({ length: 5000 }, (_, i) => `<X_${i + 1}>`).join('');
    const started = performance.now();
    const out = await pseudonymizer.restore(reply, c1);
    expect(performance.now() - started).toBeLessThan(500);
    expect(out.text).toBe(reply);
    expect(out.unresolved.filter((u) => u.reason === 'missing')).toHaveLength(5);
    expect(out.unresolved.filter((u) => u.reason === 'limit')).toHaveLength(5);
  });

  it('scans 100 KB of near-placeholders in linear time', async () => {
    const { pseudonymizer } = fixture();
    for (const hostile of ['<A_1'.repeat(25_000), `<${'A'.repeat(100_000)}`, '<A_<'.repeat(25_000)]) {
      const started = performance.now();
      await pseudonymizer.restore(hostile, c1);
      await pseudonymizer.pseudonymize(hostile, [], c1);
      expect(performance.now() - started).toBeLessThan(50);
    }
  });
});

describe('bounds and misuse', () => {
  it('redacts for good what the vault will not hold: past the per-conversation cap, or too long', async () => {
    const { pseudonymizer } = fixture({ maxValuesPerConversation: 2, maxValueLength: 30 });
    const out = await pseudonymize(pseudonymizer, 'a@x.test b@x.test c@x.test a@x.test');
    expect(out).toMatchObject({ text: '<EMAIL_1> <EMAIL_2> [EMAIL] <EMAIL_1>', unvaulted: 1 });
    const { pseudonymizer: short } = fixture({ maxValueLength: 10 });
    expect((await pseudonymize(short, 'longer-than-ten@x.test')).text).toBe('[EMAIL]');
    expect((await pseudonymize(pseudonymizer, 'a@x.test', c2)).text).toBe('<EMAIL_1>');
  });

  it('skips a placeholder already claimed in the store', async () => {
    const { envelope, store } = setup();
    const vault = createVault({ envelope, store, prefix: 'v:' });
    await store.set('v:7.default6.conv-1:p:<EMAIL_1>', 'squatter');
    expect(await vault.assign(c1, [{ type: 'EMAIL', value: 'ann@x.test' }])).toEqual(['<EMAIL_2>']);
  });

  it('gives one placeholder per value across processes sharing a store and index key', async () => {
    const { envelope, store } = setup();
    const indexKey = randomBytes(32);
    const one = createVault({ envelope, store, indexKey });
    const two = createVault({ envelope, store, indexKey });
    expect(await one.assign(c1, [{ type: 'EMAIL', value: 'ann@x.test' }])).toEqual(['<EMAIL_1>']);
    expect(await two.assign(c1, [{ type: 'EMAIL', value: 'ann@x.test' }])).toEqual(['<EMAIL_1>']);
    const concurrent = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? one : two).assign(c1, [{ type: 'EMAIL', value: `u${i}@x.test` }]),
      ),
    );
    expect(new Set(concurrent.flat()).size).toBe(20);
    expect(concurrent.flat()).not.toContain(undefined);
  });

  it('refuses bad conversation ids, types and spans', async () => {
    const { pseudonymizer, vault } = fixture();
    const codes = await Promise.all([
      secbotRejection(pseudonymize(pseudonymizer, 'ann@x.test', { conversationId: '' })),
      secbotRejection(pseudonymize(pseudonymizer, 'ann@x.test', { conversationId: 'x'.repeat(129) })),
      secbotRejection(vault.assign(c1, [{ type: 'email', value: 'ann@x.test' }])),
      secbotRejection(vault.assign(c1, [{ type: 'EMAIL; DROP', value: 'ann@x.test' }])),
      secbotRejection(pseudonymizer.restore('<EMAIL_1>', { conversationId: 42 as never })),
      secbotRejection(
        pseudonymizer.pseudonymize(
          'abc',
          [{ type: 'X', start: 1, end: 9, confidence: 1, detector: 'd' }],
          c1,
        ),
      ),
    ]);
    expect(codes.map((e) => e.code)).toEqual(Array(6).fill('ARGUMENT_INVALID'));
  });

  it('refuses bad options at construction', () => {
    const { envelope } = setup();
    const bad = [
      () => createVault({} as never),
      () => createVault({ envelope, ttlMs: 0 }),
      () => createVault({ envelope, indexKey: 'short' }),
      () => createVault({ envelope, store: {} as never }),
      () => createPseudonymizer({ vault: {} as never }),
      () => createPseudonymizer({ vault: createVault({ envelope }), maxLookups: 0 }),
    ];
    for (const make of bad) {
      let code: string | undefined;
      try {
        make();
      } catch (error) {
        code = isSecbotError(error) ? error.code : 'other';
      }
      expect(code).toBe('CONFIG_INVALID');
    }
  });
});
