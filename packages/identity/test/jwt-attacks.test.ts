// Hostile tokens against jwtProvider. Every case states the exact code it must get; none may
// crash, hang or echo the token.
import { createPublicKey, KeyObject } from 'node:crypto';
import { isSecbotError } from '@secbot/core';
import { UnsecuredJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type JwtProvider, jwtProvider } from '../src/jwt-provider.js';
import {
  AUDIENCE,
  claims,
  expectRefused,
  ISSUER,
  jsonRoutes,
  makeKey,
  rawToken,
  signHmac,
  signWith,
  startServer,
  T0,
  T0_SEC,
  type TestKey,
  type TestServer,
} from './jwt-helpers.js';

let trusted: TestKey;
let attacker: TestKey;
let trustedPrivate: KeyObject;
let attackerServer: TestServer;
let provider: JwtProvider;

const bearer = (token: unknown) => provider.authenticate({ kind: 'bearer', token } as never);

beforeAll(async () => {
  trusted = await makeKey('RS256', 'k1');
  attacker = await makeKey('RS256', 'k1'); // same kid as the trusted key, on purpose
  trustedPrivate = KeyObject.from(trusted.privateKey);
  attackerServer = await startServer(jsonRoutes({ '/jwks': () => ({ keys: [attacker.publicJwk] }) }));
  provider = jwtProvider({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    jwks: { keys: [trusted.publicJwk] },
    now: () => T0,
  });
});

