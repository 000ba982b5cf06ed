// Key-name rules of the redactor. A key is compared after normalisation: lower case, with
// separators (`-`, `_`, `.`, space) removed, so `Set-Cookie`, `set_cookie` and `setCookie` are one
// name. Matching is exact, by substring or by suffix, from three fixed lists decided here once.

/** Normalise a key name: lower case, without `-`, `_`, `.` or spaces. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_. ]/g, '');
}

/**
 * Key names whose values are redacted whatever their type, as given to the user in the docs.
 * Normalised forms are what is compared.
 */
export const defaultRedactKeys: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'client_secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth_token',
  'session_token',
  'csrf_token',
  'xsrf-token',
  'api_key',
  'apikey',
  'x-api-key',
  'private_key',
  'credentials',
  'session',
  'session_id',
  'ssn',
  'otp',
  'pin',
  'cvv',
  'cvc',
];

// A normalised key containing one of these is secret: `dbPassword`, `stripeSecretKey`, `myApiKey`.
const secretInfixes = ['password', 'passwd', 'passphrase', 'secret', 'apikey', 'privatekey', 'credential'];
// A normalised key ending with one of these is secret: `githubToken`, `x-auth-token`, `userPwd`.
// (`maxTokens`, `tokenCount` and `promptTokens`, common in chatbot usage data, are kept.)
const secretSuffixes = ['token', 'pwd', 'cookie', 'authorization'];

/**
 * Compile a key predicate from the defaults (unless switched off) and the caller's own names.
 *
 * @param keys - Extra key names, matched exactly after normalisation.
 * @param defaults - Whether the built-in names and rules apply.
 */
export function compileKeyMatcher(keys: readonly string[], defaults: boolean): (key: string) => boolean {
  const exact = new Set((defaults ? [...defaultRedactKeys, ...keys] : keys).map(normalizeKey));
  if (!defaults) return (key) => exact.has(normalizeKey(key));
  return (key) => {
    const name = normalizeKey(key);
    if (exact.has(name)) return true;
    for (const infix of secretInfixes) if (name.includes(infix)) return true;
    for (const suffix of secretSuffixes) if (name.endsWith(suffix)) return true;
    return false;
  };
}
