import { parseOptions, SecbotError, systemClock } from '@secbot/core';
import { z } from 'zod';
import { boundedFetch } from './internal/bounded-fetch.js';
import { providerUnavailable } from './internal/jwt-errors.js';
import { type KeySource, remoteJwksKeySource } from './internal/jwt-key-sources.js';
import { asymmetricAlgorithmsSchema, endpointProblem, sharedJwtShape } from './internal/jwt-options.js';
import { createJwtVerifier, verifierSettings } from './internal/jwt-verifier.js';
import { type AsymmetricJwtAlgorithm, asymmetricJwtAlgorithms } from './jwt-algorithms.js';
import type { JwtProvider, JwtVerificationOptions } from './jwt-provider.js';

/** Options of {@link oidcProvider}: those of `jwtProvider`, with keys and algorithms from discovery. */
export interface OidcProviderOptions extends JwtVerificationOptions {
  /**
   * The issuer URL (https). Its discovery document, `${issuer}/.well-known/openid-configuration`,
   * must name exactly this issuer. Required.
   */
  readonly issuer: string;
  /**
   * Accepted `alg` values (asymmetric only). Default: the discovery document's
   * `id_token_signing_alg_values_supported` that are also in the safe asymmetric list.
   */
  readonly algorithms?: readonly AsymmetricJwtAlgorithm[];
  /** Allow plain http for the issuer and its `jwks_uri` on a loopback host. For tests only. Default false. */
  readonly allowInsecure?: boolean;
  /** Deadline of the discovery request in ms. Default 5000. */
  readonly discoveryTimeoutMs?: number;
  /** After a failed discovery, time in ms during which requests fail fast without refetching. Default 5000. */
  readonly discoveryRetryMs?: number;
}

/** A {@link JwtProvider} configured from OpenID Connect discovery. */
export interface OidcProvider extends JwtProvider {
  /**
   * Run discovery now instead of at the first token (e.g. in a readiness probe). Idempotent.
   *
   * @returns Once discovery succeeded and the JWKS location is known.
   * @throws SecbotError `AUTH_PROVIDER_UNAVAILABLE` when the document cannot be fetched or parsed;
   *   `CONFIG_INVALID` when it names another issuer, an insecure `jwks_uri`, or no usable algorithm.
   */
  ready(): Promise<void>;
}

const oidcProviderOptionsSchema = z
  .object({
    ...sharedJwtShape,
    name: z.string().min(1).max(64).default('oidc'),
    issuer: z.string().min(1).max(2048),
    algorithms: asymmetricAlgorithmsSchema.optional(),
    allowInsecure: z.boolean().default(false),
    discoveryTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
    discoveryRetryMs: z.number().int().min(0).max(600_000).default(5000),
  })
  .strict()
  .superRefine((options, ctx) => {
    const problem = endpointProblem(options.issuer, options.allowInsecure);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['issuer'], message: problem });
    else if (new URL(options.issuer).search !== '') {
      ctx.addIssue({ code: 'custom', path: ['issuer'], message: 'must not contain a query' });
    }
  });

const discoverySchema = z
  .object({
    issuer: z.string().max(2048),
    jwks_uri: z.string().max(2048),
    id_token_signing_alg_values_supported: z.array(z.string().max(64)).max(64).optional(),
  })
  .loose();

const safeAlgorithms: ReadonlySet<string> = new Set(asymmetricJwtAlgorithms);

const shown = (value: string): string =>
  JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);

/**
 * An `IdentityProvider` for tokens of an OpenID Connect issuer: a `jwtProvider` whose JWK Set
 * location (and, by default, algorithms) come from the issuer's discovery document.
 *
 * Discovery runs once, at the first token that passes the cheap checks or at {@link OidcProvider.ready},
 * and its result is kept for the life of the provider; concurrent first requests share one fetch.
 * The document must name exactly the configured `issuer` (OpenID Connect Discovery 1.0 section 4.3),
 * its `jwks_uri` must be https, and redirects are not followed. A failed discovery is not kept: it is
 * retried after `discoveryRetryMs`, and until then requests fail fast with the same error.
 * The JWK Set then behaves as with `jwksUri`: cached, refetched once per cooldown for an unknown `kid`.
 *
 * @param options - Issuer, audience and the shared verification options; see {@link OidcProviderOptions}.
 * @returns The provider (`authMethod: 'oidc'`). `authenticate` rejects as `jwtProvider`'s does, and
 *   additionally with `AUTH_PROVIDER_UNAVAILABLE` or `CONFIG_INVALID` when discovery fails (see `ready`).
 * @throws SecbotError `CONFIG_INVALID`, naming each bad option path, when the options are invalid.
 * @example
 * ```ts
 * import { oidcProvider } from '@secbot/identity';
 *
 * const provider = oidcProvider({
 *   issuer: 'https://login.example.com/realms/bank',
 *   audience: 'chatbot-api',
 *   typ: 'at+jwt',
 *   tenantClaim: 'tid',
 *   rolesClaim: 'realm_access.roles',
 *   roles: { acceptRoles: ['agent'] },
 * });
 * await provider.ready(); // optional: fail at start-up rather than at the first request
 * const principal = await provider.authenticate({ kind: 'bearer', token: 'eyJ...' });
 * ```
 */
