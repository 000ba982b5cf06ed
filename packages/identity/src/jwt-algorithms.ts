/**
 * The JWS algorithms a JWT provider may be configured with. `none` is not among them and never
 * will be: every token must be signed.
 */
export const hmacJwtAlgorithms = ['HS256', 'HS384', 'HS512'] as const;

/**
 * The asymmetric JWS algorithms a JWT or OIDC provider accepts, verified with public keys from a
 * JWK Set. This is also the "safe list" an OIDC provider intersects with what the issuer advertises.
 */
export const asymmetricJwtAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** An HMAC algorithm: needs a shared `secret`. */
export type HmacJwtAlgorithm = (typeof hmacJwtAlgorithms)[number];

/** An asymmetric algorithm: needs `jwks` or `jwksUri`. */
export type AsymmetricJwtAlgorithm = (typeof asymmetricJwtAlgorithms)[number];

/** Any algorithm a provider can be configured with. */
export type JwtAlgorithm = HmacJwtAlgorithm | AsymmetricJwtAlgorithm;
