import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import { type AlertChannel, AlertDeliveryError, type Notification } from '../../alert-channel.js';
import { type HttpChannelOptions, httpChannelShape } from './channel-options.js';
import { httpPost } from './http-post.js';
import { receiverUrlSchema } from './receiver-url.js';
import { type WebhookSecret, webhookSecretsSchema, webhookSignatureHeader } from './standard-webhooks.js';

/** Options of {@link webhookChannel}. */
export interface WebhookChannelOptions extends HttpChannelOptions {
  /** The receiver's URL: `https:` (plain `http:` only to localhost, `127.0.0.0/8` or `::1`). */
  readonly url: string;
  /**
   * The signing secret, `whsec_` + base64 of at least 24 random bytes (or the bytes), or a list of
   * them while rotating: the request then carries one signature per secret.
   */
  readonly secret: WebhookSecret | readonly WebhookSecret[];
}

/** The JSON body a signed webhook carries: the notification plus a format version. */
export interface WebhookPayload extends Notification {
  /** The payload format, `"1"`. */
  readonly version: '1';
}

const schema = z.strictObject({ url: receiverUrlSchema, secret: webhookSecretsSchema, ...httpChannelShape });
const headerSafe = /^[\x21-\x7e]{1,256}$/;

/**
 * A channel that POSTs each notification as JSON ({@link WebhookPayload}), signed per Standard
 * Webhooks 1.0: `webhook-id` (the notification id, the same on every retry, so receivers drop
 * duplicates), `webhook-timestamp` (seconds, at each attempt) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one per secret). Receivers check it with
 * {@link verifyWebhook} or any Standard Webhooks library.
 *
 * Any 2xx is success; redirects are not followed; 408, 429 and 5xx are retryable (with
 * `Retry-After`), other statuses are not; network failures and timeouts are retryable.
 *
 * @param options - URL, secret(s), name, timeout, clock.
 * @returns The channel, named `webhook` unless `name` says otherwise.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (the URL and secrets are never quoted);
 *   `send` rejects with {@link AlertDeliveryError}.
 * @example
 * ```ts
 * import { webhookChannel } from '@secbot/alerts';
 *
 * const soc = webhookChannel({ url: 'https://soc.example.com/hooks/secbot', secret: process.env.SECBOT_WEBHOOK_SECRET! });
 * ```
 */
export function webhookChannel(options: WebhookChannelOptions): AlertChannel {
  const config = parseOptions(schema, options, 'webhookChannel');
  const name = config.name ?? 'webhook';
  return {
    name,
    async send(notification, { signal }) {
      if (!headerSafe.test(notification.id)) {
        throw new AlertDeliveryError(name, 'the notification id cannot be a webhook-id', {
          retryable: false,
        });
      }
      // Field by field, so nothing but the documented payload leaves (not even extra runtime fields).
      const payload: WebhookPayload = {
        version: '1',
        id: notification.id,
        receiver: notification.receiver,
        status: notification.status,
        groupKey: notification.groupKey,
        groupLabels: notification.groupLabels,
        alerts: notification.alerts,
        truncatedAlerts: notification.truncatedAlerts,
        createdAt: notification.createdAt,
      };
      const body = JSON.stringify(payload);
      const timestamp = String(Math.floor(config.now() / 1000));
      await httpPost({
        channel: name,
        url: config.url,
        headers: {
          'content-type': 'application/json',
          'webhook-id': notification.id,
          'webhook-timestamp': timestamp,
          'webhook-signature': webhookSignatureHeader(config.secret, notification.id, timestamp, body),
        },
        body,
        timeoutMs: config.timeoutMs,
        signal,
        now: config.now,
      });
    },
  };
}
