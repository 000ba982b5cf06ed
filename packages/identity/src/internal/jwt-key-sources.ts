import {
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  type JWTVerifyResult,
  jwtVerify,
} from 'jose';
import { boundedFetch } from './bounded-fetch.js';
import { providerUnavailable } from './jwt-errors.js';

// Where verification keys come from. Every key is imported once: HMAC secrets become
// non-extractable CryptoKeys when the source is built, JWK Sets go through jose's local or remote
// set, which import each JWK once (per algorithm) and keep the CryptoKey.
// Header parameters that point at keys (`jku`, `x5u`, `jwk`, `x5c`) are never consulted: jose's
// resolvers select by `kid` and `alg` only, and jwtVerify never fetches or embeds keys on its own.

/** Verifies a compact JWT (signature and the claims in `options`). */
export interface KeySource {
  /** The algorithm allow-list this source is used with. */
  readonly algorithms: readonly string[];
  verify(token: string, options: JWTVerifyOptions): Promise<JWTVerifyResult>;
}

/** Most keys tried for a token that several keys of a JWK Set match (a token without `kid`). */
const maxCandidateKeys = 4;

/**
 * HMAC secrets, newest first. A token is checked against each in turn until one verifies, so a
 * secret can be rotated in before the old one is removed. Only a bad signature moves on to the
 * next secret; any other failure (claims, header) is final.
 *
 * Each secret is imported once per allowed algorithm (WebCrypto binds an HMAC key to its hash) as a
 * non-extractable CryptoKey, starting when the source is built. This matters: given a Uint8Array or
 * a secret KeyObject, jose 6 calls `crypto.subtle.importKey('raw', ...)` on every verification.
 * Our copies of the secret bytes are zeroed once imported.
 */
export function hmacKeySource(secrets: readonly Uint8Array[], algorithms: readonly string[]): KeySource {
  const importAll = Promise.all(
    secrets.map(async (secret) => {
      const byAlg = new Map<string, CryptoKey>();
      for (const alg of algorithms) {
        const hash = `SHA-${alg.slice(2)}`;
        byAlg.set(
          alg,
          await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash }, false, ['verify']),
        );
      }
      return byAlg;
    }),
  ).finally(() => {
    for (const secret of secrets) secret.fill(0);
  });
  let imported: readonly ReadonlyMap<string, CryptoKey>[] | undefined;
  // Keep the keys once ready so the request path does not await; a failure surfaces on use.
  importAll.then(
    (keys) => {
      imported = keys;
    },
    () => undefined,
  );
  const resolvers = (keys: readonly ReadonlyMap<string, CryptoKey>[]): JWTVerifyGetKey[] =>
    keys.map((byAlg) => (header) => {
      const key = typeof header.alg === 'string' ? byAlg.get(header.alg) : undefined;
      if (key === undefined)
        throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
      return key;
    });
  let cachedResolvers: JWTVerifyGetKey[] | undefined;
  return {
    algorithms,
    async verify(token, options) {
      if (cachedResolvers === undefined) cachedResolvers = resolvers(imported ?? (await importAll));
      let failure: unknown;
      for (const resolver of cachedResolvers) {
        try {
          return await jwtVerify(token, resolver, options);
        } catch (error) {
          if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw error;
          failure = error;
        }
      }
      throw failure ?? new errors.JWSSignatureVerificationFailed();
    },
  };
}

/**
 * A key resolver over a JWK Set. When several keys match (no `kid`), up to four are tried, as
 * jose documents for `JWKSMultipleMatchingKeys`.
 */
export function jwksKeySource(resolver: JWTVerifyGetKey, algorithms: readonly string[]): KeySource {
  return {
    algorithms,
    async verify(token, options) {
      try {
        return await jwtVerify(token, resolver, options);
      } catch (error) {
        if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
        let tried = 0;
        for await (const key of error) {
          if (++tried > maxCandidateKeys) break;
          try {
            return await jwtVerify(token, key, options);
          } catch (inner) {
            if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
          }
        }
        throw new errors.JWSSignatureVerificationFailed();
      }
    },
  };
}

/**
 * A static JWK Set (already validated: public keys only). jose's local set picks the key; since
 * the set never changes, each successful pick is remembered by (alg, kid), so the next token with
 * the same header gets its CryptoKey without the search. Only picks that succeeded are kept, and
 * they need a `kid` that is in the set, so the map is bounded by the set's size.
 */
export function localJwksKeySource(jwks: JSONWebKeySet, algorithms: readonly string[]): KeySource {
  const local = createLocalJWKSet(jwks);
  const picked = new Map<string, CryptoKey>();
  const resolver: JWTVerifyGetKey = (header, token) => {
    const { alg, kid } = header;
    // Only headers jose's own search would treat the same way share an entry: a string kid, or none.
    const id =
      kid === undefined ? `${alg}\u0001` : typeof kid === 'string' ? `${alg}\u0000${kid}` : undefined;
    if (id === undefined || token.header !== undefined) return local(header, token);
    const known = picked.get(id);
    if (known !== undefined) return known;
    return local(header, token).then((key) => {
      picked.set(id, key);
      return key;
    });
  };
  return jwksKeySource(resolver, algorithms);
}

/** Timing of a remote JWK Set. */
export interface RemoteJwksTiming {
  readonly timeoutMs: number;
  readonly cooldownMs: number;
  readonly cacheMaxAgeMs: number;
}

// Errors a JWK Set resolver raises because of the token (which key it asks for), not because the
// endpoint failed: these stay token errors; everything else is the endpoint's fault.
const tokenKeyErrors = [errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys, errors.JOSENotSupported];

/**
 * A JWK Set fetched from `url` by jose's `createRemoteJWKSet`: fetched on first use, cached for
 * `cacheMaxAgeMs`, refetched at most once per `cooldownMs` when a token names an unknown `kid`,
 * each fetch bounded by `timeoutMs` and by the body cap of {@link boundedFetch}. A failed fetch
 * (network, timeout, non-200, not a JWK Set, a key that does not import) fails closed with
 * `AUTH_PROVIDER_UNAVAILABLE`; concurrent requests share one fetch.
 */
export function remoteJwksKeySource(
  name: string,
  url: string,
  timing: RemoteJwksTiming,
  algorithms: readonly string[],
): KeySource {
  const remote = createRemoteJWKSet(new URL(url), {
    timeoutDuration: timing.timeoutMs,
    cooldownDuration: timing.cooldownMs,
    cacheMaxAge: timing.cacheMaxAgeMs,
    [customFetch]: (resource, init) => boundedFetch(resource, init),
  });
  const resolver: JWTVerifyGetKey = async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (tokenKeyErrors.some((kind) => error instanceof kind)) throw error;
      throw providerUnavailable(name, 'JWKS endpoint unavailable or returned no usable key set', error);
    }
  };
  return jwksKeySource(resolver, algorithms);
}
