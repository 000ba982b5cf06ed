import {
  type Clock,
  type Credentials,
  eventBusSchema,
  type IdentityProvider,
  isSecbotError,
  type Principal,
  parseOptions,
  SecbotError,
  type SecurityContext,
  type SecurityEventBus,
  type Store,
  storeSchema,
} from '@secbot/core';
import { z } from 'zod';
import { checkCredentials, credentialLimits, methodOf, normalizeUsername } from './internal/credentials.js';
import { clockSchema, providerNameSchema } from './internal/role-name.js';
import { runProviders } from './internal/run-providers.js';
import { createLockout, type Lockout, type LockoutEventContext, type LockoutOptions } from './lockout.js';

/** Lockout settings of {@link createAuthenticator}: the limits of {@link createLockout}, same defaults. */
export type AuthenticatorLockoutOptions = Pick<
  LockoutOptions,
  'maxFailures' | 'windowMs' | 'baseLockMs' | 'maxLockMs' | 'backoffResetMs' | 'perIp'
>;

/** Options of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  /** One provider, or several tried in order like {@link chain}. */
  readonly providers: IdentityProvider | readonly IdentityProvider[];
  /** Where lockout counters live; share it (`@secbot/redis`) across instances. */
  readonly store: Store;
  /** Receives `auth.success`, `auth.failure` and `auth.lockout`. */
  readonly bus?: SecurityEventBus;
  /** Brute-force limits. Defaults as listed in {@link AuthenticatorLockoutOptions}. */
  readonly lockout?: AuthenticatorLockoutOptions;
  /** Name in events when no provider is involved (malformed input, lockouts). Default `authenticator`. */
  readonly name?: string;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  readonly now?: Clock;
}

/** What {@link createAuthenticator} returns. */
export interface Authenticator {
  /**
   * Authenticate a caller, with brute-force protection and security events.
   *
   * @param credentials - What the caller presented (untrusted: any shape is handled).
   * @param context - The request; `ip` enables per-address limits, and its ids go into events.
   * @returns The principal.
   * @throws SecbotError `AUTH_LOCKED_OUT` (with `retryAfterSec`) before any provider is asked when the
   *   username or address is locked; otherwise the provider's code (`AUTH_INVALID_CREDENTIALS` for a
   *   wrong password and an unknown user alike, `AUTH_ACCOUNT_DISABLED`, `AUTH_PROVIDER_UNAVAILABLE`...).
   */
  authenticate(credentials: Credentials, context?: SecurityContext): Promise<Principal>;
  /** The lockout in use, to guard other steps with the same limits (e.g. a TOTP check). */
  readonly lockout: Lockout;
}

const optionsSchema = z
  .object({
    providers: z.union([
      z.custom<IdentityProvider>(isProvider, 'must be an IdentityProvider'),
      z.array(z.custom<IdentityProvider>(isProvider, 'must be an IdentityProvider')).min(1),
    ]),
    store: storeSchema,
    bus: eventBusSchema.optional(),
    lockout: z.record(z.string(), z.unknown()).default({}),
    name: providerNameSchema.default('authenticator'),
    now: clockSchema.optional(),
  })
  .strict();

function isProvider(value: unknown): boolean {
  const candidate = value as Partial<IdentityProvider> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    typeof candidate.authenticate === 'function'
  );
}

/** The claimed username as events carry it: a string, bounded; never anything else. */
function claimedUsername(credentials: unknown): string | undefined {
  if (typeof credentials !== 'object' || credentials === null) return undefined;
  const candidate = credentials as { kind?: unknown; username?: unknown };
  if (candidate.kind !== 'password' || typeof candidate.username !== 'string') return undefined;
  return candidate.username.slice(0, credentialLimits.maxUsernameLength);
}

