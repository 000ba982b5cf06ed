import { type KeyObject, timingSafeEqual } from 'node:crypto';
import {
  type Clock,
  createMemoryStore,
  parseOptions,
  SecbotError,
  type Store,
  storeSchema,
} from '@secbot/core';
import { z } from 'zod';
import { type WebhookSecret, webhookSecretsSchema, webhookSignature } from './standard-webhooks.js';

/** Remembers webhook ids, so each signed message is accepted once. */
export interface WebhookReplayGuard {
  /**
   * Record `id` and tell whether it had been recorded before. Called only for messages whose
   * signature and timestamp are valid; keep each id at least `toleranceSec` x 2 seconds.
   *
   * @param id - The `webhook-id`.
   * @returns `true` when the id was already seen (the message is refused as a replay).
   */
  seen(id: string): boolean | Promise<boolean>;
}

/** Replay protection kept in a `Store` (shared by every instance when it is Redis). */
export interface WebhookReplayStore {
  /** Where ids are claimed, with a TTL that covers the tolerance window. */
  readonly store: Store;
  /** Key prefix. Default `webhook:seen:`. */
  readonly keyPrefix?: string;
}

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** The secret(s) (`whsec_...` or bytes); a signature made with any of them is accepted (rotation). */
  readonly secrets: WebhookSecret | readonly WebhookSecret[];
  /** How far `webhook-timestamp` may be from now, in seconds, either way (1 to 3,600). Default 300. */
  readonly toleranceSec?: number;
  /**
   * How replays are refused: a Store (`{ store }`) or your own {@link WebhookReplayGuard}.
   * Default: a memory store of this process. Use a shared store when several instances receive.
   */
  readonly replay?: WebhookReplayStore | WebhookReplayGuard;
  /** Largest body accepted, in bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Clock, epoch milliseconds. Defaults to `Date.now`. */
  readonly now?: Clock;
}

/** Request headers as `fetch` (`Headers`) or Node (`req.headers`) give them. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Checks one received webhook and resolves to its parsed JSON payload. */
export type WebhookVerifier = (headers: WebhookHeaders, rawBody: string | Uint8Array) => Promise<unknown>;

const isFunction = (value: unknown): boolean => typeof value === 'function';
const schema = z.strictObject({
  secrets: webhookSecretsSchema,
  toleranceSec: z.number().int().min(1).max(3600).default(300),
  replay: z
    .union([
      z.strictObject({ store: storeSchema, keyPrefix: z.string().min(1).max(128).default('webhook:seen:') }),
      z.custom<WebhookReplayGuard>(
        (value) =>
          typeof value === 'object' && value !== null && isFunction((value as { seen?: unknown }).seen),
        'must be { store } or an object with seen(id)',
      ),
    ])
    .optional(),
  maxBodyBytes: z
    .number()
    .int()
    .min(1)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  now: z.custom<Clock>(isFunction, 'must be a function').default(() => Date.now),
});

const idPattern = /^[\x21-\x7e]{1,256}$/;
const timestampPattern = /^\d{1,12}$/;
const signaturePattern = /^v1,([A-Za-z0-9+/]{43}=)$/;
const maxSignatureHeader = 4096;
const maxSignatures = 16;
const where = 'verifyWebhook';

const refuse = (code: 'AUTH_INVALID_TOKEN' | 'AUTH_REQUIRED', what: string): SecbotError =>
  new SecbotError(code, `${where}: ${what}`);

/**
 * Make a verifier for Standard Webhooks 1.0 (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64>`), as sent by {@link webhookChannel} and other senders.
 *
 * Checks, in order: body size; the three headers present and well formed; the timestamp within
 * `toleranceSec` of now, either way; at least one `v1` signature matching one of the secrets
 * (compared in constant time, every pair compared); the body is JSON; the id not seen before
 * (claimed only now, so unsigned traffic cannot fill the replay store). Pass the raw body exactly
 * as received, before any JSON parsing.
 *
 * @param options - Secrets, tolerance, replay protection, body limit, clock.
 * @returns The verifier.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option. The verifier rejects with
 *   `REQUEST_TOO_LARGE` (body over `maxBodyBytes`), `AUTH_REQUIRED` (a header missing),
 *   `AUTH_INVALID_TOKEN` (malformed or repeated header, timestamp too far ahead, no matching
 *   signature), `AUTH_TOKEN_EXPIRED` (timestamp too old), `REQUEST_INVALID` (signed body not JSON),
 *   `REQUEST_REPLAYED` (id already seen: a replay, or a retry of a message already accepted, which
 *   a receiver may acknowledge with 2xx) or `STORE_UNAVAILABLE` (the replay store failed).
 * @example
 * ```ts
 * import { verifyWebhook } from '@secbot/alerts';
 *
 * const verify = verifyWebhook({ secrets: process.env.SECBOT_WEBHOOK_SECRET! });
 * // in a handler, with the raw body: const notification = await verify(req.headers, rawBody);
 * ```
 */