afterAll(async () => {
  await attackerServer.close();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const header = (extra: Record<string, unknown> = {}) => JSON.stringify({ alg: 'RS256', kid: 'k1', ...extra });
const trustedSigner = () => ({ key: trustedPrivate, alg: 'RS256' as const });

describe('control: a well-formed token', () => {
  it('is accepted, so every refusal below is caused by the attack', async () => {
    const principal = await bearer(await signWith(trusted));
    expect(principal.id).toBe('user-1');
  });
});

describe('alg none and algorithm substitution', () => {
  it('refuses an unsecured token (alg none, empty signature) before parsing it', async () => {
    const token = new UnsecuredJWT(claims()).encode();
    expect(token.endsWith('.')).toBe(true);
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token, 'not a compact JWS');
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])('refuses alg %s with a dummy signature', async (alg) => {
    const token = rawToken(JSON.stringify({ alg }), JSON.stringify(claims()), { secret: 'x' });
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token, 'ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it('refuses HS256 signed with the RS256 public key PEM as the HMAC secret (key confusion)', async () => {
    const pem = createPublicKey({ key: trusted.publicJwk as never, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const viaJose = await signHmac(pem, claims(), { kid: 'k1' });
    await expectRefused(bearer(viaJose), 'AUTH_INVALID_TOKEN', viaJose, 'ERR_JOSE_ALG_NOT_ALLOWED');
    const viaJwkText = await signHmac(JSON.stringify(trusted.publicJwk), claims(), { kid: 'k1' });
    await expectRefused(bearer(viaJwkText), 'AUTH_INVALID_TOKEN', viaJwkText);
  });

  it('cannot be configured to mix HS256 with a JWK Set (the confusion is refused at start-up too)', () => {
    expect(() =>
      jwtProvider({
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['RS256', 'HS256'],
        jwks: { keys: [trusted.publicJwk] },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        issues: [expect.objectContaining({ path: 'algorithms[1]' })],
      }),
    );
  });

  it('refuses PS256 made with the RS256 key when the JWK is pinned to RS256', async () => {
    const ps = jwtProvider({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256', 'PS256'],
      jwks: { keys: [trusted.publicJwk] },
      now: () => T0,
    });
    const token = rawToken(header({ alg: 'PS256' }), JSON.stringify(claims()), trustedSigner());
    await expectRefused(ps.authenticate({ kind: 'bearer', token }), 'AUTH_INVALID_TOKEN', token);
  });
});

describe('kid injection', () => {
  it.each([
    ['path traversal', '../../etc/passwd'],
    ['SQL', "k1' OR '1'='1"],
    ['unknown', 'no-such-kid'],
    ['NUL byte', 'k1\u0000'],
    ['very long', 'k'.repeat(2000)],
  ])('refuses a %s kid, even when signed with the trusted key', async (_label, kid) => {
    const token = await signWith(trusted, claims(), { kid });
    const error = await bearer(token).catch((caught: unknown) => caught);
    expect(isSecbotError(error, 'AUTH_INVALID_TOKEN')).toBe(true);
    expect(String((error as Error).message)).not.toContain(kid.slice(0, 12));
  });

  it.each([
    ['a number', 7],
    ['an object', { $ne: null }],
    ['an array', ['k1']],
  ])('refuses a kid that is %s', async (_label, kid) => {
    const token = rawToken(header({ kid }), JSON.stringify(claims()), trustedSigner());
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token);
  });

  it('refuses a token signed by another key that carries the trusted kid', async () => {
    const token = await signWith(attacker);
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token);
  });
});

describe('key-pointing header parameters are never used', () => {
  it('never fetches jku or x5u, and refuses the attacker-signed token', async () => {
    const jku = await signWith(attacker, claims(), { jku: `${attackerServer.url}/jwks` });
    await expectRefused(bearer(jku), 'AUTH_INVALID_TOKEN', jku);
    const x5u = await signWith(attacker, claims(), { x5u: `${attackerServer.url}/cert.pem` });
    await expectRefused(bearer(x5u), 'AUTH_INVALID_TOKEN', x5u);
    expect(attackerServer.hits.size).toBe(0);
  });

  it('never trusts an embedded jwk holding the attacker key', async () => {
    const { kid: _kid, ...attackerJwk } = attacker.publicJwk;
    const token = await signWith(attacker, claims(), { jwk: attackerJwk });
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token);
  });

  it('refuses jku / x5u / jwk even on a token the trusted key signed', async () => {
    for (const extra of [
      { jku: 'https://id.example.com/jwks' },
      { x5u: 'https://id.example.com/c' },
      { jwk: trusted.publicJwk },
    ]) {
      const token = rawToken(header(extra), JSON.stringify(claims()), trustedSigner());
      await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token, 'never trusted');
    }
    expect(attackerServer.hits.size).toBe(0);
  });

  it('ignores x5c: an attacker-signed token with one is refused, a trusted one is unaffected', async () => {
    const forged = await signWith(attacker, claims(), { x5c: ['MIIBattacker'] });
    await expectRefused(bearer(forged), 'AUTH_INVALID_TOKEN', forged);
    const genuine = rawToken(header({ x5c: ['MIIBgarbage'] }), JSON.stringify(claims()), trustedSigner());
    await expect(bearer(genuine)).resolves.toMatchObject({ id: 'user-1' });
  });
});

describe('crit and b64', () => {
  it('refuses an unknown critical extension', async () => {
    const token = rawToken(
      header({ crit: ['urn:example:flag'], 'urn:example:flag': true }),
      JSON.stringify(claims()),
      trustedSigner(),
    );
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token, 'ERR_JOSE_NOT_SUPPORTED');
  });

  it('refuses malformed crit values', async () => {
    for (const crit of [[], 'b64', [''], ['b64', 'b64']]) {
      const token = rawToken(header({ crit }), JSON.stringify(claims()), trustedSigner());
      await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token);
    }
  });

  it('refuses b64:false (unencoded payload), even when signed by the trusted key', async () => {
    const protectedHeader = Buffer.from(header({ b64: false, crit: ['b64'] })).toString('base64url');
    const payload = 'unencodedPayload';
    const signed = rawToken(header({ b64: false, crit: ['b64'] }), payload, trustedSigner()); // signature over b64(payload)
    const { sign } = await import('node:crypto');
    const signature = sign('sha256', Buffer.from(`${protectedHeader}.${payload}`), trustedPrivate).toString(
      'base64url',
    );
    for (const token of [`${protectedHeader}.${payload}.${signature}`, signed]) {
      await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token);
    }
  });
});