/**
 * The sign-in front door: checks locks, asks the providers, counts failures, emits events.
 *
 * For each attempt: malformed credentials are refused with `AUTH_INVALID_CREDENTIALS` (counted
 * against the address); a locked username or address is refused with `AUTH_LOCKED_OUT` and a
 * `retryAfterSec`, before any provider runs; otherwise the username's attempt is counted atomically
 * and the providers are tried (as {@link chain} does). A success resets the username's count and
 * emits `auth.success`; every failure emits `auth.failure` (claimed username, provider, code; never a
 * password or key), and a lock emits `auth.lockout`.
 *
 * Usernames are counted after NFKC normalisation and lower-casing, whatever the provider's own
 * matching, so `Ana` and `ana` share one allowance. Responses never say whether a username exists:
 * the same code for both, and providers such as {@link localDirectoryProvider} make the time alike.
 * Outages count as failures too (fail closed), so repeated tries during an outage can lock a username.
 *
 * @param options - Providers, Store, event bus, lockout limits, clock.
 * @returns The authenticator.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (e.g. `lockout.perIp.maxFailures`).
 * @example
 * ```ts
 * import { createEventBus, createMemoryStore } from '@secbot/core';
 * import { createAuthenticator, localDirectoryProvider } from '@secbot/identity';
 *
 * const auth = createAuthenticator({
 *   providers: [localDirectoryProvider({ file: 'users.json' })],
 *   store: createMemoryStore(),
 *   bus: createEventBus(),
 * });
 * const principal = await auth.authenticate(
 *   { kind: 'password', username: 'ana', password: 'a long passphrase' },
 *   { requestId: 'r-1', channel: 'http', ip: '203.0.113.7', receivedAt: Date.now() },
 * );
 * ```
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const config = parseOptions(optionsSchema, options, 'createAuthenticator');
  const providers: readonly IdentityProvider[] = Array.isArray(config.providers)
    ? Object.freeze([...config.providers])
    : Object.freeze([config.providers as IdentityProvider]);
  const { bus, name } = config;
  let lockout: Lockout;
  try {
    lockout = createLockout({
      ...config.lockout,
      store: config.store,
      ...(bus === undefined ? {} : { bus }),
      ...(config.now === undefined ? {} : { now: config.now }),
    } as Parameters<typeof createLockout>[0]);
  } catch (error) {
    // Re-home the lockout's issues under `lockout.`, so the message names the option as the user wrote it.
    if (isSecbotError(error, 'CONFIG_INVALID') && error.issues !== undefined) {
      const issues = error.issues.map((issue) => ({
        ...issue,
        path: `lockout${issue.path === '' ? '' : `.${issue.path}`}`,
      }));
      throw new SecbotError(
        'CONFIG_INVALID',
        `createAuthenticator: invalid options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        { issues, cause: error },
      );
    }
    throw error;
  }

  const failure = (
    base: LockoutEventContext,
    credentials: unknown,
    provider: string,
    code: SecbotError['code'],
    detail?: string,
  ): void => {
    const username = claimedUsername(credentials);
    bus?.emit('auth.failure', {
      ...base,
      provider,
      method: methodOf(credentials),
      code,
      ...(username === undefined ? {} : { username }),
      ...(detail === undefined ? {} : { detail }),
    });
  };

  return {
    lockout,
    async authenticate(credentials, context) {
      const ip = typeof context?.ip === 'string' ? context.ip : undefined;
      const base: LockoutEventContext = {
        ...(typeof context?.requestId === 'string' ? { requestId: context.requestId } : {}),
        ...(typeof context?.tenantId === 'string' ? { tenantId: context.tenantId } : {}),
        ...(typeof context?.channel === 'string' ? { channel: context.channel } : {}),
        ...(ip === undefined ? {} : { ip }),
      };
      const checked = checkCredentials(credentials);
      const key = checked?.kind === 'password' ? normalizeUsername(checked.username, true) : undefined;

      let attempt: Awaited<ReturnType<Lockout['begin']>>;
      try {
        attempt = await lockout.begin(
          { ...(key === undefined ? {} : { key }), ...(ip === undefined ? {} : { ip }) },
          base,
        );
      } catch (error) {
        const refused = isSecbotError(error)
          ? error
          : new SecbotError('STORE_UNAVAILABLE', 'lockout failed', { cause: error });
        failure(base, credentials, name, refused.code);
        throw refused;
      }

      if (checked === undefined) {
        failure(base, credentials, name, 'AUTH_INVALID_CREDENTIALS', 'malformed-credentials');
        await attempt.fail();
        throw new SecbotError('AUTH_INVALID_CREDENTIALS', `${name}: malformed credentials`);
      }

      const outcome = await runProviders(providers, checked, context, name);
      if (outcome.ok) {
        await attempt.succeed();
        const { principal } = outcome;
        bus?.emit('auth.success', {
          ...base,
          actor: {
            id: principal.id,
            roles: principal.roles,
            ...(principal.tenantId === undefined ? {} : { tenantId: principal.tenantId }),
          },
          provider: outcome.provider,
          method: principal.authMethod,
        });
        return principal;
      }
      failure(base, credentials, outcome.provider, outcome.error.code);
      await attempt.fail();
      throw outcome.error;
    },
  };
}
