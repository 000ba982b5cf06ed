// oidcProvider against a real OpenID Connect issuer (oidc-provider 9) on 127.0.0.1, and against
// hand-made discovery documents for the failure cases.
import { setTimeout as sleep } from 'node:timers/promises';
import { createManualClock } from '@secbot/test-utils';
import { decodeProtectedHeader, exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type OidcProviderOptions, oidcProvider } from '../src/oidc-provider.js';
import { expectRefused, type Handler, jsonRoutes, startServer, type TestServer } from './jwt-helpers.js';
import { RESOURCE, startIssuer } from './oidc-issuer.js';

async function signingKey(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

// oidc-provider warns on Node 20 ("Unsupported runtime. Use Node.js v22.x LTS") and about its
// in-memory adapter; keep those out of the test output, let any other warning through.
const warn = console.warn.bind(console);
beforeAll(() => {
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider')) return;
    warn(...args);
  });
});
afterAll(() => {
  vi.restoreAllMocks();
});

function provider(issuer: string, extra: Partial<OidcProviderOptions> = {}) {
  return oidcProvider({
    issuer,
    audience: RESOURCE,
    allowInsecure: true,
    typ: 'at+jwt',
    tenantClaim: 'tid',
    rolesClaim: 'roles',
    roles: { acceptRoles: ['agent'] },
    jwksCooldownMs: 500,
    ...extra,
  });
}

describe('against a real OpenID Connect issuer (oidc-provider)', () => {
  it('discovers the issuer and authenticates a real client-credentials access token', async () => {
    const issuer = await startIssuer(await signingKey('key-1'));
    cleanup.push(() => issuer.close());
    const oidc = provider(issuer.url);
    await oidc.ready();
    await oidc.ready();
    expect(issuer.discoveryRequests()).toBe(1);
    expect(issuer.jwksRequests()).toBe(0); // keys are fetched when first needed

    const token = await issuer.accessToken();
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: 'key-1' });
    const principal = await oidc.authenticate({ kind: 'bearer', token });
    expect(principal).toMatchObject({
      id: 'chatbot', // client credentials: sub is the client id
      tenantId: 'acme',
      roles: ['agent'], // 'root' asserted by the issuer but not accepted
      authMethod: 'oidc',
      attributes: { iss: issuer.url, scope: 'chat' },
    });
    expect(principal.expiresAt).toBeGreaterThan(Date.now());
    expect(issuer.jwksRequests()).toBe(1);
  });

  it('discovers lazily on the first token, once for concurrent requests', async () => {
    const issuer = await startIssuer(await signingKey('key-1'));
    cleanup.push(() => issuer.close());
    const oidc = provider(issuer.url);
    const token = await issuer.accessToken();
    await Promise.all(Array.from({ length: 5 }, () => oidc.authenticate({ kind: 'bearer', token })));
    expect(issuer.discoveryRequests()).toBe(1);
    expect(issuer.jwksRequests()).toBe(1);
  });

  it('follows a key rotation: the new kid is fetched exactly once, old tokens fail', async () => {
    const first = await startIssuer(await signingKey('key-1'));
    const oidc = provider(first.url);
    const oldToken = await first.accessToken();
    await oidc.authenticate({ kind: 'bearer', token: oldToken });
    expect(first.jwksRequests()).toBe(1);
    await first.close();

    // Redeploy at the same address with a new signing key (new kid).
    const second = await startIssuer(await signingKey('key-2'), first.port);
    cleanup.push(() => second.close());
    const newToken = await second.accessToken();
    expect(decodeProtectedHeader(newToken).kid).toBe('key-2');
    await sleep(600); // past the JWKS cooldown since the first fetch
    const principals = await Promise.all(
      Array.from({ length: 10 }, () => oidc.authenticate({ kind: 'bearer', token: newToken })),
    );
    expect(principals.every((principal) => principal.id === 'chatbot')).toBe(true);
    expect(second.jwksRequests()).toBe(1);

    await expectRefused(
      oidc.authenticate({ kind: 'bearer', token: oldToken }),
      'AUTH_INVALID_TOKEN',
      oldToken,
    );
    await oidc.authenticate({ kind: 'bearer', token: newToken });
    expect(second.jwksRequests()).toBe(1);
    expect(second.discoveryRequests()).toBe(0); // discovery is kept across the redeploy
  });

  it('fails closed with AUTH_PROVIDER_UNAVAILABLE when the JWKS endpoint is down', async () => {
    const issuer = await startIssuer(await signingKey('key-1'));
    const oidc = provider(issuer.url);
    await oidc.ready();
    const token = await issuer.accessToken();
    await issuer.close();
    await expectRefused(oidc.authenticate({ kind: 'bearer', token }), 'AUTH_PROVIDER_UNAVAILABLE', token);
  });

  it('refuses a token meant for another audience', async () => {
    const issuer = await startIssuer(await signingKey('key-1'));
    cleanup.push(() => issuer.close());
    const token = await issuer.accessToken();
    await expectRefused(
      provider(issuer.url, { audience: 'urn:other:api' }).authenticate({ kind: 'bearer', token }),
      'AUTH_INVALID_TOKEN',
      token,
    );
  });
});