export function verifyWebhook(options: VerifyWebhookOptions): WebhookVerifier {
  const config = parseOptions(schema, options, where);
  const { secrets: keys, now } = config;
  const toleranceMs = config.toleranceSec * 1000;
  const seen = replayCheck(
    config.replay ?? { store: createMemoryStore({ now }), keyPrefix: 'webhook:seen:' },
  );
  return async (headers, rawBody) => {
    const size = typeof rawBody === 'string' ? Buffer.byteLength(rawBody, 'utf8') : rawBody.byteLength;
    if (size > config.maxBodyBytes) {
      throw new SecbotError('REQUEST_TOO_LARGE', `${where}: body larger than ${config.maxBodyBytes} bytes`);
    }
    const id = header(headers, 'webhook-id');
    const timestamp = header(headers, 'webhook-timestamp');
    const signatures = header(headers, 'webhook-signature');
    if (!idPattern.test(id)) throw refuse('AUTH_INVALID_TOKEN', 'malformed webhook-id');
    if (!timestampPattern.test(timestamp)) throw refuse('AUTH_INVALID_TOKEN', 'malformed webhook-timestamp');
    const sentAt = Number(timestamp) * 1000;
    const at = now();
    if (at - sentAt > toleranceMs) {
      throw new SecbotError('AUTH_TOKEN_EXPIRED', `${where}: webhook-timestamp older than the tolerance`);
    }
    if (sentAt - at > toleranceMs) throw refuse('AUTH_INVALID_TOKEN', 'webhook-timestamp in the future');
    if (!matches(keys, signatures, id, timestamp, rawBody)) {
      throw refuse('AUTH_INVALID_TOKEN', 'no matching signature');
    }
    let payload: unknown;
    try {
      const text =
        typeof rawBody === 'string' ? rawBody : new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
      payload = JSON.parse(text);
    } catch (error) {
      throw new SecbotError('REQUEST_INVALID', `${where}: the signed body is not JSON`, { cause: error });
    }
    if (await seen(id, sentAt + toleranceMs - at)) {
      throw new SecbotError('REQUEST_REPLAYED', `${where}: webhook-id already accepted (replay or retry)`);
    }
    return payload;
  };
}

function header(headers: WebhookHeaders, name: string): string {
  let value: string | readonly string[] | null | undefined;
  if (headers instanceof Headers) value = headers.get(name);
  else {
    value = headers[name];
    if (value === undefined) {
      const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
      value = key === undefined ? undefined : headers[key];
    }
  }
  if (typeof value !== 'string' && value !== null && value !== undefined) {
    if (value.length !== 1) throw refuse('AUTH_INVALID_TOKEN', `repeated ${name} header`);
    value = value[0];
  }
  if (typeof value !== 'string' || value === '') throw refuse('AUTH_REQUIRED', `missing ${name} header`);
  return value;
}

function matches(
  keys: readonly KeyObject[],
  header: string,
  id: string,
  timestamp: string,
  body: string | Uint8Array,
): boolean {
  if (header.length > maxSignatureHeader) throw refuse('AUTH_INVALID_TOKEN', 'webhook-signature too long');
  const entries = header.split(' ').filter((entry) => entry !== '');
  if (entries.length > maxSignatures) throw refuse('AUTH_INVALID_TOKEN', 'too many signatures');
  // Other schemes (v1a, asymmetric) are skipped, as the specification asks.
  const given = entries.flatMap((entry) => {
    const match = signaturePattern.exec(entry);
    return match === null ? [] : [Buffer.from(match[1] as string, 'base64')];
  });
  let found = false;
  for (const key of keys) {
    const expected = webhookSignature(key, id, timestamp, body);
    for (const signature of given) {
      // Every pair is compared, match or not, so timing tells nothing about which one matched.
      if (signature.byteLength === expected.byteLength && timingSafeEqual(signature, expected)) found = true;
    }
  }
  return found;
}

type ReplayCheck = (id: string, remainingMs: number) => Promise<boolean>;

function replayCheck(
  replay: { readonly store: Store; readonly keyPrefix: string } | WebhookReplayGuard,
): ReplayCheck {
  return async (id, remainingMs) => {
    try {
      if ('seen' in replay) return await replay.seen(id);
      // The id can pass the timestamp check until sentAt + tolerance; keep it a second longer.
      const claimed = await replay.store.set(`${replay.keyPrefix}${id}`, '1', {
        ttlMs: Math.max(1, remainingMs + 1000),
        ifNotExists: true,
      });
      return !claimed;
    } catch (error) {
      if (error instanceof SecbotError) throw error;
      throw new SecbotError('STORE_UNAVAILABLE', `${where}: the replay guard failed`, { cause: error });
    }
  };
}
