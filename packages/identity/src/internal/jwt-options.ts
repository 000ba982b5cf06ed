import type { Clock, Store } from '@secbot/core';
import { z } from 'zod';
import {
  type AsymmetricJwtAlgorithm,
  asymmetricJwtAlgorithms,
  hmacJwtAlgorithms,
} from '../jwt-algorithms.js';
import { roleMappingSchema } from '../role-mapping.js';

// Option fields shared by jwtProvider and oidcProvider, validated once when the factory runs.

const claimName = z.string().min(1).max(256);

/** A claim path: `'realm_access.roles'` (split on dots) or `['https://example.com/roles']` (literal). */
export const claimPathSchema = z
  .union([claimName, z.array(claimName).min(1).max(8)])
  .transform((path): readonly string[] => (typeof path === 'string' ? path.split('.') : [...path]))
  .refine((path) => path.every((segment) => segment.length > 0), 'claim path has an empty segment')
  .refine((path) => path.length <= 8, 'claim path is deeper than 8 segments');

const storeSchema = z.custom<Store>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Store>).get === 'function' &&
    typeof (value as Partial<Store>).set === 'function',
  'must be a Store (get/set)',
);

/** Every algorithm name a provider knows. */
export const knownAlgorithms: ReadonlySet<string> = new Set([
  ...hmacJwtAlgorithms,
  ...asymmetricJwtAlgorithms,
]);
/** The HMAC algorithm names. */
export const hmacAlgorithmSet: ReadonlySet<string> = new Set(hmacJwtAlgorithms);
/** The asymmetric algorithm names. */
export const asymmetricAlgorithmSet: ReadonlySet<string> = new Set(asymmetricJwtAlgorithms);

/** One algorithm name: known, and never `none`. */
export const algorithmSchema = z.string().superRefine((alg, ctx) => {
  if (alg.toLowerCase() === 'none')
    ctx.addIssue({ code: 'custom', message: '"none" is never accepted: tokens must be signed' });
  else if (!knownAlgorithms.has(alg)) ctx.addIssue({ code: 'custom', message: 'unsupported algorithm' });
});

/** A list of asymmetric algorithm names. */
export const asymmetricAlgorithmsSchema = z
  .array(algorithmSchema)
  .min(1)
  .max(16)
  .superRefine((algs, ctx) => {
    algs.forEach((alg, index) => {
      if (hmacAlgorithmSet.has(alg)) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: 'HMAC algorithms need a shared secret; not allowed here',
        });
      }
    });
  })
  .transform((algs) => [...new Set(algs)] as AsymmetricJwtAlgorithm[]);

/** Fields both providers share. */
export const sharedJwtShape = {
  audience: z.union([z.string().min(1).max(2048), z.array(z.string().min(1).max(2048)).min(1).max(32)]),
  typ: z.string().min(1).max(128).optional(),
  clockToleranceSec: z.number().int().min(0).max(60).default(30),
  maxTokenBytes: z.number().int().min(512).max(65_536).default(8192),
  subjectClaim: claimPathSchema.optional(),
  tenantClaim: claimPathSchema.optional(),
  rolesClaim: claimPathSchema.optional(),
  groupsClaim: claimPathSchema.optional(),
  roles: roleMappingSchema.optional(),
  requireClaims: z.array(claimName).max(32).optional(),
  revocation: z.object({ store: storeSchema }).strict().optional(),
  cache: z
    .object({
      maxEntries: z.number().int().min(1).max(1_000_000).default(10_000),
      maxAgeSec: z.number().int().min(1).max(3600).default(60),
    })
    .strict()
    .optional(),
  jwksTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
  jwksCooldownMs: z.number().int().min(500).max(3_600_000).default(30_000),
  jwksCacheMaxAgeMs: z.number().int().min(1000).max(86_400_000).default(600_000),
  now: z.custom<Clock>((value) => typeof value === 'function', 'must be a function').optional(),
};

const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Why `value` may not be fetched from, or `undefined` when it may: an absolute https URL without
 * credentials or fragment; plain http only when `allowInsecure` is set and the host is loopback.
 */
export function endpointProblem(value: string, allowInsecure: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.hash !== '') return 'must not contain a fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return 'must be an https URL';
  if (!allowInsecure) return 'must be an https URL (plain http needs the allow-insecure option, for tests)';
  if (!loopbackHosts.has(url.hostname))
    return 'plain http is allowed only on a loopback host (127.0.0.1, ::1)';
  return undefined;
}

const sharedJwtObject = z.object(sharedJwtShape);

/** The shared options after parsing, with the provider's name and expected issuer. */
export type SharedJwtOptions = z.output<typeof sharedJwtObject> & {
  readonly name: string;
  readonly issuer: string;
};
