import {
  type Credentials,
  type IdentityProvider,
  type Principal,
  parseOptions,
  SecbotError,
  type SecurityContext,
} from '@secbot/core';
import { z } from 'zod';
import { checkCredentials, credentialKinds } from './internal/credentials.js';
import { checkPrincipal } from './internal/principal-schema.js';
import { providerNameSchema } from './internal/role-name.js';
import { asProviderError } from './internal/run-providers.js';

/** A credential kind: `password`, `bearer` or `apiKey`. */
export type CredentialKind = Credentials['kind'];

/** An `IdentityProvider` that declares which credential kinds it accepts, so {@link chain} can skip it. */
export interface KindedIdentityProvider<K extends CredentialKind = CredentialKind> extends IdentityProvider {
  /** The credential kinds it accepts. */
  readonly kinds: readonly K[];
}

/** What {@link defineIdentityProvider} takes. */
export interface IdentityProviderDefinition<K extends CredentialKind> {
  /** Name in events and audit lines: 1-64 characters of `A-Z a-z 0-9 _ . : -`. */
  readonly name: string;
  /** Credential kinds it accepts; other kinds are refused without calling `authenticate`. */
  readonly kinds: readonly K[];
  /**
   * Prove the credentials and build the principal. Throw a `SecbotError` to refuse
   * (`AUTH_INVALID_CREDENTIALS`, `AUTH_ACCOUNT_DISABLED`...); anything else thrown is treated as an outage.
   *
   * @param credentials - Well-formed credentials of one of `kinds` (shapes and sizes already checked).
   * @param context - The request, when the caller has one.
   */
  authenticate(
    credentials: Extract<Credentials, { kind: K }>,
    context?: SecurityContext,
  ): Principal | Promise<Principal>;
}

const definitionSchema = z
  .object({
    name: providerNameSchema,
    kinds: z
      .array(z.enum(credentialKinds))
      .min(1)
      .refine((kinds) => new Set(kinds).size === kinds.length, 'must not repeat a kind'),
    authenticate: z.custom<(...args: never[]) => unknown>(
      (value) => typeof value === 'function',
      'must be a function',
    ),
  })
  .strict();

/**
 * Turn your own sign-in code (a SAML gateway, a bank's SSO, a legacy user table) into an
 * `IdentityProvider` that behaves like secbot's own:
 *
 * - credentials of another kind, or malformed ones (non-strings, oversized, a NUL in a username), are
 *   refused with `AUTH_INVALID_CREDENTIALS` before your code runs;
 * - the principal you return is checked (non-empty `id`, `roles` an array of role names, `authMethod`,
 *   integer `authenticatedAt`...) and frozen; a malformed one fails closed with
 *   `AUTH_PROVIDER_UNAVAILABLE` naming the bad field;
 * - a `SecbotError` you throw passes through; anything else becomes `AUTH_PROVIDER_UNAVAILABLE`, its
 *   message never shown (it is kept as `cause` for logs).
 *
 * @param definition - Name, accepted kinds and the authenticate function.
 * @returns The provider, with `kinds` so {@link chain} and the authenticator skip it for other kinds.
 * @throws SecbotError `CONFIG_INVALID` naming the bad field of the definition.
 * @example
 * ```ts
 * import { SecbotError } from '@secbot/core';
 * import { defineIdentityProvider } from '@secbot/identity';
 *
 * const ssoSessions = new Map([['opaque-sso-token', { userId: 'u-42' }]]); // stands for the SSO's API
 * const bankSso = defineIdentityProvider({
 *   name: 'bank-sso',
 *   kinds: ['bearer'],
 *   async authenticate({ token }) {
 *     const session = ssoSessions.get(token);
 *     if (session === undefined) throw new SecbotError('AUTH_INVALID_TOKEN', 'bank-sso: inactive session');
 *     return { id: session.userId, roles: ['customer'], authMethod: 'bank-sso', authenticatedAt: Date.now() };
 *   },
 * });
 * ```
 */
export function defineIdentityProvider<K extends CredentialKind>(
  definition: IdentityProviderDefinition<K>,
): KindedIdentityProvider<K> {
  const { name, kinds } = parseOptions(definitionSchema, definition, 'defineIdentityProvider');
  const authenticate = definition.authenticate.bind(definition);
  const accepted = new Set<string>(kinds);
  return {
    name,
    kinds: Object.freeze([...kinds]) as readonly K[],
    async authenticate(credentials: Credentials, context?: SecurityContext): Promise<Principal> {
      const checked = checkCredentials(credentials);
      if (checked === undefined || !accepted.has(checked.kind)) {
        throw new SecbotError('AUTH_INVALID_CREDENTIALS', `${name}: malformed or unsupported credentials`);
      }
      let principal: unknown;
      try {
        principal = await authenticate(checked as Extract<Credentials, { kind: K }>, context);
      } catch (error) {
        throw asProviderError(error, name);
      }
      return checkPrincipal(principal, name);
    },
  };
}