export function oidcProvider(options: OidcProviderOptions): OidcProvider {
  const parsed = parseOptions(oidcProviderOptionsSchema, options, 'oidcProvider');
  const { name, issuer } = parsed;
  const now = parsed.now ?? systemClock;
  let base = issuer;
  while (base.endsWith('/')) base = base.slice(0, -1);
  const discoveryUrl = `${base}/.well-known/openid-configuration`;

  const discover = async (): Promise<KeySource> => {
    let document: unknown;
    try {
      const response = await boundedFetch(discoveryUrl, {
        signal: AbortSignal.timeout(parsed.discoveryTimeoutMs),
        headers: new Headers({ accept: 'application/json' }),
      });
      if (response.status !== 200) {
        throw new Error(`discovery answered HTTP ${response.status}`);
      }
      document = await response.json();
    } catch (error) {
      throw providerUnavailable(name, 'OIDC discovery document could not be fetched', error);
    }
    const result = discoverySchema.safeParse(document);
    if (!result.success) {
      throw providerUnavailable(name, 'OIDC discovery document lacks issuer or jwks_uri', result.error);
    }
    const metadata = result.data;
    if (metadata.issuer !== issuer) {
      throw new SecbotError(
        'CONFIG_INVALID',
        `${name}: discovery document names issuer ${shown(metadata.issuer)}, not the configured ${shown(issuer)}`,
        { issues: [{ path: 'issuer', message: 'does not match the discovery document' }] },
      );
    }
    const jwksProblem = endpointProblem(metadata.jwks_uri, parsed.allowInsecure);
    if (jwksProblem !== undefined) {
      throw new SecbotError('CONFIG_INVALID', `${name}: discovery jwks_uri ${jwksProblem}`, {
        issues: [{ path: 'issuer', message: `discovery jwks_uri ${jwksProblem}` }],
      });
    }
    const algorithms =
      parsed.algorithms ??
      [...new Set(metadata.id_token_signing_alg_values_supported ?? [])].filter((alg) =>
        safeAlgorithms.has(alg),
      );
    if (algorithms.length === 0) {
      throw new SecbotError(
        'CONFIG_INVALID',
        `${name}: the issuer advertises no supported asymmetric signing algorithm; set algorithms`,
        { issues: [{ path: 'algorithms', message: 'no usable algorithm advertised by the issuer' }] },
      );
    }
    return remoteJwksKeySource(
      name,
      metadata.jwks_uri,
      {
        timeoutMs: parsed.jwksTimeoutMs,
        cooldownMs: parsed.jwksCooldownMs,
        cacheMaxAgeMs: parsed.jwksCacheMaxAgeMs,
      },
      algorithms,
    );
  };

  let keys: KeySource | undefined;
  let pending: Promise<KeySource> | undefined;
  let failure: { readonly error: unknown; readonly at: number } | undefined;
  const load = (): Promise<KeySource> => {
    if (keys !== undefined) return Promise.resolve(keys);
    if (pending !== undefined) return pending;
    if (failure !== undefined && now() - failure.at < parsed.discoveryRetryMs)
      return Promise.reject(failure.error);
    pending = discover()
      .then(
        (loaded) => {
          keys = loaded;
          failure = undefined;
          return loaded;
        },
        (error: unknown) => {
          failure = { error, at: now() };
          throw error;
        },
      )
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };

  const verifier = createJwtVerifier(verifierSettings(parsed, 'oidc'), load);
  return {
    name,
    kinds: ['bearer'] as const,
    ...verifier,
    async ready() {
      await load();
    },
  };
}
