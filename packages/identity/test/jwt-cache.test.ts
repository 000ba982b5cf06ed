import { createManualClock, type ManualClock } from '@secbot/test-utils';
import { afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { type JwtProvider, jwtProvider } from '../src/jwt-provider.js';
import {
  AUDIENCE,
  claims,
  expectRefused,
  ISSUER,
  makeKey,
  signWith,
  T0,
  T0_SEC,
  type TestKey,
} from './jwt-helpers.js';

let key: TestKey;
let clock: ManualClock;
let verify: MockInstance;

beforeAll(async () => {
  key = await makeKey('RS256', 'k1');
});

beforeEach(() => {
  clock = createManualClock(T0);
  verify = vi.spyOn(crypto.subtle, 'verify');
});

afterEach(() => {
  vi.restoreAllMocks();
});

function cached(maxEntries = 100, maxAgeSec = 3600): JwtProvider {
  return jwtProvider({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    jwks: { keys: [key.publicJwk] },
    cache: { maxEntries, maxAgeSec },
    now: clock.now,
  });
}

const bearer = (provider: JwtProvider, token: string) => provider.authenticate({ kind: 'bearer', token });

describe('verified-token cache', () => {
  it('verifies a repeated token once', async () => {
    const provider = cached();
    const token = await signWith(key);
    const first = await bearer(provider, token);
    clock.advance(1000);
    const again = await bearer(provider, token);
    await bearer(provider, token);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(again).toEqual({ ...first, authenticatedAt: T0 + 1000 });
    expect(Object.isFrozen(again)).toBe(true);
  });

  it('does not verify without a cache configured (control)', async () => {
    const provider = jwtProvider({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256'],
      jwks: { keys: [key.publicJwk] },
      now: clock.now,
    });
    const token = await signWith(key);
    await bearer(provider, token);
    await bearer(provider, token);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('honours exp on a cache hit: at exp the entry is not used, after the tolerance the token is expired', async () => {
    const provider = cached();
    const token = await signWith(key, claims({ exp: T0_SEC + 60 }));
    await bearer(provider, token);
    clock.set((T0_SEC + 59) * 1000);
    await bearer(provider, token);
    expect(verify).toHaveBeenCalledTimes(1);
    clock.set((T0_SEC + 60) * 1000); // at exp: the cache no longer answers, jose decides (tolerance)
    await bearer(provider, token);
    expect(verify).toHaveBeenCalledTimes(2);
    clock.set((T0_SEC + 90) * 1000);
    await expectRefused(bearer(provider, token), 'AUTH_TOKEN_EXPIRED', token);
  });

  it('re-verifies after maxAgeSec even if the token lives longer', async () => {
    const provider = cached(100, 60);
    const token = await signWith(key);
    await bearer(provider, token);
    clock.advance(59_000);
    await bearer(provider, token);
    expect(verify).toHaveBeenCalledTimes(1);
    clock.advance(1000);
    await bearer(provider, token);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('is bounded: the least recently used entry goes first', async () => {
    const provider = cached(2);
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((sub) => signWith(key, claims({ sub }))));
    await bearer(provider, a!);
    await bearer(provider, b!);
    await bearer(provider, a!); // hit: a is now the most recent
    await bearer(provider, c!); // evicts b
    expect(verify).toHaveBeenCalledTimes(3);
    await bearer(provider, a!);
    expect(verify).toHaveBeenCalledTimes(3);
    await bearer(provider, b!);
    expect(verify).toHaveBeenCalledTimes(4);
  });

  it('never caches a refusal, and a tampered copy of a cached token is still refused', async () => {
    const provider = cached();
    const token = await signWith(key);
    await bearer(provider, token);
    const [h, p, s] = token.split('.') as [string, string, string];
    const middle = Math.floor(s.length / 2);
    const tampered = `${h}.${p}.${s.slice(0, middle)}${s[middle] === 'A' ? 'B' : 'A'}${s.slice(middle + 1)}`;
    await expectRefused(bearer(provider, tampered), 'AUTH_INVALID_TOKEN', tampered);
    await expectRefused(bearer(provider, tampered), 'AUTH_INVALID_TOKEN', tampered);
    expect(verify).toHaveBeenCalledTimes(3);
    const otherClaims = `${h}.${Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url')}.${s}`;
    await expectRefused(bearer(provider, otherClaims), 'AUTH_INVALID_TOKEN', otherClaims);
  });

  it('still applies the cheap checks first: an oversized token is never hashed or looked up', async () => {
    const provider = cached();
    const token = `${'a'.repeat(9000)}.b.c`;
    await expectRefused(bearer(provider, token), 'AUTH_INVALID_TOKEN', token, 'longer than');
    expect(verify).not.toHaveBeenCalled();
  });
});
