import {
  type Credentials,
  type IdentityProvider,
  type Principal,
  SecbotError,
  type SecurityContext,
} from '@secbot/core';
import { checkCredentials } from './internal/credentials.js';
import { kindsOf, runProviders } from './internal/run-providers.js';

/** The provider {@link chain} returns. */
export interface ChainedProvider extends IdentityProvider {
  /** The union of the providers' kinds; `undefined` when one of them accepts any kind. */
  readonly kinds: readonly Credentials['kind'][] | undefined;
  /** The providers, in the order they are tried. */
  readonly providers: readonly IdentityProvider[];
}

function assertProviders(providers: readonly unknown[]): asserts providers is readonly IdentityProvider[] {
  if (providers.length === 0) {
    throw new SecbotError(
      'CONFIG_INVALID',
      'chain: invalid options: providers: at least one provider is required',
      {
        issues: [{ path: 'providers', message: 'at least one provider is required' }],
      },
    );
  }
  providers.forEach((provider, index) => {
    const candidate = provider as Partial<IdentityProvider> | null;
    if (
      typeof candidate !== 'object' ||
      candidate === null ||
      typeof candidate.name !== 'string' ||
      candidate.name.length === 0 ||
      typeof candidate.authenticate !== 'function'
    ) {
      const path = `providers[${index}]`;
      throw new SecbotError('CONFIG_INVALID', `chain: invalid options: ${path}: not an IdentityProvider`, {
        issues: [{ path, message: 'must have a name and an authenticate function' }],
      });
    }
  });
}

/**
 * Combine providers into one that tries, in order, each provider accepting the credentials' kind
 * (a provider's optional `kinds` says which; one without `kinds` is tried for every kind).
 *
 * - The first principal wins.
 * - `AUTH_INVALID_CREDENTIALS` / `AUTH_INVALID_TOKEN` pass on to the next provider: providers answer
 *   "unknown user" and "wrong password" alike (so as not to reveal which users exist), hence a chain
 *   cannot know that a provider owns the user and must let the next one try. Outages pass on too.
 * - Any other refusal (`AUTH_ACCOUNT_DISABLED`, `AUTH_TOKEN_EXPIRED`, `AUTH_MFA_REQUIRED`...) is a
 *   verdict about a subject the provider recognised after checking the secret: it ends the chain.
 * - If all fail: the first "invalid" answer when any provider gave one, else `AUTH_PROVIDER_UNAVAILABLE`.
 *   This fails closed: when one provider is down and another rejected the guess, the caller gets (and
 *   a lockout counts) the rejection, not a retryable "unavailable" that would make the other provider
 *   an unmetered guessing oracle.
 *
 * Put the provider that owns most users first; every provider tried costs its own time, and a local
 * directory spends a full password hash on names it does not have.
 *
 * @param providers - One or more providers.
 * @returns A provider named `chain(<names>)`.
 * @throws SecbotError `CONFIG_INVALID` when no provider is given or one is not an IdentityProvider.
 * @example
 * ```ts
 * import { apiKeyProvider, chain, createUserRecord, generateApiKey, localDirectoryProvider } from '@secbot/identity';
 *
 * const { key, record } = generateApiKey({ clientId: 'crm-sync' });
 * const users = [await createUserRecord('ana', 'a long passphrase', ['agent'])];
 * const identity = chain(localDirectoryProvider({ users }), apiKeyProvider({ keys: [record] }));
 * await identity.authenticate({ kind: 'apiKey', key }); // the local directory is skipped: it takes passwords only
 * ```
 */
export function chain(...providers: IdentityProvider[]): ChainedProvider {
  assertProviders(providers);
  const list = Object.freeze([...providers]);
  const name = `chain(${list.map((provider) => provider.name).join(',')})`.slice(0, 256);
  const declared = list.map(kindsOf);
  const kinds = declared.some((k) => k === undefined)
    ? undefined
    : (Object.freeze([...new Set(declared.flat())]) as readonly Credentials['kind'][]);
  return {
    name,
    kinds,
    providers: list,
    async authenticate(credentials: Credentials, context?: SecurityContext): Promise<Principal> {
      const checked = checkCredentials(credentials);
      if (checked === undefined)
        throw new SecbotError('AUTH_INVALID_CREDENTIALS', `${name}: malformed credentials`);
      const outcome = await runProviders(list, checked, context, name);
      if (outcome.ok) return outcome.principal;
      throw outcome.error;
    },
  };
}
