// jwtProvider with a jwksUri, against a real HTTP server on 127.0.0.1 that counts JWKS requests.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type JwtProviderOptions, jwtProvider } from '../src/jwt-provider.js';
import {
  AUDIENCE,
  expectRefused,
  type Handler,
  ISSUER,
  jsonRoutes,
  makeKey,
  signWith,
  startServer,
  T0,
  type TestKey,
  type TestServer,
} from './jwt-helpers.js';

let k1: TestKey;
let k2: TestKey;
const servers: TestServer[] = [];

beforeAll(async () => {
  k1 = await makeKey('ES256', 'k1');
  k2 = await makeKey('ES256', 'k2');
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

function remote(server: TestServer, extra: Partial<JwtProviderOptions> = {}) {
  return jwtProvider({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    jwksUri: `${server.url}/jwks`,
    allowInsecureJwksUri: true,
    now: () => T0,
    ...extra,
  });
}

describe('remote JWK Set', () => {
  it('is fetched once, on first use, and shared by concurrent first requests', async () => {
    const server = await serve(jsonRoutes({ '/jwks': () => ({ keys: [k1.publicJwk] }) }));
    const provider = remote(server);
    expect(server.count('/jwks')).toBe(0);
    const token = await signWith(k1);
    await Promise.all(Array.from({ length: 10 }, () => provider.authenticate({ kind: 'bearer', token })));
    await provider.authenticate({ kind: 'bearer', token });
    expect(server.count('/jwks')).toBe(1);
  });

  it('refetches for an unknown kid at most once per cooldown, and then knows the new key', async () => {
    let keys = [k1.publicJwk];
    const server = await serve(jsonRoutes({ '/jwks': () => ({ keys }) }));
    const provider = remote(server, { jwksCooldownMs: 500 });
    await provider.authenticate({ kind: 'bearer', token: await signWith(k1) });
    expect(server.count('/jwks')).toBe(1);

    keys = [k1.publicJwk, k2.publicJwk]; // the issuer publishes a new key
    const fresh = await signWith(k2);
    // Inside the cooldown an unknown kid is refused without a fetch.
    await expectRefused(provider.authenticate({ kind: 'bearer', token: fresh }), 'AUTH_INVALID_TOKEN', fresh);
    expect(server.count('/jwks')).toBe(1);

    await sleep(600);
    await Promise.all(
      Array.from({ length: 20 }, () => provider.authenticate({ kind: 'bearer', token: fresh })),
    );
    expect(server.count('/jwks')).toBe(2);

    // A flood of random kids right after is refused without more fetches.
    for (let i = 0; i < 20; i++) {
      const forged = await signWith({ ...k2, kid: `random-${i}` });
      await expectRefused(provider.authenticate({ kind: 'bearer', token: forged }), 'AUTH_INVALID_TOKEN');
    }
    expect(server.count('/jwks')).toBe(2);
  });

  it('keeps working from its cached keys when the endpoint goes down', async () => {
    const server = await serve(jsonRoutes({ '/jwks': () => ({ keys: [k1.publicJwk] }) }));
    const provider = remote(server);
    const token = await signWith(k1);
    await provider.authenticate({ kind: 'bearer', token });
    await server.close();
    await expect(provider.authenticate({ kind: 'bearer', token })).resolves.toBeDefined();
  });

  it('fails closed with AUTH_PROVIDER_UNAVAILABLE when the endpoint is unreachable', async () => {
    const server = await serve(jsonRoutes({}));
    await server.close();
    const token = await signWith(k1);
    await expectRefused(
      remote(server).authenticate({ kind: 'bearer', token }),
      'AUTH_PROVIDER_UNAVAILABLE',
      token,
    );
  });

  it('fails closed with AUTH_PROVIDER_UNAVAILABLE when the endpoint does not answer in time', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const token = await signWith(k1);
    const started = performance.now();
    await expectRefused(
      remote(server, { jwksTimeoutMs: 200 }).authenticate({ kind: 'bearer', token }),
      'AUTH_PROVIDER_UNAVAILABLE',
      token,
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it.each([
    ['HTTP 500', (_req, res) => res.writeHead(500).end()],
    ['a body that is not JSON', (_req, res) => res.writeHead(200).end('<html>')],
    ['JSON that is not a JWK Set', (_req, res) => res.writeHead(200).end('{"kids":[]}')],
    [
      'a body over 512 KiB',
      (_req, res) => res.writeHead(200).end(JSON.stringify({ keys: [], pad: 'x'.repeat(600_000) })),
    ],
    [
      'a chunked body over 512 KiB',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        for (let i = 0; i < 100; i++) res.write('x'.repeat(10_000));
        res.end();
      },
    ],
  ] as [string, Handler][])('fails closed on %s', async (_label, handler) => {
    const server = await serve(handler);
    const token = await signWith(k1);
    await expectRefused(
      remote(server).authenticate({ kind: 'bearer', token }),
      'AUTH_PROVIDER_UNAVAILABLE',
      token,
    );
  });

  it('does not follow a redirect to another host', async () => {
    const elsewhere = await serve(jsonRoutes({ '/jwks': () => ({ keys: [k1.publicJwk] }) }));
    const server = await serve((_req, res) =>
      res.writeHead(302, { location: `${elsewhere.url}/jwks` }).end(),
    );
    const token = await signWith(k1);
    await expectRefused(
      remote(server).authenticate({ kind: 'bearer', token }),
      'AUTH_PROVIDER_UNAVAILABLE',
      token,
    );
    expect(elsewhere.count('/jwks')).toBe(0);
  });

  it('refuses to use a private key published in the JWK Set', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const leaked = { ...privateKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256' };
    const server = await serve(jsonRoutes({ '/jwks': () => ({ keys: [leaked] }) }));
    const token = await signWith(k1);
    const error = await remote(server)
      .authenticate({ kind: 'bearer', token })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'AUTH_PROVIDER_UNAVAILABLE' });
    expect(JSON.stringify(error)).not.toContain(String(leaked.d));
    expect(String((error as Error).message)).not.toContain(String(leaked.d));
  });
});
