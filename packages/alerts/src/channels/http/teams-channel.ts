import type { AlertChannel, Notification } from '../../alert-channel.js';
import { notificationSeverity, notificationTitle } from '../../render.js';
import { alertBlocks, omittedLine } from './alert-blocks.js';
import type { HttpChannelOptions } from './channel-options.js';
import { jsonWebhookChannel } from './json-webhook-channel.js';
import { adaptiveCardText, bounded } from './text-bounds.js';

/** Options of {@link teamsChannel}. */
export interface TeamsChannelOptions extends HttpChannelOptions {
  /**
   * The URL of a Power Automate Workflows webhook ("When a Teams webhook request is received" +
   * "Post card in a chat or channel"). Its `sig` parameter is a secret: the URL never appears in
   * the channel's name, messages or errors.
   */
  readonly url: string;
}

/** Alerts shown; the rest are counted. Teams refuses messages over about 28 KB. */
const maxAlerts = 8;
const titleMax = 200;
const blockMax = 2000;

function titleColor(notification: Notification): string {
  if (notification.status === 'resolved') return 'Good';
  const severity = notificationSeverity(notification);
  if (severity === 'critical' || severity === 'high') return 'Attention';
  return severity === 'medium' ? 'Warning' : 'Default';
}

// Text goes into RichTextBlock TextRuns, which Teams renders without Markdown; `{{` is broken so
// date functions cannot run either.
const run = (
  text: string,
  max: number,
  style: Readonly<Record<string, string | boolean>> = {},
): Record<string, unknown> => ({
  type: 'RichTextBlock',
  inlines: [{ type: 'TextRun', text: bounded(text, max, adaptiveCardText), ...style }],
});

/**
 * The Workflows webhook body for a notification: a `message` with one Adaptive Card 1.4
 * attachment: the title (coloured by severity, green when resolved), then one block per alert
 * (at most 8, 2,000 characters each, about 20 KB in all) and a line counting what was left out.
 *
 * @param notification - The notification.
 * @returns The JSON body.
 */
export function teamsMessage(notification: Notification): Record<string, unknown> {
  const title = notificationTitle(notification);
  const { blocks, omitted } = alertBlocks(notification, maxAlerts);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            run(title, titleMax, { weight: 'Bolder', size: 'Medium', color: titleColor(notification) }),
            ...blocks.map((block) => ({ ...run(block, blockMax), separator: true })),
            ...(omitted > 0 ? [run(omittedLine(omitted), titleMax, { isSubtle: true })] : []),
          ],
        },
      },
    ],
  };
}

/**
 * A channel that posts an Adaptive Card (`teamsMessage`) to Microsoft Teams through a
 * Power Automate Workflows webhook (the Office 365 connectors are retired). A Workflows trigger
 * answers 202 once it accepted the request. Failures follow the rules of every HTTP channel.
 *
 * @param options - Workflows URL, name, timeout.
 * @returns The channel, named `teams` unless `name` says otherwise.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (the URL is never quoted);
 *   `send` rejects with `AlertDeliveryError`.
 * @example
 * ```ts
 * import { teamsChannel } from '@secbot/alerts';
 *
 * const teams = teamsChannel({ url: process.env.TEAMS_WORKFLOW_URL! });
 * ```
 */
export function teamsChannel(options: TeamsChannelOptions): AlertChannel {
  return jsonWebhookChannel(options, 'teamsChannel', 'teams', teamsMessage);
}
