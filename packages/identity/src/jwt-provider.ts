import { createPublicKey, type JsonWebKey } from 'node:crypto';
import {
  type Clock,
  type IdentityProvider,
  parseOptions,
  type SecretInput,
  type Store,
  secretList,
} from '@secbot/core';
import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import {
  hmacKeySource,
  type KeySource,
  localJwksKeySource,
  remoteJwksKeySource,
} from './internal/jwt-key-sources.js';
import {
  algorithmSchema,
  asymmetricAlgorithmSet,
  endpointProblem,
  hmacAlgorithmSet,
  sharedJwtShape,
} from './internal/jwt-options.js';
import { createJwtVerifier, verifierSettings } from './internal/jwt-verifier.js';
import type { JwtAlgorithm } from './jwt-algorithms.js';
import type { RoleMapping } from './role-mapping.js';

/**
 * A claim path: a dotted string (`'realm_access.roles'`) or, for claim names that contain dots
 * (namespaced claims such as `'https://example.com/roles'`), an array of literal segments.
 */
export type ClaimPath = string | readonly string[];

/** Options shared by {@link jwtProvider} and `oidcProvider`. */
export interface JwtVerificationOptions {
  /** Name used in events, audit lines and error messages. */
  readonly name?: string;
  /** Accepted `aud` value(s): the token's `aud` must contain at least one. Required. */
  readonly audience: string | readonly string[];
  /** Required `typ` header, e.g. `'at+jwt'` for RFC 9068 access tokens. Not checked when unset. */
  readonly typ?: string;
  /** Leeway for `exp` and `nbf`, in seconds, 0-60. Default 30. */
  readonly clockToleranceSec?: number;
  /** Longest token accepted, in bytes, 512-65536. Longer ones are refused before any decoding. Default 8192. */
  readonly maxTokenBytes?: number;
  /** Claim holding the principal id (a string of 1-1024 characters). Default `'sub'`. */
  readonly subjectClaim?: ClaimPath;
  /** Claim holding the tenant id (e.g. `'tid'`). When set, tokens without it are refused. */
  readonly tenantClaim?: ClaimPath;
  /** Claim holding roles the issuer asserts (e.g. `'realm_access.roles'`); kept only if `roles.acceptRoles` lists them. */
  readonly rolesClaim?: ClaimPath;
  /** Claim holding the principal's groups; mapped to roles through `roles.groups`. */
  readonly groupsClaim?: ClaimPath;
  /** How groups and asserted roles become secbot roles. Without it a principal has no roles (deny by default). */
  readonly roles?: RoleMapping;
  /** Further top-level claims that must be present. `exp` is always required. */
  readonly requireClaims?: readonly string[];
  /**
   * Revocation by `jti`, kept in a `Store` of `@secbot/core` (memory, or Redis to share it between instances).
   * When set, tokens without a `jti` are refused, and the store is read on every request, cached or not.
   */
  readonly revocation?: { readonly store: Store };
  /**
   * Cache of verified tokens (keyed by SHA-256 of the token), so a repeated token skips the
   * signature check. An entry lives until the token's `exp` or `maxAgeSec` after verification,
   * whichever is first. `maxEntries` default 10,000 (LRU); `maxAgeSec` 1-3600, default 60.
   */
  readonly cache?: { readonly maxEntries?: number; readonly maxAgeSec?: number };
  /** Deadline of one JWKS request in ms. Default 5000. */
  readonly jwksTimeoutMs?: number;
  /** Least time between JWKS refetches caused by an unknown `kid`, in ms (min 500). Default 30,000. */
  readonly jwksCooldownMs?: number;
  /** Age after which cached JWKS keys are refetched, in ms. Default 600,000. */
  readonly jwksCacheMaxAgeMs?: number;
  /** Clock in epoch ms (token times, cache, revocation TTLs). Default `Date.now`. */
  readonly now?: Clock;
}

