// Shared fixtures for the JWT and OIDC tests: keys, token makers (including hand-built tokens jose
// would refuse to produce), and a tiny HTTP server on 127.0.0.1 that counts its requests.
import { createHmac, type KeyObject, sign as nodeSign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSecbotError, type SecbotErrorCode } from '@secbot/core';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { expect } from 'vitest';

/** 2026-01-01T00:00:00Z, the frozen "now" of most tests. */
export const T0 = Date.UTC(2026, 0, 1);
export const T0_SEC = T0 / 1000;
export const ISSUER = 'https://id.example.com';
export const AUDIENCE = 'chatbot-api';

export interface TestKey {
  readonly alg: 'RS256' | 'ES256';
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** A fresh key pair with its public JWK (carrying `kid`, `alg`, `use`). */
export async function makeKey(alg: 'RS256' | 'ES256', kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk };
}

/** Standard claims valid at T0 for ISSUER/AUDIENCE. */
export function claims(overrides: JWTPayload = {}): JWTPayload {
  return { iss: ISSUER, aud: AUDIENCE, sub: 'user-1', iat: T0_SEC, exp: T0_SEC + 3600, ...overrides };
}

/** Sign claims with jose (a well-formed token). */
export async function signWith(
  key: TestKey,
  payload: JWTPayload = claims(),
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey);
}

/** Sign claims with an HMAC secret via jose. */
export async function signHmac(
  secret: string | Uint8Array,
  payload: JWTPayload = claims(),
  header: Record<string, unknown> = {},
  alg = 'HS256',
): Promise<string> {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(payload).setProtectedHeader({ alg, ...header }).sign(bytes);
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/**
 * A token built by hand from raw JSON text (so it can hold duplicate names or odd headers),
 * signed with HMAC-SHA256 (`secret`) or ES256/RS256 (`key`).
 */
export function rawToken(
  headerJson: string,
  payloadJson: string,
  signer: { readonly secret: string } | { readonly key: KeyObject; readonly alg: 'ES256' | 'RS256' },
): string {
  const input = `${b64(headerJson)}.${b64(payloadJson)}`;
  const signature =
    'secret' in signer
      ? createHmac('sha256', signer.secret).update(input).digest()
      : nodeSign('sha256', Buffer.from(input), {
          key: signer.key,
          ...(signer.alg === 'ES256' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
        });
  return `${input}.${signature.toString('base64url')}`;
}

/** Assert that `promise` rejects with a SecbotError of `code` whose message and JSON omit `token`. */
export async function expectRefused(
  promise: Promise<unknown>,
  code: SecbotErrorCode,
  token?: string,
  reason?: string,
): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a rejection').toBeDefined();
  if (!isSecbotError(caught)) throw new Error(`not a SecbotError: ${String(caught)}`);
  expect(caught.code).toBe(code);
  if (reason !== undefined) expect(caught.message).toContain(reason);
  if (token !== undefined && token.length > 0) {
    const signature = token.split('.').at(-1) ?? token;
    expect(caught.message).not.toContain(token);
    expect(JSON.stringify(caught)).not.toContain(token);
    if (signature.length >= 8) expect(caught.message).not.toContain(signature);
  }
}

export interface TestServer {
  readonly url: string;
  readonly port: number;
  /** Requests received, by path. */
  readonly hits: Map<string, number>;
  count(path: string): number;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** An HTTP server on 127.0.0.1 (port 0 unless given) that counts requests per path. */
export async function startServer(handler: Handler, port = 0): Promise<TestServer> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    hits,
    count: (path) => hits.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A handler answering JSON from a routing table (404 otherwise). */
export function jsonRoutes(routes: Record<string, () => unknown>): Handler {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const route = routes[path];
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(route()));
  };
}
