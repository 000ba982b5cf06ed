import type { AlertChannel, Notification } from '../../alert-channel.js';
import { notificationTitle } from '../../render.js';
import { alertBlocks, omittedLine } from './alert-blocks.js';
import type { HttpChannelOptions } from './channel-options.js';
import { jsonWebhookChannel } from './json-webhook-channel.js';
import { bounded, plainText, slackMrkdwn } from './text-bounds.js';

/** Options of {@link slackChannel}. */
export interface SlackChannelOptions extends HttpChannelOptions {
  /**
   * The incoming webhook URL (`https://hooks.slack.com/services/...`). It is a secret: it never
   * appears in the channel's name, messages or errors.
   */
  readonly url: string;
}

/** Most alerts shown as sections; the rest are counted in a context line. */
const maxSections = 10;
/** Slack's limits: header text 150, section text 3,000 characters. */
const headerMax = 150;
const sectionMax = 3000;

/**
 * The Slack incoming-webhook message for a notification: `text` (the title, used in
 * notifications) and Block Kit `blocks`: a header, one `mrkdwn` section per alert (at most 10,
 * each within Slack's 3,000 characters) and a context line counting what was left out. Text is
 * escaped (`&`, `<`, `>`), so alert content cannot add links or mentions.
 *
 * @param notification - The notification.
 * @returns The JSON body.
 */
export function slackMessage(notification: Notification): Record<string, unknown> {
  const title = notificationTitle(notification);
  const { blocks, omitted } = alertBlocks(notification, maxSections);
  return {
    text: bounded(title, sectionMax, slackMrkdwn),
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: bounded(title, headerMax, plainText), emoji: false },
      },
      ...blocks.map((block) => ({
        type: 'section',
        text: { type: 'mrkdwn', text: bounded(block, sectionMax, slackMrkdwn) },
      })),
      ...(omitted > 0
        ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: omittedLine(omitted) }] }]
        : []),
    ],
  };
}

/**
 * A channel that posts to a Slack incoming webhook (`slackMessage`). Failures follow the
 * HTTP rules of every channel: 408, 429 (with `Retry-After`), 5xx, timeouts and network errors are
 * retryable, other statuses (a revoked webhook answers 403 or 404) are not.
 *
 * @param options - Webhook URL, name, timeout.
 * @returns The channel, named `slack` unless `name` says otherwise.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (the URL is never quoted);
 *   `send` rejects with `AlertDeliveryError`.
 * @example
 * ```ts
 * import { slackChannel } from '@secbot/alerts';
 *
 * const slack = slackChannel({ url: process.env.SLACK_WEBHOOK_URL! });
 * ```
 */
export function slackChannel(options: SlackChannelOptions): AlertChannel {
  return jsonWebhookChannel(options, 'slackChannel', 'slack', slackMessage);
}
