import type { Notification } from '../../alert-channel.js';
import { notificationText } from '../../render.js';

/** The per-alert text blocks a chat message shows, and how many alerts it leaves out. */
export interface AlertBlocks {
  /** One plain-text block per alert shown (from `notificationText`), unescaped and unbounded. */
  readonly blocks: readonly string[];
  /** Alerts not shown: those past `max`, plus those the notification itself left out. */
  readonly omitted: number;
}

/**
 * Split a notification into one text block per alert, at most `max` of them, so each block can be
 * bounded to a receiver's per-section limit.
 *
 * @param notification - The notification.
 * @param max - Most blocks.
 * @returns The blocks and the number of alerts left out.
 */
export function alertBlocks(notification: Notification, max: number): AlertBlocks {
  const shown = notification.alerts.slice(0, max);
  return {
    blocks: shown.map((alert) => notificationText({ ...notification, alerts: [alert], truncatedAlerts: 0 })),
    omitted: notification.alerts.length - shown.length + notification.truncatedAlerts,
  };
}

/** The line that says how many alerts were left out: `… and 3 more alerts`. */
export function omittedLine(omitted: number): string {
  return `… and ${omitted} more alert${omitted === 1 ? '' : 's'}`;
}
