import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { AlertChannel, Notification } from '../../alert-channel.js';
import { type HttpChannelOptions, httpChannelShape } from './channel-options.js';
import { httpPost } from './http-post.js';
import { receiverUrlSchema } from './receiver-url.js';

const schema = z.strictObject({ url: receiverUrlSchema, ...httpChannelShape });

/**
 * A channel that POSTs a JSON message to one incoming-webhook URL (Slack, Mattermost, Teams
 * Workflows): the options are validated once (the URL, a secret, is never quoted), and each send
 * renders the notification with `message` and goes through `httpPost`.
 *
 * @param options - The channel's options (`url` plus the common HTTP ones).
 * @param factory - The factory's name, for `CONFIG_INVALID` messages.
 * @param defaultName - The channel's name when `options.name` is absent.
 * @param message - Renders a notification as the receiver's JSON body.
 */
export function jsonWebhookChannel(
  options: HttpChannelOptions & { readonly url: string },
  factory: string,
  defaultName: string,
  message: (notification: Notification) => Record<string, unknown>,
): AlertChannel {
  const config = parseOptions(schema, options, factory);
  const name = config.name ?? defaultName;
  return {
    name,
    send: (notification, { signal }) =>
      httpPost({
        channel: name,
        url: config.url,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message(notification)),
        timeoutMs: config.timeoutMs,
        signal,
        now: config.now,
      }),
  };
}
