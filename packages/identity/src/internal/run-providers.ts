import {
  type Credentials,
  type IdentityProvider,
  isSecbotError,
  type Principal,
  SecbotError,
  type SecbotErrorCode,
  type SecurityContext,
} from '@secbot/core';
import { checkPrincipal } from './principal-schema.js';

/** The outcome of trying a list of providers: who answered, and with what. */
export type ProvidersOutcome =
  | { readonly ok: true; readonly principal: Principal; readonly provider: string }
  | { readonly ok: false; readonly error: SecbotError; readonly provider: string };

/** Codes meaning "I do not vouch for these credentials": the next provider may still know them. */
const passOnCodes: ReadonlySet<SecbotErrorCode> = new Set<SecbotErrorCode>([
  'AUTH_INVALID_CREDENTIALS',
  'AUTH_INVALID_TOKEN',
  'AUTH_REQUIRED',
]);

/** Codes meaning "I could not answer": an outage or a broken provider, not a verdict. */
const unavailableCodes: ReadonlySet<SecbotErrorCode> = new Set<SecbotErrorCode>([
  'AUTH_PROVIDER_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'INTERNAL',
  'CONFIG_INVALID',
  'ARGUMENT_INVALID',
]);

/** The credential kinds a provider declares (`kinds`), or `undefined` when it accepts any. */
export function kindsOf(provider: IdentityProvider): readonly string[] | undefined {
  const kinds = (provider as { readonly kinds?: unknown }).kinds;
  return Array.isArray(kinds) ? (kinds as readonly string[]) : undefined;
}

/** Wrap anything a provider threw that is not a SecbotError; the original stays as the cause only. */
export function asProviderError(error: unknown, provider: string): SecbotError {
  if (isSecbotError(error)) return error;
  return new SecbotError('AUTH_PROVIDER_UNAVAILABLE', `${provider}: provider failed`, { cause: error });
}

/**
 * Try the providers that accept the credentials' kind, in order. The first principal wins.
 *
 * - A "no" (`AUTH_INVALID_CREDENTIALS`, `AUTH_INVALID_TOKEN`, `AUTH_REQUIRED`) passes on to the next
 *   provider: providers answer "unknown user" and "wrong password" alike, so a chain cannot tell
 *   whether a provider owns the user, and must let the next one try.
 * - An outage (`AUTH_PROVIDER_UNAVAILABLE` and the like, or a non-SecbotError) passes on too.
 * - Any other code is a verdict about a subject the provider recognised (disabled, expired, revoked,
 *   MFA required...): it stops the chain at once, so a later provider cannot override it.
 * - When all fail: the first "no" if any provider gave one (fail closed: an outage elsewhere must not
 *   turn a rejected guess into a retryable, uncounted "unavailable"); otherwise `AUTH_PROVIDER_UNAVAILABLE`.
 */
export async function runProviders(
  providers: readonly IdentityProvider[],
  credentials: Credentials,
  context: SecurityContext | undefined,
  fallbackName: string,
): Promise<ProvidersOutcome> {
  let firstNo: { error: SecbotError; provider: string } | undefined;
  const outages: { error: SecbotError; provider: string }[] = [];
  let tried = 0;
  for (const provider of providers) {
    const kinds = kindsOf(provider);
    if (kinds !== undefined && !kinds.includes(credentials.kind)) continue;
    tried += 1;
    try {
      const principal = checkPrincipal(await provider.authenticate(credentials, context), provider.name);
      return { ok: true, principal, provider: provider.name };
    } catch (thrown) {
      const error = asProviderError(thrown, provider.name);
      if (passOnCodes.has(error.code)) firstNo ??= { error, provider: provider.name };
      else if (unavailableCodes.has(error.code)) outages.push({ error, provider: provider.name });
      else return { ok: false, error, provider: provider.name };
    }
  }
  if (firstNo !== undefined) return { ok: false, ...firstNo };
  if (tried === 0) {
    return {
      ok: false,
      provider: fallbackName,
      error: new SecbotError(
        'AUTH_INVALID_CREDENTIALS',
        `${fallbackName}: no provider accepts ${credentials.kind} credentials`,
      ),
    };
  }
  const [only] = outages;
  if (outages.length === 1 && only !== undefined && only.error.code === 'AUTH_PROVIDER_UNAVAILABLE')
    return { ok: false, ...only };
  return {
    ok: false,
    provider: outages.length === 1 && only !== undefined ? only.provider : fallbackName,
    error: new SecbotError(
      'AUTH_PROVIDER_UNAVAILABLE',
      `${fallbackName}: no provider could answer (${outages.map((o) => `${o.provider}: ${o.error.code}`).join(', ')})`,
      { cause: outages.length === 1 ? only?.error : new AggregateError(outages.map((o) => o.error)) },
    ),
  };
}
