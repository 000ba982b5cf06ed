import { generateKeyPairSync } from 'node:crypto';
import { createMemoryStore, isSecbotError, type SecbotError } from '@secbot/core';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type JwtProviderOptions, jwtProvider } from '../src/jwt-provider.js';
import {
  AUDIENCE,
  claims,
  expectRefused,
  ISSUER,
  makeKey,
  signHmac,
  signWith,
  T0,
  T0_SEC,
  type TestKey,
} from './jwt-helpers.js';

let rs: TestKey;
let es: TestKey;

beforeAll(async () => {
  rs = await makeKey('RS256', 'rs-1');
  es = await makeKey('ES256', 'es-1');
});

const NEW_SECRET = 'n'.repeat(32);
const OLD_SECRET = 'o'.repeat(32);

function configError(options: unknown): SecbotError {
  try {
    jwtProvider(options as JwtProviderOptions);
  } catch (error) {
    if (isSecbotError(error, 'CONFIG_INVALID')) return error;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

const paths = (error: SecbotError) => (error.issues ?? []).map((issue) => issue.path);

describe('options are validated when the factory runs', () => {
  const valid = (): Record<string, unknown> => ({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    jwks: { keys: [rs.publicJwk] },
  });

  it('accepts a minimal configuration', () => {
    expect(jwtProvider(valid() as unknown as JwtProviderOptions).name).toBe('jwt');
  });

  it.each([
    ['issuer missing', { issuer: undefined }, 'issuer'],
    ['audience missing', { audience: undefined }, 'audience'],
    ['algorithms missing', { algorithms: undefined }, 'algorithms'],
    ['algorithms empty', { algorithms: [] }, 'algorithms'],
    ['alg none', { algorithms: ['none'] }, 'algorithms[0]'],
    ['an unknown alg', { algorithms: ['RS256', 'HS999'] }, 'algorithms[1]'],
    ['HS256 with a JWK Set', { algorithms: ['HS256'] }, 'algorithms[0]'],
    ['clockToleranceSec above 60', { clockToleranceSec: 61 }, 'clockToleranceSec'],
    ['maxTokenBytes above 64 KiB', { maxTokenBytes: 100_000 }, 'maxTokenBytes'],
    ['an empty claim path segment', { rolesClaim: 'realm_access..roles' }, 'rolesClaim'],
    ['a bad role name in the mapping', { roles: { acceptRoles: ['ad min'] } }, 'roles.acceptRoles[0]'],
    ['a revocation store that is not a Store', { revocation: { store: {} } }, 'revocation.store'],
    ['a cache with no room', { cache: { maxEntries: 0 } }, 'cache.maxEntries'],
    ['a cache living over an hour', { cache: { maxAgeSec: 7200 } }, 'cache.maxAgeSec'],
    ['a JWKS cooldown under 500 ms', { jwksCooldownMs: 10 }, 'jwksCooldownMs'],
    ['a now that is not a function', { now: 5 }, 'now'],
  ])('refuses %s, naming the path', (_label, change, path) => {
    expect(paths(configError({ ...valid(), ...change }))).toContain(path);
  });

  it('refuses unknown options (a typo is not silently ignored)', () => {
    const error = configError({ ...valid(), audiences: ['x'] });
    expect(error.message).toContain('audiences');
  });

  it('requires exactly one of jwks, jwksUri and secret', () => {
    expect(paths(configError({ ...valid(), jwks: undefined }))).toEqual(['']);
    expect(paths(configError({ ...valid(), secret: NEW_SECRET }))).toEqual(['']);
    expect(paths(configError({ ...valid(), jwksUri: 'https://id.example.com/jwks' }))).toEqual(['']);
  });

  it('refuses asymmetric algorithms with a secret', () => {
    const error = configError({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256', 'ES256'],
      secret: NEW_SECRET,
    });
    expect(paths(error)).toEqual(['algorithms[1]']);
  });

  it('refuses short secrets by path, without quoting them', () => {
    const short = 'short-secret-value';
    const error = configError({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      secret: [NEW_SECRET, short],
    });
    expect(paths(error)).toEqual(['secret[1]']);
    expect(error.message).not.toContain(short);
    expect(JSON.stringify(error)).not.toContain(short);
  });

  it('requires 48-byte secrets for HS384 and 64-byte secrets for HS512', () => {
    expect(
      paths(configError({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS512'], secret: NEW_SECRET })),
    ).toEqual(['secret[0]']);
    expect(() =>
      jwtProvider({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS384'], secret: 'x'.repeat(48) }),
    ).not.toThrow();
  });

  it('refuses more than 8 secrets', () => {
    const secret = Array.from({ length: 9 }, (_, i) => `${i}`.repeat(32));
    expect(paths(configError({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], secret }))).toEqual(
      ['secret'],
    );
  });

  it.each([
    ['plain http', { jwksUri: 'http://id.example.com/jwks' }],
    [
      'plain http off loopback even when insecure is allowed',
      { jwksUri: 'http://id.example.com/jwks', allowInsecureJwksUri: true },
    ],
    ['credentials in the URL', { jwksUri: 'https://user:pw@id.example.com/jwks' }],
    ['a relative URL', { jwksUri: '/jwks' }],
    ['another scheme', { jwksUri: 'file:///etc/jwks.json' }],
  ])('refuses a jwksUri with %s', (_label, change) => {
    expect(paths(configError({ ...valid(), jwks: undefined, ...change }))).toContain('jwksUri');
  });

  it('allows plain http on 127.0.0.1 only with allowInsecureJwksUri', () => {
    const options = { ...valid(), jwks: undefined, jwksUri: 'http://127.0.0.1:1/jwks' };
    expect(paths(configError(options))).toContain('jwksUri');
    expect(() =>
      jwtProvider({ ...options, allowInsecureJwksUri: true } as unknown as JwtProviderOptions),
    ).not.toThrow();
  });

  it('refuses private, symmetric, malformed and weak keys in a static JWK Set', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = privateKey.export({ format: 'jwk' });
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    for (const jwk of [privateJwk, { kty: 'oct', k: 'c2VjcmV0' }, { kty: 'RSA', n: 'AQAB' }, weak]) {
      const error = configError({ ...valid(), jwks: { keys: [rs.publicJwk, jwk] } });
      expect(paths(error)).toEqual(['jwks.keys[1]']);
      expect(error.message).not.toContain(String((jwk as { d?: string }).d ?? 'never-there'));
    }
  });
});

describe('the principal', () => {
  it('maps subject, tenant, groups and roles, with minimal attributes', async () => {
    const provider = jwtProvider({
      issuer: ISSUER,
      audience: [AUDIENCE, 'other'],
      algorithms: ['ES256'],
      jwks: { keys: [es.publicJwk] },
      tenantClaim: 'tid',
      rolesClaim: 'realm_access.roles',
      groupsClaim: ['https://example.com/groups'],
      roles: {
        acceptRoles: ['agent'],
        groups: { 'support-team': ['support'] },
        defaultRoles: ['customer'],
      },
      now: () => T0,
    });
    const token = await signWith(
      es,
      claims({
        tid: 'acme',
        jti: 'token-1',
        scope: 'chat:read',
        email: 'ana@example.com',
        realm_access: { roles: ['agent', 'admin'] },
        'https://example.com/groups': ['support-team', 'unknown'],
      }),
    );
    const principal = await provider.authenticate({ kind: 'bearer', token });
    expect(principal).toEqual({
      id: 'user-1',
      tenantId: 'acme',
      roles: ['agent', 'customer', 'support'], // 'admin' is asserted but not accepted
      groups: ['support-team', 'unknown'],
      attributes: { iss: ISSUER, jti: 'token-1', scope: 'chat:read' },
      authMethod: 'jwt',
      authenticatedAt: T0,
      expiresAt: (T0_SEC + 3600) * 1000,
    });
    expect(Object.isFrozen(principal)).toBe(true);
    expect(Object.isFrozen(principal.roles)).toBe(true);
  });

  it('gives no roles without a mapping (deny by default), even if the token asserts some', async () => {
    const provider = jwtProvider({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES256'],
      jwks: { keys: [es.publicJwk] },
      rolesClaim: 'roles',
      now: () => T0,
    });
    const token = await signWith(es, claims({ roles: ['admin'] }));
    expect((await provider.authenticate({ kind: 'bearer', token })).roles).toEqual([]);
  });

  it('takes the id from another claim when configured', async () => {
    const provider = jwtProvider({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES256'],
      jwks: { keys: [es.publicJwk] },
      subjectClaim: 'oid',
      now: () => T0,
    });
    const token = await signWith(es, claims({ oid: 'object-7' }));
    expect((await provider.authenticate({ kind: 'bearer', token })).id).toBe('object-7');
  });

  it('requires extra claims when asked', async () => {
    const provider = jwtProvider({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES256'],
      jwks: { keys: [es.publicJwk] },
      requireClaims: ['azp'],
      now: () => T0,
    });
    await expectRefused(
      provider.authenticate({ kind: 'bearer', token: await signWith(es) }),
      'AUTH_INVALID_TOKEN',
      undefined,
      'azp',
    );
    await expect(
      provider.authenticate({ kind: 'bearer', token: await signWith(es, claims({ azp: 'bot' })) }),
    ).resolves.toBeDefined();
  });

  it('names the provider in its errors and declares the bearer kind', async () => {
    const provider = jwtProvider({
      name: 'corporate-sso',
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES256'],
      jwks: { keys: [es.publicJwk] },
      now: () => T0,
    });
    expect(provider.kinds).toEqual(['bearer']);
    await expectRefused(
      provider.authenticate({ kind: 'bearer', token: 'a.b.c' }),
      'AUTH_INVALID_TOKEN',
      undefined,
      'corporate-sso',
    );
  });

  it('refuses revokeToken when revocation is not configured', async () => {
    const provider = jwtProvider({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES256'],
      jwks: { keys: [es.publicJwk] },
    });
    await expectRefused(provider.revokeToken('t', Date.now() + 1000), 'CONFIG_INVALID');
  });
});

describe('JWK Sets with several candidate keys', () => {
  it('tries each key matching a token without kid', async () => {
    const one = await generateKeyPair('ES256', { extractable: true });
    const two = await generateKeyPair('ES256', { extractable: true });
    const three = await generateKeyPair('ES256', { extractable: true });
    const provider = jwtProvider({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES256'],
      jwks: { keys: [await exportJWK(one.publicKey), await exportJWK(two.publicKey)] },
      now: () => T0,
    });
    const sign = (key: CryptoKey) => new SignJWT(claims()).setProtectedHeader({ alg: 'ES256' }).sign(key);
    await expect(
      provider.authenticate({ kind: 'bearer', token: await sign(two.privateKey) }),
    ).resolves.toBeDefined();
    await expectRefused(
      provider.authenticate({ kind: 'bearer', token: await sign(three.privateKey) }),
      'AUTH_INVALID_TOKEN',
    );
  });
});

describe('HMAC secret rotation', () => {
  const rotating = (secret: string | string[]) =>
    jwtProvider({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], secret, now: () => T0 });

  it('accepts tokens signed with the new or the old secret while both are listed', async () => {
    const provider = rotating([NEW_SECRET, OLD_SECRET]);
    for (const secret of [NEW_SECRET, OLD_SECRET]) {
      await expect(
        provider.authenticate({ kind: 'bearer', token: await signHmac(secret) }),
      ).resolves.toMatchObject({
        id: 'user-1',
      });
    }
  });

  it('refuses a token signed with an unlisted secret', async () => {
    const provider = rotating([NEW_SECRET, OLD_SECRET]);
    const token = await signHmac('u'.repeat(32));
    await expectRefused(
      provider.authenticate({ kind: 'bearer', token }),
      'AUTH_INVALID_TOKEN',
      token,
      'SIGNATURE',
    );
  });

  it('refuses old-secret tokens once the old secret is removed', async () => {
    const token = await signHmac(OLD_SECRET);
    await expectRefused(
      rotating(NEW_SECRET).authenticate({ kind: 'bearer', token }),
      'AUTH_INVALID_TOKEN',
      token,
    );
  });

  it('stops at the first failure that is not a bad signature (an expired old-secret token is expired)', async () => {
    const token = await signHmac(OLD_SECRET, claims({ exp: T0_SEC - 3600 }));
    await expectRefused(
      rotating([NEW_SECRET, OLD_SECRET]).authenticate({ kind: 'bearer', token }),
      'AUTH_TOKEN_EXPIRED',
    );
  });

  it('accepts bytes as secrets, and HS384', async () => {
    const secret = new Uint8Array(48).fill(7);
    const provider = jwtProvider({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS384'],
      secret,
      now: () => T0,
    });
    await expect(
      provider.authenticate({ kind: 'bearer', token: await signHmac(secret, claims(), {}, 'HS384') }),
    ).resolves.toBeDefined();
    await expectRefused(
      provider.authenticate({ kind: 'bearer', token: await signHmac(secret) }),
      'AUTH_INVALID_TOKEN',
    );
  });

  it('with revocation on, refuses tokens without jti and tokens living more than a year', async () => {
    const provider = jwtProvider({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      secret: NEW_SECRET,
      revocation: { store: createMemoryStore({ now: () => T0 }) },
      now: () => T0,
    });
    await expectRefused(
      provider.authenticate({ kind: 'bearer', token: await signHmac(NEW_SECRET) }),
      'AUTH_INVALID_TOKEN',
      undefined,
      'jti',
    );
    const longLived = await signHmac(NEW_SECRET, claims({ jti: 'j', exp: T0_SEC + 400 * 86_400 }));
    await expectRefused(
      provider.authenticate({ kind: 'bearer', token: longLived }),
      'AUTH_INVALID_TOKEN',
      undefined,
      'year',
    );
  });
});
