import type { AlertChannel, Notification } from '../../alert-channel.js';
import { notificationTitle } from '../../render.js';
import { alertBlocks, omittedLine } from './alert-blocks.js';
import type { HttpChannelOptions } from './channel-options.js';
import { jsonWebhookChannel } from './json-webhook-channel.js';
import { severityColor } from './severity-style.js';
import { bounded, mattermostMarkdown } from './text-bounds.js';

/** Options of {@link mattermostChannel}. */
export interface MattermostChannelOptions extends HttpChannelOptions {
  /**
   * The incoming webhook URL (`https://chat.example.com/hooks/<key>`). It is a secret: it never
   * appears in the channel's name, messages or errors.
   */
  readonly url: string;
}

/** Alerts shown; the rest are counted. */
const maxAlerts = 10;
/** Mattermost posts hold 16,383 characters by default; text and attachment stay well under it. */
const titleMax = 400;
const bodyMax = 12_000;

/**
 * The Mattermost incoming-webhook message for a notification: `text` (the title in bold) and one
 * attachment coloured by severity (green when resolved) holding the alerts. Markdown in alert
 * content is escaped and `@` mentions are broken, so alert content cannot add links, images or
 * notify a channel.
 *
 * @param notification - The notification.
 * @returns The JSON body.
 */
export function mattermostMessage(notification: Notification): Record<string, unknown> {
  const title = notificationTitle(notification);
  const { blocks, omitted } = alertBlocks(notification, maxAlerts);
  const body = [...blocks, ...(omitted > 0 ? [omittedLine(omitted)] : [])].join('\n\n');
  return {
    text: `**${bounded(title, titleMax, mattermostMarkdown)}**`,
    attachments: [
      {
        fallback: bounded(title, titleMax, mattermostMarkdown),
        color: severityColor(notification),
        text: bounded(body, bodyMax, mattermostMarkdown),
      },
    ],
  };
}

/**
 * A channel that posts to a Mattermost incoming webhook (`mattermostMessage`), with the
 * same failure rules as every HTTP channel.
 *
 * @param options - Webhook URL, name, timeout.
 * @returns The channel, named `mattermost` unless `name` says otherwise.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (the URL is never quoted);
 *   `send` rejects with `AlertDeliveryError`.
 * @example
 * ```ts
 * import { mattermostChannel } from '@secbot/alerts';
 *
 * const mattermost = mattermostChannel({ url: process.env.MATTERMOST_WEBHOOK_URL! });
 * ```
 */
export function mattermostChannel(options: MattermostChannelOptions): AlertChannel {
  return jsonWebhookChannel(options, 'mattermostChannel', 'mattermost', mattermostMessage);
}
