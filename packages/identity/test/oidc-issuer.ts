// A real OpenID Connect issuer (npm oidc-provider) on 127.0.0.1 for the OIDC tests: client
// credentials grant, JWT access tokens (RFC 9068, typ at+jwt) for the resource urn:secbot:api.
import type { JWK } from 'jose';
import Provider from 'oidc-provider';
import { startServer, type TestServer } from './jwt-helpers.js';

export const RESOURCE = 'urn:secbot:api';
const CLIENT_ID = 'chatbot';
const CLIENT_SECRET = 'client-secret-for-tests-only-0123456789';

export interface TestIssuer {
  readonly url: string;
  readonly port: number;
  /** JWKS requests served so far. */
  jwksRequests(): number;
  /** Discovery requests served so far. */
  discoveryRequests(): number;
  /** A fresh access token from the token endpoint. */
  accessToken(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Start an issuer signing with `signingKey` (a private JWK with kid). Pass `port` to restart an
 * issuer at the same address, as a redeploy would.
 */
export async function startIssuer(signingKey: JWK, port = 0): Promise<TestIssuer> {
  let handler: ((...args: Parameters<ReturnType<Provider['callback']>>) => void) | undefined;
  const server: TestServer = await startServer((req, res) => handler?.(req, res), port);
  const provider = new Provider(server.url, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [signingKey] },
    ttl: { ClientCredentials: 300 },
    extraTokenClaims: () => ({ tid: 'acme', roles: ['agent', 'root'] }),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'chat',
          audience: RESOURCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 300,
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  handler = provider.callback();
  return {
    url: server.url,
    port: server.port,
    jwksRequests: () => server.count('/jwks'),
    discoveryRequests: () => server.count('/.well-known/openid-configuration'),
    async accessToken() {
      // After a restart at the same port, the client pool may still hold a socket to the old
      // server; retry once when it turns out to be closed.
      const post = () =>
        fetch(`${server.url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
            scope: 'chat',
          }),
        });
      const response = await post().catch(post);
      const body = (await response.json()) as { access_token?: string; error?: string };
      if (body.access_token === undefined)
        throw new Error(`token endpoint: ${body.error ?? response.status}`);
      return body.access_token;
    },
    close: () => server.close(),
  };
}