describe('time claims', () => {
  it('refuses an expired token with AUTH_TOKEN_EXPIRED', async () => {
    const token = await signWith(trusted, claims({ exp: T0_SEC - 3600 }));
    await expectRefused(bearer(token), 'AUTH_TOKEN_EXPIRED', token);
  });

  it('honours the 30 s default tolerance on exp, and not a second more', async () => {
    await expect(bearer(await signWith(trusted, claims({ exp: T0_SEC - 29 })))).resolves.toBeDefined();
    await expectRefused(bearer(await signWith(trusted, claims({ exp: T0_SEC - 30 }))), 'AUTH_TOKEN_EXPIRED');
  });

  it('refuses nbf beyond the tolerance, accepts it within', async () => {
    const future = await signWith(trusted, claims({ nbf: T0_SEC + 120 }));
    await expectRefused(bearer(future), 'AUTH_INVALID_TOKEN', future);
    await expect(bearer(await signWith(trusted, claims({ nbf: T0_SEC + 20 })))).resolves.toBeDefined();
  });

  it('refuses a token without exp', async () => {
    const { exp: _exp, ...rest } = claims();
    const token = await signWith(trusted, rest);
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token);
  });

  it.each([
    ['a string', '"9999999999"'],
    ['Infinity (1e400)', '1e400'],
    ['null', 'null'],
    ['an array', '[9999999999]'],
  ])('refuses exp that is %s', async (_label, exp) => {
    const payload = `{"iss":"${ISSUER}","aud":"${AUDIENCE}","sub":"user-1","exp":${exp}}`;
    const token = rawToken(header(), payload, trustedSigner());
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token);
  });

  it('refuses nbf or iat that is not a number', async () => {
    for (const extra of [{ nbf: 'soon' }, { iat: 'now' }]) {
      const token = rawToken(header(), JSON.stringify(claims(extra as never)), trustedSigner());
      await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token);
    }
  });
});

describe('issuer, audience and type', () => {
  it('refuses a wrong or missing iss', async () => {
    await expectRefused(
      bearer(await signWith(trusted, claims({ iss: 'https://evil.example.com' }))),
      'AUTH_INVALID_TOKEN',
    );
    await expectRefused(bearer(await signWith(trusted, claims({ iss: `${ISSUER}/` }))), 'AUTH_INVALID_TOKEN');
    const { iss: _iss, ...rest } = claims();
    await expectRefused(bearer(await signWith(trusted, rest)), 'AUTH_INVALID_TOKEN');
  });

  it('refuses a wrong or missing aud, accepts a list that contains ours', async () => {
    await expectRefused(bearer(await signWith(trusted, claims({ aud: 'other-api' }))), 'AUTH_INVALID_TOKEN');
    const { aud: _aud, ...rest } = claims();
    await expectRefused(bearer(await signWith(trusted, rest)), 'AUTH_INVALID_TOKEN');
    await expect(
      bearer(await signWith(trusted, claims({ aud: ['other-api', AUDIENCE] }))),
    ).resolves.toBeDefined();
  });

  it('checks typ when configured (at+jwt), ignoring case and the application/ prefix', async () => {
    const typed = jwtProvider({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256'],
      jwks: { keys: [trusted.publicJwk] },
      typ: 'at+jwt',
      now: () => T0,
    });
    const auth = (token: string) => typed.authenticate({ kind: 'bearer', token });
    await expectRefused(auth(await signWith(trusted, claims(), { typ: 'JWT' })), 'AUTH_INVALID_TOKEN');
    await expectRefused(auth(await signWith(trusted)), 'AUTH_INVALID_TOKEN');
    await expect(auth(await signWith(trusted, claims(), { typ: 'at+jwt' }))).resolves.toBeDefined();
    await expect(
      auth(await signWith(trusted, claims(), { typ: 'application/AT+JWT' })),
    ).resolves.toBeDefined();
  });
});