/** Options of {@link jwtProvider}. Give exactly one of `jwks`, `jwksUri` or `secret`. */
export interface JwtProviderOptions extends JwtVerificationOptions {
  /** The expected `iss`, compared exactly. Required. */
  readonly issuer: string;
  /**
   * Accepted `alg` values. Required; never `none`. HMAC (`HS*`) only with `secret`, asymmetric
   * only with `jwks`/`jwksUri`; the two families cannot be mixed.
   */
  readonly algorithms: readonly JwtAlgorithm[];
  /** A static JWK Set of public keys. */
  readonly jwks?: JSONWebKeySet;
  /** Where to fetch the JWK Set: https (http only on loopback with `allowInsecureJwksUri`). */
  readonly jwksUri?: string;
  /** Allow a plain-http `jwksUri` on a loopback host. For tests only. Default false. */
  readonly allowInsecureJwksUri?: boolean;
  /**
   * HMAC secret(s), newest first; each at least 32 bytes (48 for HS384, 64 for HS512), at most 8.
   * Tokens are accepted if any listed secret verifies them, so secrets can be rotated.
   */
  readonly secret?: SecretInput;
}

/** An `IdentityProvider` for bearer JWTs, with jti revocation. */
export interface JwtProvider extends IdentityProvider {
  /** The credential kinds this provider accepts (a provider chain skips it for others). */
  readonly kinds: readonly ['bearer'];
  /**
   * Revoke a token by its `jti` until it expires.
   *
   * @param jti - The token's `jti`.
   * @param expiresAtMs - The token's `exp` in epoch ms (`principal.expiresAt`); the entry lives until
   *   then plus the clock tolerance, after which the token is refused as expired anyway.
   * @returns Once the revocation is stored.
   * @throws SecbotError `CONFIG_INVALID` when the provider has no `revocation` option;
   *   `ARGUMENT_INVALID` for a bad jti or a time more than a year ahead; the store's own errors.
   */
  revokeToken(jti: string, expiresAtMs: number): Promise<void>;
}

const hmacMinBytes: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };
const maxSecrets = 8;

const jwkSetSchema = z
  .object({
    keys: z
      .array(z.looseObject({ kty: z.string() }))
      .min(1)
      .max(100),
  })
  .loose()
  .superRefine((set, ctx) => {
    set.keys.forEach((jwk, index) => {
      const path = ['keys', index];
      if (jwk.kty === 'oct' || 'd' in jwk) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: 'must be a public key (private or symmetric key material found)',
        });
        return;
      }
      try {
        const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
        const bits = key.asymmetricKeyDetails?.modulusLength;
        if (bits !== undefined && bits < 2048) {
          ctx.addIssue({ code: 'custom', path, message: 'RSA keys must be at least 2048 bits' });
        }
      } catch {
        ctx.addIssue({ code: 'custom', path, message: 'not a valid public JWK' });
      }
    });
  });

const jwtProviderOptionsSchema = z
  .object({
    ...sharedJwtShape,
    name: z.string().min(1).max(64).default('jwt'),
    issuer: z.string().min(1).max(2048),
    algorithms: z.array(algorithmSchema).min(1).max(16),
    jwks: jwkSetSchema.optional(),
    jwksUri: z.string().max(2048).optional(),
    allowInsecureJwksUri: z.boolean().default(false),
    secret: secretList({ minBytes: 32 }).optional(),
  })
  .strict()
  .superRefine((options, ctx) => {
    const sources = (['jwks', 'jwksUri', 'secret'] as const).filter((key) => options[key] !== undefined);
    if (sources.length !== 1) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of jwks, jwksUri or secret' });
      return;
    }
    const hmac = options.secret !== undefined;
    options.algorithms.forEach((alg, index) => {
      if (hmac && asymmetricAlgorithmSet.has(alg)) {
        ctx.addIssue({
          code: 'custom',
          path: ['algorithms', index],
          message: 'asymmetric algorithms need jwks or jwksUri, not secret',
        });
      }
      if (!hmac && hmacAlgorithmSet.has(alg)) {
        ctx.addIssue({
          code: 'custom',
          path: ['algorithms', index],
          message: 'HMAC algorithms need secret, not a JWK Set',
        });
      }
    });
    if (options.secret !== undefined) {
      if (options.secret.length > maxSecrets) {
        ctx.addIssue({ code: 'custom', path: ['secret'], message: `at most ${maxSecrets} secrets` });
      }
      const minBytes = Math.max(...options.algorithms.map((alg) => hmacMinBytes[alg] ?? 0));
      options.secret.forEach((secret, index) => {
        if (secret.byteLength >= 32 && secret.byteLength < minBytes) {
          ctx.addIssue({
            code: 'custom',
            path: ['secret', index],
            message: `must be at least ${minBytes} bytes for the configured algorithms`,
          });
        }
      });
    }
    if (options.jwksUri !== undefined) {
      const problem = endpointProblem(options.jwksUri, options.allowInsecureJwksUri);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['jwksUri'], message: problem });
    } else if (options.allowInsecureJwksUri) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowInsecureJwksUri'],
        message: 'only meaningful with jwksUri',
      });
    }
  });

