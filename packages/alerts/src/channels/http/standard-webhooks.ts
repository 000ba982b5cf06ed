import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

// Standard Webhooks 1.0 (https://www.standardwebhooks.com): the symmetric `v1` scheme shared by
// the sender (webhookChannel) and the receiver (verifyWebhook).

/** A Standard Webhooks secret: `whsec_` + base64 of the key bytes, or the key bytes themselves. */
export type WebhookSecret = string | Uint8Array;

/** Fewest key bytes accepted (the specification asks for 24 to 64). */
export const minWebhookKeyBytes = 24;

const whsec = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

function keyBytes(secret: WebhookSecret): Uint8Array | undefined {
  if (typeof secret !== 'string') return secret;
  const match = whsec.exec(secret);
  if (match === null) return undefined;
  const bytes = Buffer.from(match[1] as string, 'base64');
  // Buffer's decoder skips what it cannot read; a round trip proves the text was clean base64.
  const canonical = bytes.toString('base64').replace(/=+$/, '');
  return canonical === (match[1] as string).replace(/=+$/, '') ? bytes : undefined;
}

const secretSchema = z.union([z.string(), z.instanceof(Uint8Array)]).transform((secret, context) => {
  const bytes = keyBytes(secret);
  if (bytes === undefined || bytes.byteLength < minWebhookKeyBytes) {
    context.addIssue({
      code: 'custom',
      message: `must be "whsec_" + base64 of at least ${minWebhookKeyBytes} key bytes, or those bytes`,
    });
    return z.NEVER;
  }
  return createSecretKey(Buffer.from(bytes));
});

/**
 * Zod schema of a webhook secret option: one secret or a list, newest first (several during a
 * rotation). The output is the list of HMAC keys.
 */
export const webhookSecretsSchema = z.preprocess(
  (value) => (Array.isArray(value) ? value : [value]),
  z.array(secretSchema).min(1, 'at least one secret is required').max(8),
) as z.ZodType<readonly KeyObject[], WebhookSecret | readonly WebhookSecret[]>;

/**
 * The raw `v1` signature: HMAC-SHA256 over `${id}.${timestamp}.${body}`.
 *
 * @param key - The HMAC key.
 * @param id - The `webhook-id`.
 * @param timestamp - The `webhook-timestamp` text (seconds).
 * @param body - The exact body bytes (or text, as UTF-8).
 * @returns The 32 signature bytes.
 */
export function webhookSignature(
  key: KeyObject,
  id: string,
  timestamp: string,
  body: string | Uint8Array,
): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`, 'utf8').update(body).digest();
}

/**
 * The `webhook-signature` header value: `v1,<base64>` per key, space-separated.
 *
 * @param keys - The HMAC keys, newest first.
 * @param id - The `webhook-id`.
 * @param timestamp - The `webhook-timestamp` text.
 * @param body - The body text.
 * @returns The header value.
 */
export function webhookSignatureHeader(
  keys: readonly KeyObject[],
  id: string,
  timestamp: string,
  body: string,
): string {
  return keys.map((key) => `v1,${webhookSignature(key, id, timestamp, body).toString('base64')}`).join(' ');
}
