import { createMemoryStore, isSecbotError, SecbotError } from '@secbot/core';
import { createManualClock } from '@secbot/test-utils';
import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { generateTotpSecret, type VerifyTotpInput, verifyTotp } from '../src/totp.js';

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SecbotError) return error.code;
    throw error;
  }
  return 'resolved';
}

const base32 = (ascii: string) => new Secret({ buffer: new TextEncoder().encode(ascii).buffer }).base32;

describe('verifyTotp: RFC 6238 appendix B test vectors', () => {
  const vectors: [number, string, 'SHA1' | 'SHA256' | 'SHA512'][] = [
    [59, '94287082', 'SHA1'],
    [1111111109, '07081804', 'SHA1'],
    [1111111111, '14050471', 'SHA1'],
    [1234567890, '89005924', 'SHA1'],
    [2000000000, '69279037', 'SHA1'],
    [20000000000, '65353130', 'SHA1'],
    [59, '46119246', 'SHA256'],
    [1111111109, '68084774', 'SHA256'],
    [59, '90693936', 'SHA512'],
    [1234567890, '93441116', 'SHA512'],
  ];
  const secrets = {
    SHA1: base32('12345678901234567890'),
    SHA256: base32('12345678901234567890123456789012'),
    SHA512: base32('1234567890123456789012345678901234567890123456789012345678901234'),
  };
  for (const [seconds, expected, algorithm] of vectors) {
    it(`${algorithm} at T=${seconds} -> ${expected}`, async () => {
      const store = createMemoryStore({ now: () => seconds * 1000 });
      await expect(
        verifyTotp({
          store,
          userId: 'u',
          secret: secrets[algorithm],
          code: expected,
          digits: 8,
          algorithm,
          now: () => seconds * 1000,
        }),
      ).resolves.toEqual({ delta: 0 });
    });
  }
});