/**
 * An `IdentityProvider` for bearer JWTs (access tokens, ID tokens) verified with jose.
 *
 * What it checks, in order: the credentials are `{ kind: 'bearer', token }` with a string token of
 * at most `maxTokenBytes` in compact form (before any decoding); then, via jose, the `alg` against
 * the allow-list, `crit` (unknown extensions refused), `b64: false` (refused), the signature with a
 * key chosen by `kid`/`alg` from the configured keys only (`jku`, `x5u`, `x5c` and an embedded `jwk`
 * are never fetched or used), `iss`, `aud`, `typ`, `exp` (required), `nbf` and `requireClaims`;
 * then tokens whose header carries `jku`, `x5u` or `jwk`, or whose header or claims repeat a member
 * name, are refused; subject, tenant, roles and groups must have the right types; and with
 * `revocation`, the `jti` must not be revoked.
 *
 * Keys are imported once, here: HMAC secrets as KeyObjects, a static JWK Set through jose's local
 * set (each key validated now, so a bad key fails at start-up); a `jwksUri` is fetched on first use.
 *
 * The principal: `id` from `subjectClaim`, `tenantId` from `tenantClaim`, `roles` through the
 * `roles` mapping (groups from `groupsClaim`, asserted roles from `rolesClaim`), `groups`,
 * `authMethod: 'jwt'`, `authenticatedAt` now, `expiresAt` the token's `exp`, and the attributes
 * `iss`, `jti` and `scope` (when present) only.
 *
 * @param options - Issuer, audience, algorithms and exactly one key source; see {@link JwtProviderOptions}.
 * @returns The provider. `authenticate` resolves to a frozen `Principal` or rejects with:
 *   `AUTH_INVALID_CREDENTIALS` (credentials other than a bearer token), `AUTH_INVALID_TOKEN`
 *   (malformed, forged, wrong issuer/audience/type, not yet valid, unusable claims),
 *   `AUTH_TOKEN_EXPIRED`, `AUTH_TOKEN_REVOKED`, or `AUTH_PROVIDER_UNAVAILABLE` (JWKS endpoint or
 *   revocation store unreachable: fails closed). Messages never contain the token.
 * @throws SecbotError `CONFIG_INVALID`, naming each bad option path, when the options are invalid.
 * @example
 * ```ts
 * import { createMemoryStore } from '@secbot/core';
 * import { jwtProvider } from '@secbot/identity';
 *
 * const provider = jwtProvider({
 *   issuer: 'https://login.example.com/realms/bank',
 *   audience: 'chatbot-api',
 *   algorithms: ['RS256'],
 *   jwksUri: 'https://login.example.com/realms/bank/protocol/openid-connect/certs',
 *   typ: 'at+jwt',
 *   rolesClaim: 'realm_access.roles',
 *   roles: { acceptRoles: ['agent', 'supervisor'], defaultRoles: ['customer'] },
 *   revocation: { store: createMemoryStore() },
 *   cache: { maxEntries: 10_000 },
 * });
 * const principal = await provider.authenticate({ kind: 'bearer', token: 'eyJ...' });
 * await provider.revokeToken(String(principal.attributes?.jti), principal.expiresAt ?? Date.now());
 * ```
 */
export function jwtProvider(options: JwtProviderOptions): JwtProvider {
  const parsed = parseOptions(jwtProviderOptionsSchema, options, 'jwtProvider');
  const algorithms = [...new Set(parsed.algorithms)];
  let keys: KeySource;
  if (parsed.secret !== undefined) keys = hmacKeySource(parsed.secret, algorithms);
  else if (parsed.jwks !== undefined) keys = localJwksKeySource(parsed.jwks as JSONWebKeySet, algorithms);
  else {
    keys = remoteJwksKeySource(
      parsed.name,
      parsed.jwksUri ?? '',
      {
        timeoutMs: parsed.jwksTimeoutMs,
        cooldownMs: parsed.jwksCooldownMs,
        cacheMaxAgeMs: parsed.jwksCacheMaxAgeMs,
      },
      algorithms,
    );
  }
  const verifier = createJwtVerifier(verifierSettings(parsed, 'jwt'), () => keys);
  return { name: parsed.name, kinds: ['bearer'] as const, ...verifier };
}