describe('oversized and malformed tokens', () => {
  it('refuses a validly signed token over 8 KiB before any signature verification', async () => {
    const token = await signWith(trusted, claims({ padding: 'x'.repeat(9000) }));
    expect(token.length).toBeGreaterThan(8192);
    const verify = vi.spyOn(crypto.subtle, 'verify');
    const started = performance.now();
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token);
    const elapsed = performance.now() - started;
    expect(verify).not.toHaveBeenCalled();
    expect(elapsed).toBeLessThan(20);
    // The control: a token just under the limit does reach the signature check.
    await bearer(await signWith(trusted, claims({ padding: 'x'.repeat(5000) })));
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('refuses a 1 MiB token in well under a millisecond per call', async () => {
    const token = `${'a'.repeat(1 << 20)}.b.c`;
    const started = performance.now();
    for (let i = 0; i < 100; i++) await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN');
    expect((performance.now() - started) / 100).toBeLessThan(1);
  });

  it.each([
    ['empty', ''],
    ['one part', 'eyJhbGciOiJSUzI1NiJ9'],
    ['two parts', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0'],
    ['four parts', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln.ZXh0cmE'],
    ['five parts (JWE shape)', 'a.b.c.d.e'],
    ['empty segment', 'eyJhbGciOiJSUzI1NiJ9..c2ln'],
    ['trailing dot', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln.'],
    ['standard base64 characters', 'eyJhbGciOiJSUzI1NiJ9+/.eyJzdWIiOiJ4In0=.c2ln'],
    ['Bearer prefix left on', 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
    ['whitespace', ' eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\n'],
    ['non-ASCII', 'eyJhbGciOiJSUzI1NiJ9.ëyJzdWIiOiJ4In0.c2ln'],
    ['impossible base64url length', 'eyJhbGciOiJSUzI1NiJ9x.eyJzdWIiOiJ4In0.c2ln'],
    ['header not JSON', `${Buffer.from('{alg:RS256').toString('base64url')}.eyJzdWIiOiJ4In0.c2ln`],
    ['header a JSON array', `${Buffer.from('["RS256"]').toString('base64url')}.eyJzdWIiOiJ4In0.c2ln`],
    [
      'header invalid UTF-8',
      `${Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url')}.eyJzdWIiOiJ4In0.c2ln`,
    ],
  ])('refuses a token that is %s', async (_label, token) => {
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token);
  });

  it.each([
    ['not JSON', 'not json'],
    ['a JSON array', '[1,2]'],
    ['JSON null', 'null'],
    ['a JSON string', '"user-1"'],
  ])('refuses a trusted-signed token whose claims are %s', async (_label, payload) => {
    const token = rawToken(header(), payload, trustedSigner());
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token);
  });
});

describe('credentials that are not a bearer string', () => {
  it.each([
    ['a number', 123],
    ['null', null],
    ['undefined', undefined],
    ['an object', { toString: () => 'eyJ.eyJ.sig' }],
    ['an array', ['a.b.c']],
    ['a Buffer', Buffer.from('a.b.c')],
  ])('refuses a token that is %s with AUTH_INVALID_TOKEN', async (_label, token) => {
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN');
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'eyJ.eyJ.sig'],
    ['password credentials', { kind: 'password', username: 'a', password: 'b' }],
    ['api key credentials', { kind: 'apiKey', key: 'k' }],
    ['an unknown kind', { kind: 'cookie', token: 'x' }],
  ])('refuses credentials that are %s with AUTH_INVALID_CREDENTIALS', async (_label, credentials) => {
    await expectRefused(provider.authenticate(credentials as never), 'AUTH_INVALID_CREDENTIALS');
  });
});

describe('subject', () => {
  it.each([
    ['missing', undefined],
    ['a number', 42],
    ['an array', ['user-1']],
    ['an object', { id: 'user-1' }],
    ['empty', ''],
    ['longer than 1024 characters', 'u'.repeat(1025)],
  ])('refuses a sub that is %s', async (_label, sub) => {
    const { sub: _sub, ...rest } = claims();
    const token = await signWith(trusted, sub === undefined ? rest : { ...rest, sub: sub as string });
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token);
  });
});

describe('duplicate and ambiguous members', () => {
  const base = `"iss":"${ISSUER}","aud":"${AUDIENCE}","exp":${T0_SEC + 3600}`;

  it.each([
    ['a duplicate sub', `{${base},"sub":"user-1","sub":"admin"}`],
    ['a duplicate sub hidden by an escape', `{${base},"sub":"user-1","s\\u0075b":"admin"}`],
    ['a duplicate exp', `{${base},"sub":"user-1","exp":${T0_SEC + 99_999}}`],
    [
      'a duplicate inside a nested object',
      `{${base},"sub":"u","realm_access":{"roles":["a"],"roles":["admin"]}}`,
    ],
  ])('refuses claims with %s', async (_label, payload) => {
    const token = rawToken(header(), payload, trustedSigner());
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token, 'duplicate member names');
  });

  it('refuses a header with a duplicate alg', async () => {
    const token = rawToken(
      '{"alg":"none","kid":"k1","alg":"RS256"}',
      JSON.stringify(claims()),
      trustedSigner(),
    );
    await expectRefused(bearer(token), 'AUTH_INVALID_TOKEN', token, 'duplicate member names');
  });

  it('accepts the same names in different objects (not duplicates)', async () => {
    const payload = `{${base},"sub":"u","a":{"sub":"x","exp":1},"b":[{"sub":"y"},{"sub":"z"}]}`;
    await expect(bearer(rawToken(header(), payload, trustedSigner()))).resolves.toMatchObject({ id: 'u' });
  });

  it('refuses roles or groups claims of the wrong type instead of guessing', async () => {
    const strict = jwtProvider({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256'],
      jwks: { keys: [trusted.publicJwk] },
      rolesClaim: 'roles',
      groupsClaim: 'groups',
      tenantClaim: 'tid',
      roles: { acceptRoles: ['admin'] },
      now: () => T0,
    });
    const auth = (extra: Record<string, unknown>) =>
      signWith(trusted, claims({ tid: 'acme', ...extra })).then((token) =>
        strict.authenticate({ kind: 'bearer', token }),
      );
    await expectRefused(auth({ roles: { admin: true } }), 'AUTH_INVALID_TOKEN');
    await expectRefused(auth({ roles: ['admin', 7] }), 'AUTH_INVALID_TOKEN');
    await expectRefused(auth({ groups: 'a'.repeat(2000) }), 'AUTH_INVALID_TOKEN');
    await expectRefused(
      auth({ groups: Array.from({ length: 300 }, (_, i) => `g${i}`) }),
      'AUTH_INVALID_TOKEN',
    );
    await expectRefused(auth({ tid: ['acme'] }), 'AUTH_INVALID_TOKEN');
    await expectRefused(auth({ tid: undefined }), 'AUTH_INVALID_TOKEN');
    await expect(auth({ roles: ['admin'] })).resolves.toMatchObject({ roles: ['admin'], tenantId: 'acme' });
  });

  it('reads claim paths through own properties only (no prototype walk)', async () => {
    const protoProvider = jwtProvider({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256'],
      jwks: { keys: [trusted.publicJwk] },
      subjectClaim: 'constructor.name',
      now: () => T0,
    });
    const token = await signWith(trusted);
    await expectRefused(protoProvider.authenticate({ kind: 'bearer', token }), 'AUTH_INVALID_TOKEN', token);
  });
});
