import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { AlertChannel, Notification } from '../../alert-channel.js';
import { notificationTitle, oneLine } from '../../render.js';
import { type HttpChannelOptions, httpChannelShape } from './channel-options.js';
import { DeliveryLedger } from './deliver-each.js';
import { httpPost } from './http-post.js';
import { baseUrlSchema } from './receiver-url.js';
import { bounded } from './text-bounds.js';

/** Options of {@link twilioSmsChannel}. Give `authToken`, or `apiKeySid` with `apiKeySecret`. */
export interface TwilioSmsChannelOptions extends HttpChannelOptions {
  /** The account SID (`AC` + 32 hex digits). */
  readonly accountSid: string;
  /** The account's auth token. A secret: never in messages or errors. */
  readonly authToken?: string;
  /** An API key SID (`SK` + 32 hex digits), used with `apiKeySecret` instead of the auth token. */
  readonly apiKeySid?: string;
  /** The API key's secret. Never in messages or errors. */
  readonly apiKeySecret?: string;
  /** The sending number, E.164 (`+15005550006`); or give `messagingServiceSid`. */
  readonly from?: string;
  /** A Messaging Service (`MG` + 32 hex digits) that picks the sender. */
  readonly messagingServiceSid?: string;
  /** Who gets the SMS: E.164 numbers, one request each (at most 20). */
  readonly to: string | readonly string[];
  /** Longest body, 1 to 1,600 characters (Twilio's limit). Default 480 (three to eight segments). */
  readonly maxChars?: number;
  /** Another API base (a proxy, a test receiver). Default `https://api.twilio.com`. */
  readonly baseUrl?: string;
}

const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 number (+ and up to 15 digits)');
const secret = z.string().regex(/^[\x21-\x7e]{16,128}$/, 'must be 16-128 printable characters');

const schema = z
  .strictObject({
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be "AC" + 32 hex digits'),
    authToken: secret.optional(),
    apiKeySid: z
      .string()
      .regex(/^SK[0-9a-fA-F]{32}$/, 'must be "SK" + 32 hex digits')
      .optional(),
    apiKeySecret: secret.optional(),
    from: e164.optional(),
    messagingServiceSid: z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/, 'must be "MG" + 32 hex digits')
      .optional(),
    to: z.preprocess((value) => (Array.isArray(value) ? value : [value]), z.array(e164).min(1).max(20)),
    maxChars: z.number().int().min(1).max(1600).default(480),
    baseUrl: baseUrlSchema.default('https://api.twilio.com'),
    ...httpChannelShape,
  })
  .superRefine((options, context) => {
    const byToken = options.authToken !== undefined;
    const byKey = options.apiKeySid !== undefined || options.apiKeySecret !== undefined;
    if (
      byToken === byKey ||
      (byKey && (options.apiKeySid === undefined || options.apiKeySecret === undefined))
    ) {
      context.addIssue({
        code: 'custom',
        message: 'give authToken, or apiKeySid with apiKeySecret',
        path: [],
      });
    }
    if ((options.from === undefined) === (options.messagingServiceSid === undefined)) {
      context.addIssue({
        code: 'custom',
        message: 'give exactly one of from and messagingServiceSid',
        path: [],
      });
    }
  });

/**
 * The SMS text for a notification: the title, then one line per alert summary, within `maxChars`.
 *
 * @param notification - The notification.
 * @param maxChars - The bound.
 * @returns The body.
 */
export function smsText(notification: Notification, maxChars: number): string {
  const lines = [
    notificationTitle(notification),
    ...notification.alerts.map((alert) => oneLine(alert.summary, 300)),
  ];
  return bounded(lines.join('\n'), maxChars);
}

/**
 * A channel that sends an SMS per recipient through Twilio's Messages API
 * (`POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded `To`, `From` or
 * `MessagingServiceSid`, `Body`; HTTP Basic auth), with plain `fetch`. Twilio answers 201 once it
 * queued a message. A failed recipient does not stop the others, and a retry of the notification
 * texts only those not yet reached. Numbers and credentials never appear in errors.
 *
 * @param options - Account, credential, sender, recipients, bound, name, timeout.
 * @returns The channel, named `twilio-sms` unless `name` says otherwise.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (values are never quoted);
 *   `send` rejects with `AlertDeliveryError`.
 * @example
 * ```ts
 * import { twilioSmsChannel } from '@secbot/alerts';
 *
 * const sms = twilioSmsChannel({
 *   accountSid: process.env.TWILIO_ACCOUNT_SID!,
 *   authToken: process.env.TWILIO_AUTH_TOKEN!,
 *   from: '+15005550006',
 *   to: ['+14155550100'],
 * });
 * ```
 */
export function twilioSmsChannel(options: TwilioSmsChannelOptions): AlertChannel {
  const config = parseOptions(schema, options, 'twilioSmsChannel');
  const name = config.name ?? 'twilio-sms';
  const url = `${config.baseUrl}/2010-04-01/Accounts/${config.accountSid}/Messages.json`;
  const user = config.apiKeySid ?? config.accountSid;
  const password = config.apiKeySecret ?? config.authToken ?? '';
  const authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
  const sender: Record<string, string> =
    config.messagingServiceSid === undefined
      ? { From: config.from ?? '' }
      : { MessagingServiceSid: config.messagingServiceSid };
  const ledger = new DeliveryLedger(name);
  return {
    name,
    async send(notification, { signal }) {
      const body = smsText(notification, config.maxChars);
      await ledger.deliver(
        notification.id,
        config.to.map((to) => ({
          key: to,
          send: () =>
            httpPost({
              channel: name,
              url,
              headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
              body: new URLSearchParams({ To: to, ...sender, Body: body }).toString(),
              timeoutMs: config.timeoutMs,
              signal,
              now: config.now,
            }),
        })),
        signal,
      );
    },
  };
}