describe('discovery failures', () => {
  async function discoveryServer(document: (url: string) => unknown): Promise<TestServer> {
    let url = '';
    const server = await startServer(
      jsonRoutes({ '/.well-known/openid-configuration': () => document(url) }),
    );
    url = server.url;
    cleanup.push(() => server.close());
    return server;
  }
  const good = (url: string) => ({
    issuer: url,
    jwks_uri: `${url}/jwks`,
    id_token_signing_alg_values_supported: ['RS256', 'ES256'],
  });

  it('refuses a document naming another issuer with CONFIG_INVALID, at ready and at first use', async () => {
    const server = await discoveryServer((url) => ({ ...good(url), issuer: 'https://evil.example.com' }));
    const oidc = provider(server.url, { discoveryRetryMs: 0 });
    await expectRefused(oidc.ready(), 'CONFIG_INVALID', undefined, 'evil.example.com');
    await expectRefused(oidc.authenticate({ kind: 'bearer', token: 'a.b.c' }), 'CONFIG_INVALID');
  });

  it('requires the exact issuer string (a trailing slash is another issuer)', async () => {
    const server = await discoveryServer(good);
    await expectRefused(provider(`${server.url}/`).ready(), 'CONFIG_INVALID');
  });

  it('refuses an insecure jwks_uri off loopback with CONFIG_INVALID', async () => {
    const server = await discoveryServer((url) => ({
      ...good(url),
      jwks_uri: 'http://keys.example.com/jwks',
    }));
    await expectRefused(provider(server.url).ready(), 'CONFIG_INVALID', undefined, 'jwks_uri');
  });

  it('defaults algorithms to what the issuer advertises, within the safe list', async () => {
    const server = await discoveryServer((url) => ({
      ...good(url),
      id_token_signing_alg_values_supported: ['HS256', 'none'],
    }));
    await expectRefused(provider(server.url).ready(), 'CONFIG_INVALID', undefined, 'algorithm');
    await expect(provider(server.url, { algorithms: ['ES256'] }).ready()).resolves.toBeUndefined();
  });

  it.each([
    ['HTTP 500', ((_req, res) => res.writeHead(500).end()) as Handler],
    ['a body that is not JSON', ((_req, res) => res.writeHead(200).end('<html>')) as Handler],
    ['no jwks_uri', jsonRoutes({ '/.well-known/openid-configuration': () => ({ issuer: 'x' }) })],
  ])('reports %s as AUTH_PROVIDER_UNAVAILABLE', async (_label, handler) => {
    const server = await startServer(handler);
    cleanup.push(() => server.close());
    await expectRefused(provider(server.url).ready(), 'AUTH_PROVIDER_UNAVAILABLE');
  });

  it('fails fast during the retry delay, then retries and keeps the first success', async () => {
    let healthy = false;
    let url = '';
    const server = await startServer((req, res) => {
      if (!healthy) {
        res.writeHead(503).end();
        return;
      }
      jsonRoutes({ '/.well-known/openid-configuration': () => good(url) })(req, res);
    });
    url = server.url;
    cleanup.push(() => server.close());
    const clock = createManualClock();
    const oidc = provider(server.url, { now: clock.now, discoveryRetryMs: 5000 });
    const discovery = () => server.count('/.well-known/openid-configuration');

    await expectRefused(oidc.ready(), 'AUTH_PROVIDER_UNAVAILABLE');
    healthy = true;
    await expectRefused(oidc.ready(), 'AUTH_PROVIDER_UNAVAILABLE');
    expect(discovery()).toBe(1);
    clock.advance(5000);
    await oidc.ready();
    expect(discovery()).toBe(2);
    healthy = false;
    clock.advance(60_000);
    await oidc.ready();
    expect(discovery()).toBe(2);
  });

  it('refuses malformed tokens before discovering anything', async () => {
    const server = await discoveryServer(good);
    const oidc = provider(server.url);
    await expectRefused(
      oidc.authenticate({ kind: 'bearer', token: `${'a'.repeat(9000)}.b.c` }),
      'AUTH_INVALID_TOKEN',
    );
    await expectRefused(oidc.authenticate({ kind: 'bearer', token: 'not-a-jwt' }), 'AUTH_INVALID_TOKEN');
    await expectRefused(oidc.authenticate({ kind: 'apiKey', key: 'k' }), 'AUTH_INVALID_CREDENTIALS');
    expect(server.hits.size).toBe(0);
  });

  it('fails closed when the issuer is unreachable', async () => {
    const server = await startServer(jsonRoutes({}));
    await server.close();
    await expectRefused(provider(server.url).ready(), 'AUTH_PROVIDER_UNAVAILABLE');
  });
});

describe('options', () => {
  it.each([
    [
      'an http issuer without allowInsecure',
      { issuer: 'http://127.0.0.1:1', allowInsecure: false },
      'issuer',
    ],
    ['an http issuer off loopback', { issuer: 'http://id.example.com', allowInsecure: true }, 'issuer'],
    ['an issuer with a query', { issuer: 'https://id.example.com/?tenant=a' }, 'issuer'],
    ['an HMAC algorithm', { algorithms: ['HS256'] }, 'algorithms[0]'],
    ['alg none', { algorithms: ['none'] }, 'algorithms[0]'],
    ['a jwks option (keys come from discovery)', { jwks: { keys: [] } }, ''],
  ])('refuses %s with CONFIG_INVALID naming the path', (_label, change, path) => {
    let caught: unknown;
    try {
      oidcProvider({ issuer: 'https://id.example.com', audience: 'api', ...change } as OidcProviderOptions);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((caught as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toContain(path);
  });

  it('names itself oidc and accepts bearer credentials only', () => {
    const oidc = oidcProvider({ issuer: 'https://id.example.com', audience: 'api' });
    expect(oidc.name).toBe('oidc');
    expect(oidc.kinds).toEqual(['bearer']);
  });
});
