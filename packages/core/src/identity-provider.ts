import type { Principal } from './principal.js';
import type { SecurityContext } from './security-context.js';

/** What a caller presents to prove who they are. */
export type Credentials =
  /** A bearer token (JWT, session token). */
  | { readonly kind: 'bearer'; readonly token: string }
  /** A username and password (LDAP, local users). */
  | { readonly kind: 'password'; readonly username: string; readonly password: string }
  /** An API key. */
  | { readonly kind: 'apiKey'; readonly key: string };

/**
 * The port every way in implements: JWT/OIDC, LDAP/AD, local users, API keys, and users' own
 * (a SAML gateway, a bank's SSO). `authenticate` resolves to a {@link Principal} or rejects with a
 * coded `SecbotError` (`AUTH_INVALID_CREDENTIALS`, `AUTH_INVALID_TOKEN`, ...): never a bare
 * `false`, never a partial principal.
 */
export interface IdentityProvider {
  /** Name used in events and audit lines, e.g. `ldap` or `corporate-sso`. */
  readonly name: string;
  /**
   * Prove the credentials and build the principal.
   *
   * @param credentials - What the caller presented.
   * @param context - The request, for providers that care (client address, tenant).
   * @returns The principal.
   */
  authenticate(credentials: Credentials, context?: SecurityContext): Promise<Principal>;
}
