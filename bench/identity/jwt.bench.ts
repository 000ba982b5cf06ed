// jwtProvider.authenticate against what a user would otherwise call: jose's jwtVerify with an
// already imported key (the floor we build on), jsonwebtoken, and fast-jwt's createVerifier (a
// verifier built once, its fastest form), in one run, for ES256, RS256 and HS256.
//
// Fresh tokens: a pool of distinct tokens (distinct jti) cycled in turn. Our verified-token cache is
// ON but smaller than the pool, so an LRU cycling through the pool always misses: the line measures
// the full check plus the cost of the cache (hash, insert, evict). fast-jwt's own cache misses for
// the same reason. Repeated token: one token again and again, where our cache answers.
//
// Every contestant checks the same things: signature, alg allow-list, iss, aud, exp.
// Before timing, each contestant must accept a sample token and agree on its subject.
//
// The contestants of a comparison are timed interleaved (one ~50 ms batch of each in turn, 15
// rounds, the order rotating each round, median per contestant), not one after the other, so that load from other processes on a
// shared machine falls on all of them alike and the ratios stay meaningful.
//
// Run: pnpm bench identity
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { createMemoryStore } from '@secbot/core';
import { type JwtProvider, jwtProvider } from '@secbot/identity';
import { createVerifier } from 'fast-jwt';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { type Contestant, compareInterleaved } from '../harness.js';

const ISSUER = 'https://id.example.com';
const AUDIENCE = 'chatbot-api';
const POOL = 2048;
const CACHE_ENTRIES = 1024; // < POOL: cycling through the pool never hits
type Alg = 'ES256' | 'RS256' | 'HS256';

interface Setup {
  readonly alg: Alg;
  readonly tokens: readonly string[];
  /** Key as jose wants it, imported once. */
  readonly joseKey: CryptoKey | Uint8Array;
  /** Key as jsonwebtoken and fast-jwt want it. */
  readonly nodeKey: KeyObject;
  readonly pem: string | Buffer;
  readonly ours: (cache: boolean, revocation?: boolean) => JwtProvider;
}

async function setUp(alg: Alg): Promise<Setup> {
  let signingKey: CryptoKey | Uint8Array;
  let joseKey: CryptoKey | Uint8Array;
  let nodeKey: KeyObject;
  let pem: string | Buffer;
  let keySource: { jwks: { keys: JWK[] } } | { secret: Uint8Array };
  if (alg === 'HS256') {
    const secret = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
    signingKey = secret;
    joseKey = await importJWK({ kty: 'oct', k: Buffer.from(secret).toString('base64url') }, 'HS256');
    nodeKey = createSecretKey(secret);
    pem = Buffer.from(secret);
    keySource = { secret };
  } else {
    const pair = await generateKeyPair(alg, { extractable: true });
    signingKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg, use: 'sig' };
    joseKey = (await importJWK(jwk, alg)) as CryptoKey;
    nodeKey = createPublicKey({ key: jwk as never, format: 'jwk' });
    pem = nodeKey.export({ type: 'spki', format: 'pem' }).toString();
    keySource = { jwks: { keys: [jwk] } };
  }
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const tokens: string[] = [];
  for (let i = 0; i < POOL; i++) {
    tokens.push(
      await new SignJWT({ scope: 'chat', realm_access: { roles: ['agent'] } })
        .setProtectedHeader(alg === 'HS256' ? { alg } : { alg, kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(`user-${i}`)
        .setJti(`jti-${i}`)
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(signingKey),
    );
  }
  const ours = (cache: boolean, revocation = false) =>
    jwtProvider({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: [alg],
      ...keySource,
      rolesClaim: 'realm_access.roles',
      roles: { acceptRoles: ['agent'] },
      ...(cache ? { cache: { maxEntries: CACHE_ENTRIES } } : {}),
      ...(revocation ? { revocation: { store: createMemoryStore() } } : {}),
    });
  return { alg, tokens, joseKey, nodeKey, pem, ours };
}

/**
 * Contestants for one setup. Each gets its own token sequence from `tokens()`: a shared cursor
 * would let a contestant skip most of the pool and meet a token again while it is still cached.
 */
function contestants(setup: Setup, tokens: () => () => string) {
  const { alg } = setup;
  const withCache = setup.ours(true);
  const noCache = setup.ours(false);
  const fast = createVerifier({
    key: setup.pem,
    algorithms: [alg],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
    cache: true,
  });
  const joseOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: [alg], requiredClaims: ['exp'] };
  const jwtOptions = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
  const named = (name: string, verify: (token: string) => unknown): Contestant => ({
    name,
    run: (
      (next) => () =>
        verify(next())
    )(tokens()),
  });
  return {
    oursCached: named('@secbot/identity jwtProvider (cache on)', (t) =>
      withCache.authenticate({ kind: 'bearer', token: t }),
    ),
    oursNoCache: named('@secbot/identity jwtProvider (no cache)', (t) =>
      noCache.authenticate({ kind: 'bearer', token: t }),
    ),
    jose: named('jose jwtVerify (key imported once)', (t) => jwtVerify(t, setup.joseKey, joseOptions)),
    jsonwebtoken: named('jsonwebtoken verify (KeyObject)', (t) =>
      jsonwebtoken.verify(t, setup.nodeKey, jwtOptions),
    ),
    fastJwt: named('fast-jwt createVerifier (built once, cache)', (t) => fast(t)),
  };
}

/** Every contestant must accept the sample and agree on its subject before anything is timed. */
async function crossCheck(setup: Setup): Promise<void> {
  const sample = setup.tokens[0]!;
  const all = contestants(setup, () => () => sample);
  const subjects = await Promise.all(
    Object.values(all).map(async (c) => {
      const result = (await c.run()) as { id?: string; sub?: string; payload?: { sub?: string } };
      return result.id ?? result.payload?.sub ?? result.sub;
    }),
  );
  if (subjects.some((sub) => sub !== 'user-0'))
    throw new Error(`${setup.alg}: contestants disagree: ${subjects}`);
}

export default async function jwtBench(): Promise<void> {
  for (const alg of ['ES256', 'RS256', 'HS256'] as const) {
    const setup = await setUp(alg);
    await crossCheck(setup);

    const f = contestants(setup, () => {
      let i = 0;
      return () => setup.tokens[i++ % POOL]!;
    });
    await compareInterleaved(
      `${alg}: fresh tokens (pool of ${POOL}, our cache of ${CACHE_ENTRIES} always misses)`,
      f.oursCached,
      [f.jose, f.oursNoCache, f.jsonwebtoken, f.fastJwt],
    );

    const one = setup.tokens[1]!;
    const r = contestants(setup, () => () => one);
    const revoking = setup.ours(true, true);
    await compareInterleaved(`${alg}: one repeated token (our verified cache answers)`, r.oursCached, [
      r.jose,
      {
        name: '@secbot/identity cache + revocation (memory store)',
        run: () => revoking.authenticate({ kind: 'bearer', token: one }),
      },
      r.jsonwebtoken,
      r.fastJwt,
    ]);
  }
}
