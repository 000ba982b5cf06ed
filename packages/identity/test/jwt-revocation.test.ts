import { createMemoryStore, type Store } from '@secbot/core';
import { createManualClock, type ManualClock } from '@secbot/test-utils';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
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
let store: ReturnType<typeof createMemoryStore>;

beforeAll(async () => {
  key = await makeKey('ES256', 'k1');
});

beforeEach(() => {
  clock = createManualClock(T0);
  store = createMemoryStore({ now: clock.now });
});

function provider(options: { cache?: boolean; store?: Store; issuer?: string } = {}): JwtProvider {
  return jwtProvider({
    issuer: options.issuer ?? ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    jwks: { keys: [key.publicJwk] },
    revocation: { store: options.store ?? store },
    ...(options.cache === true ? { cache: { maxEntries: 100, maxAgeSec: 600 } } : {}),
    now: clock.now,
  });
}

const EXP = T0_SEC + 600;
const token = (jti: string, issuer = ISSUER) => signWith(key, claims({ jti, exp: EXP, iss: issuer }));

describe('jti revocation', () => {
  it('refuses a revoked jti with AUTH_TOKEN_REVOKED and leaves other tokens alone', async () => {
    const jwt = provider();
    const revoked = await token('jti-1');
    const other = await token('jti-2');
    const principal = await jwt.authenticate({ kind: 'bearer', token: revoked });
    await jwt.revokeToken('jti-1', principal.expiresAt ?? 0);
    await expectRefused(jwt.authenticate({ kind: 'bearer', token: revoked }), 'AUTH_TOKEN_REVOKED', revoked);
    await expect(jwt.authenticate({ kind: 'bearer', token: other })).resolves.toMatchObject({ id: 'user-1' });
  });

  it('refuses a revoked token that sits in the verified cache', async () => {
    const jwt = provider({ cache: true });
    const revoked = await token('jti-1');
    await jwt.authenticate({ kind: 'bearer', token: revoked });
    const verify = vi.spyOn(crypto.subtle, 'verify');
    await jwt.authenticate({ kind: 'bearer', token: revoked }); // a cache hit
    expect(verify).not.toHaveBeenCalled();
    await jwt.revokeToken('jti-1', EXP * 1000);
    await expectRefused(jwt.authenticate({ kind: 'bearer', token: revoked }), 'AUTH_TOKEN_REVOKED');
    expect(verify).not.toHaveBeenCalled(); // refused from the cache hit, by the store check
    verify.mockRestore();
  });

  it('is seen at once by another instance sharing the store, cached or not', async () => {
    const a = provider({ cache: true });
    const b = provider({ cache: true });
    const jwt = await token('shared');
    await a.authenticate({ kind: 'bearer', token: jwt });
    await b.authenticate({ kind: 'bearer', token: jwt });
    await a.revokeToken('shared', EXP * 1000);
    await expectRefused(b.authenticate({ kind: 'bearer', token: jwt }), 'AUTH_TOKEN_REVOKED');
  });

  it('stores the revocation until exp plus the clock tolerance, then forgets it', async () => {
    const jwt = provider();
    const set = vi.spyOn(store, 'set');
    await jwt.revokeToken('jti-1', EXP * 1000);
    expect(set).toHaveBeenCalledTimes(1);
    const [storeKey, , options] = set.mock.calls[0] ?? [];
    expect(options).toEqual({ ttlMs: EXP * 1000 + 30_000 - T0 });
    expect(storeKey).not.toContain('jti-1'); // hashed with the issuer
    clock.set(EXP * 1000 + 29_000);
    expect(await store.get(String(storeKey))).toBe('1');
    // Still inside the tolerance: the token would verify, so the revocation must still hold.
    await expectRefused(
      jwt.authenticate({ kind: 'bearer', token: await token('jti-1') }),
      'AUTH_TOKEN_REVOKED',
    );
    clock.set(EXP * 1000 + 30_000);
    expect(await store.get(String(storeKey))).toBeUndefined();
    await expectRefused(
      jwt.authenticate({ kind: 'bearer', token: await token('jti-1') }),
      'AUTH_TOKEN_EXPIRED',
    );
  });

  it('writes nothing for a token that can no longer be accepted anyway', async () => {
    const set = vi.spyOn(store, 'set');
    await provider().revokeToken('old', T0 - 60_000);
    expect(set).not.toHaveBeenCalled();
  });

  it('scopes revocations to the issuer', async () => {
    const other = provider({ issuer: 'https://other.example.com' });
    await provider().revokeToken('same-jti', EXP * 1000);
    await expect(
      other.authenticate({ kind: 'bearer', token: await token('same-jti', 'https://other.example.com') }),
    ).resolves.toBeDefined();
  });

  it.each([
    ['an empty jti', '', EXP * 1000],
    ['a jti over 1024 characters', 'j'.repeat(1025), EXP * 1000],
    ['a jti that is not a string', 42, EXP * 1000],
    ['a non-finite time', 'jti', Number.NaN],
    ['a time more than a year ahead', 'jti', T0 + 400 * 86_400_000],
  ])('refuses %s with ARGUMENT_INVALID', async (_label, jti, expiresAtMs) => {
    await expectRefused(provider().revokeToken(jti as string, expiresAtMs), 'ARGUMENT_INVALID');
  });

  it('fails closed with AUTH_PROVIDER_UNAVAILABLE when the store is down, cached or not', async () => {
    const broken: Store = {
      ...createMemoryStore(),
      get: () => Promise.reject(new Error('connection refused')),
    };
    const jwt = provider({ store: broken, cache: true });
    const t = await token('jti-1');
    await expectRefused(jwt.authenticate({ kind: 'bearer', token: t }), 'AUTH_PROVIDER_UNAVAILABLE', t);
    await expectRefused(jwt.authenticate({ kind: 'bearer', token: t }), 'AUTH_PROVIDER_UNAVAILABLE', t);
  });
});
