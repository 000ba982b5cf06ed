/**
 * Who is talking to the bot, proven and mapped to roles: one `IdentityProvider` interface (from
 * `@secbot/core`) for JWT/OIDC, LDAP and Active Directory, local users, API keys and custom
 * providers, plus sessions, a second factor and brute-force lockout.
 *
 * @module @secbot/identity
 */
export {
  type ApiKeyProvider,
  type ApiKeyProviderOptions,
  type ApiKeyRecord,
  apiKeyProvider,
  type GenerateApiKeyOptions,
  type GeneratedApiKey,
  generateApiKey,
} from './api-key-provider.js';
export {
  type Authenticator,
  type AuthenticatorLockoutOptions,
  type AuthenticatorOptions,
  createAuthenticator,
} from './authenticator.js';
export { type ChainedProvider, chain } from './chain.js';
export {
  type CredentialKind,
  defineIdentityProvider,
  type IdentityProviderDefinition,
  type KindedIdentityProvider,
} from './define-identity-provider.js';
export {
  type DirectoryClient,
  type DirectoryConnection,
  type DirectoryEntry,
  DirectoryError,
  type DirectoryErrorKind,
  type DirectoryErrorOptions,
  type DirectorySearchOptions,
} from './directory-client.js';
export {
  type AsymmetricJwtAlgorithm,
  asymmetricJwtAlgorithms,
  type HmacJwtAlgorithm,
  hmacJwtAlgorithms,
  type JwtAlgorithm,
} from './jwt-algorithms.js';
export {
  type ClaimPath,
  type JwtProvider,
  type JwtProviderOptions,
  type JwtVerificationOptions,
  jwtProvider,
} from './jwt-provider.js';
export { normalizeLdapDn } from './ldap-dn.js';
export { escapeLdapFilterValue } from './ldap-filter.js';
export { type LdapProvider, ldapProvider } from './ldap-provider.js';
export type { LdapGroupSearch, LdapProviderOptions } from './ldap-provider-options.js';
export {
  type LdaptsDirectoryClientOptions,
  ldaptsDirectoryClient,
  type PemInput,
} from './ldapts-directory-client.js';
export {
  type LocalDirectoryProvider,
  type LocalDirectoryProviderOptions,
  localDirectoryProvider,
} from './local-directory-provider.js';
export { type CreateUserRecordOptions, createUserRecord, type LocalUserRecord } from './local-user-record.js';
export {
  createLockout,
  type IpLockoutOptions,
  type LockApplied,
  type Lockout,
  type LockoutAttempt,
  type LockoutEventContext,
  type LockoutOptions,
  type LockoutSubject,
} from './lockout.js';
export { type OidcProvider, type OidcProviderOptions, oidcProvider } from './oidc-provider.js';
export {
  type Argon2idParams,
  hashPassword,
  needsRehash,
  type PasswordHashParams,
  passwordHashDefaults,
  type ScryptParams,
  verifyPassword,
} from './password-hashing.js';
export {
  type CompiledRoleMapping,
  compileRoleMapping,
  type RoleMapping,
  roleMappingSchema,
} from './role-mapping.js';
export {
  createSessions,
  type IssuedSession,
  type SessionInfo,
  type Sessions,
  type SessionsOptions,
} from './sessions.js';
export {
  type GeneratedTotpSecret,
  type GenerateTotpSecretOptions,
  generateTotpSecret,
  type TotpAlgorithm,
  type TotpMatch,
  type VerifyTotpInput,
  verifyTotp,
} from './totp.js';
