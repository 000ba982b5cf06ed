import { SecbotError } from '@secbot/core';

/**
 * The error a pinned connection fails with: the server's chain verified, but none of its public
 * keys matches a configured pin. A `SecbotError` with code `TLS_PIN_MISMATCH`. Node's TLS socket
 * destroys the connection with it, so it reaches the caller as the request's `'error'`, or as the
 * `cause` of an HTTP client's own error (HTTP clients such as axios and got copy `code` onto
 * theirs). Its message names the host, how many pins were expected and the leaf pin presented;
 * pins are public-key hashes, not secrets.
 *
 * @param host - Host name the connection was for.
 * @param expectedPinCount - How many pins were configured.
 * @param receivedPins - Pins of the presented chain, leaf first.
 * @returns The error.
 */
export function pinMismatchError(
  host: string,
  expectedPinCount: number,
  receivedPins: readonly string[],
): SecbotError {
  const leaf = receivedPins[0] ?? '(none readable)';
  return new SecbotError(
    'TLS_PIN_MISMATCH',
    `TLS pin mismatch for ${host}: none of the ${expectedPinCount} configured pin(s) matches the ` +
      `server's certificate chain (${receivedPins.length} certificate(s); leaf key pin ${leaf})`,
  );
}

/**
 * Whether an error is, or was caused by, a pin mismatch: looks for code `TLS_PIN_MISMATCH` on
 * the value and down its `cause` chain (undici's `fetch failed` keeps the socket error as `cause`).
 *
 * @param value - Anything caught.
 * @returns `true` when a pin mismatch refused the connection.
 * @example
 * ```ts
 * import https from 'node:https';
 * import { isPinMismatchError, secureAgent } from '@secbot/crypto';
 *
 * const agent = secureAgent({ pins: ['sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='] });
 * https.get('https://api.example.com/', { agent }).on('error', (err) => {
 *   if (isPinMismatchError(err)) console.error('possible interception:', err.message);
 * });
 * ```
 */
export function isPinMismatchError(value: unknown): boolean {
  let current: unknown = value;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if ((current as { code?: unknown }).code === 'TLS_PIN_MISMATCH') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