describe('verifyTotp', () => {
  const setup = () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1, 0, 0, 15)); // mid-step
    const store = createMemoryStore({ now: clock.now });
    const { secret } = generateTotpSecret({ issuer: 'Acme Bot', account: 'ana@example.com' });
    const codeAt = (ms: number) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: ms });
    const input = (typed: string, extra: Partial<VerifyTotpInput> = {}): VerifyTotpInput => ({
      store,
      userId: 'ana',
      secret,
      code: typed,
      now: clock.now,
      ...extra,
    });
    return { clock, store, secret, codeAt, input };
  };

  it('accepts the current code and one step either side, reporting the drift', async () => {
    const { clock, codeAt, input } = setup();
    const now = clock.now();
    await expect(verifyTotp(input(codeAt(now - 30_000)))).resolves.toEqual({ delta: -1 });
    const fresh = setup();
    await expect(verifyTotp(fresh.input(fresh.codeAt(fresh.clock.now())))).resolves.toEqual({ delta: 0 });
    const ahead = setup();
    await expect(verifyTotp(ahead.input(ahead.codeAt(ahead.clock.now() + 30_000)))).resolves.toEqual({
      delta: 1,
    });
  });

  it('refuses codes outside the window', async () => {
    const { clock, codeAt, input } = setup();
    expect(await code(verifyTotp(input(codeAt(clock.now() - 60_000))))).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await code(verifyTotp(input(codeAt(clock.now() + 60_000))))).toBe('AUTH_INVALID_CREDENTIALS');
    await expect(verifyTotp(input(codeAt(clock.now() - 60_000), { window: 2 }))).resolves.toEqual({
      delta: -2,
    });
  });

  it('accepts a code once only: a replay is refused, on any instance sharing the Store', async () => {
    const { clock, codeAt, input } = setup();
    const typed = codeAt(clock.now());
    await verifyTotp(input(typed));
    expect(await code(verifyTotp(input(typed)))).toBe('AUTH_INVALID_CREDENTIALS');
    clock.advance(20_000); // still inside the window, one step later
    expect(await code(verifyTotp(input(typed)))).toBe('AUTH_INVALID_CREDENTIALS');
    clock.advance(30_000);
    expect(await code(verifyTotp(input(typed)))).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('refuses concurrent submissions of one code but one', async () => {
    const { clock, codeAt, input } = setup();
    const typed = codeAt(clock.now());
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => verifyTotp(input(typed))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('after a code is used, older codes still in the window are refused too', async () => {
    const { clock, codeAt, input } = setup();
    const previous = codeAt(clock.now() - 30_000);
    await verifyTotp(input(codeAt(clock.now())));
    expect(await code(verifyTotp(input(previous)))).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('keeps replay protection per user', async () => {
    const { clock, codeAt, input } = setup();
    const typed = codeAt(clock.now());
    await verifyTotp(input(typed));
    await expect(verifyTotp(input(typed, { userId: 'bob' }))).resolves.toEqual({ delta: 0 });
  });

  it('remembers a used code only as long as it could be accepted', async () => {
    const { clock, codeAt, input, store } = setup();
    await verifyTotp(input(codeAt(clock.now())));
    const { createHash } = await import('node:crypto');
    const step = Math.floor(clock.now() / 30_000);
    const key = `secbot:totp:${createHash('sha256').update('ana').digest('base64url')}:${step}`;
    await expect(store.get(key)).resolves.toBe('1');
    clock.set((step + 2) * 30_000); // the step leaves the window at the end of step + 1...
    await expect(store.get(key)).resolves.toBe('1'); // ...and the marker outlives it by one period
    clock.set((step + 3) * 30_000);
    await expect(store.get(key)).resolves.toBeUndefined();
  });

  it('refuses malformed codes with AUTH_INVALID_CREDENTIALS, never a crash', async () => {
    const { clock, codeAt, input } = setup();
    const good = codeAt(clock.now());
    for (const typed of [
      '',
      '12345',
      '1234567',
      `${good} `,
      ` ${good}`,
      `${good}\u0000`,
      '١٢٣٤٥٦',
      '12345a',
      'x'.repeat(1_000_000),
    ]) {
      expect(await code(verifyTotp(input(typed)))).toBe('AUTH_INVALID_CREDENTIALS');
    }
    for (const typed of [123456, null, undefined, {}, [good]]) {
      expect(await code(verifyTotp(input(typed as string)))).toBe('AUTH_INVALID_CREDENTIALS');
    }
    await expect(verifyTotp(input(good))).resolves.toEqual({ delta: 0 }); // none of those burnt the code
  });

  it('refuses a bad secret with ARGUMENT_INVALID and bad parameters with CONFIG_INVALID', async () => {
    const { input, clock, codeAt } = setup();
    const typed = codeAt(clock.now());
    for (const secret of ['', 'short', 'not base32 !!!!!!!!!!!!!!!!!!!!', 'A'.repeat(10), 42]) {
      expect(await code(verifyTotp(input(typed, { secret: secret as string })))).toBe('ARGUMENT_INVALID');
    }
    for (const [extra, path] of [
      [{ digits: 5 }, 'digits'],
      [{ window: 5 }, 'window'],
      [{ algorithm: 'MD5' }, 'algorithm'],
      [{ userId: '' }, 'userId'],
      [{ store: {} }, 'store'],
    ] as const) {
      try {
        await verifyTotp(input(typed, extra as Partial<VerifyTotpInput>));
        expect.unreachable();
      } catch (error) {
        expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
        expect((error as SecbotError).issues?.map((i) => i.path)).toEqual([path]);
      }
    }
  });
});

describe('generateTotpSecret', () => {
  it('makes a 160-bit base32 secret and an otpauth:// URI', () => {
    const { secret, uri } = generateTotpSecret({ issuer: 'Acme Bot', account: 'ana@example.com' });
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toBe(
      `otpauth://totp/Acme%20Bot:ana%40example.com?issuer=Acme%20Bot&secret=${secret}&algorithm=SHA1&digits=6&period=30`,
    );
  });

  it('honours parameters and injected randomness', () => {
    const { secret, uri } = generateTotpSecret({
      issuer: 'Acme',
      account: 'ana',
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
      bytes: 32,
      randomBytes: (n) => new Uint8Array(n),
    });
    expect(secret).toBe('A'.repeat(52));
    expect(uri).toContain('algorithm=SHA256&digits=8&period=60');
  });

  it('validates options', () => {
    for (const options of [
      { issuer: 'a:b', account: 'ana' },
      { issuer: 'Acme', account: '' },
      { issuer: 'Acme', account: 'ana', bytes: 8 },
    ]) {
      expect(() => generateTotpSecret(options)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });
});
