import type { IdentityProvider, Principal } from '@secbot/core';
import { describe, expectTypeOf, it } from 'vitest';
import { type JwtProvider, jwtProvider } from '../src/jwt-provider.js';
import { type OidcProvider, oidcProvider } from '../src/oidc-provider.js';

describe('public types', () => {
  it('jwtProvider returns an IdentityProvider with revokeToken', () => {
    const provider = jwtProvider({
      issuer: 'i',
      audience: 'a',
      algorithms: ['ES256'],
      jwksUri: 'https://x/jwks',
    });
    expectTypeOf(provider).toEqualTypeOf<JwtProvider>();
    expectTypeOf(provider).toMatchTypeOf<IdentityProvider>();
    expectTypeOf(provider.authenticate).returns.resolves.toEqualTypeOf<Principal>();
    expectTypeOf(provider.revokeToken).parameters.toEqualTypeOf<[string, number]>();
  });

  it('refuses alg none and unknown algorithms at compile time', () => {
    // @ts-expect-error 'none' is not a JwtAlgorithm
    jwtProvider({ issuer: 'i', audience: 'a', algorithms: ['none'], jwksUri: 'https://x/jwks' });
    // @ts-expect-error audience is required
    jwtProvider({ issuer: 'i', algorithms: ['RS256'], jwksUri: 'https://x/jwks' });
  });

  it('oidcProvider takes asymmetric algorithms only and has ready()', () => {
    const provider = oidcProvider({ issuer: 'https://id.example.com', audience: 'a', algorithms: ['RS256'] });
    expectTypeOf(provider).toEqualTypeOf<OidcProvider>();
    expectTypeOf(provider.ready).returns.toEqualTypeOf<Promise<void>>();
    // @ts-expect-error HMAC is not allowed for OIDC
    oidcProvider({ issuer: 'https://id.example.com', audience: 'a', algorithms: ['HS256'] });
  });
});
