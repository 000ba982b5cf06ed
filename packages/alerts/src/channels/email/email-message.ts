import { createHash } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import type { Notification } from '../../alert-channel.js';
import { notificationSeverity, notificationText, notificationTitle } from '../../render.js';
import { emailHtml } from './email-html.js';

/** Sender and recipients of alert emails (validated options). */
export interface EmailAddressing {
  /** Sender address. */
  readonly from: string;
  /** Sender display name. */
  readonly fromName: string;
  /** Recipient addresses. */
  readonly to: readonly string[];
}

/**
 * The nodemailer message for a notification: subject `notificationTitle`, text
 * `notificationText`, an escaped HTML alternative, and headers for threading and dedupe:
 *
 * - `Message-ID` derived from the notification id, so every retry carries the same one;
 * - `References` and `In-Reply-To` naming the alert group (a hash of receiver and group key, which
 *   may hold user names), so mail clients thread a group's notifications;
 * - `X-Secbot-Notification-Id`, `X-Secbot-Status`, `X-Secbot-Severity` for filters;
 * - `Auto-Submitted: auto-generated` (RFC 3834) and `X-Auto-Response-Suppress: All`, so
 *   autoresponders stay quiet.
 */
export function emailMessage(notification: Notification, addressing: EmailAddressing): SendMailOptions {
  const domain = addressing.from.slice(addressing.from.lastIndexOf('@') + 1);
  const id = headerToken(notification.id);
  const group = `<group.${sha256(`${notification.receiver}\u0000${notification.groupKey}`).slice(0, 32)}@${domain}>`;
  const severity = notificationSeverity(notification);
  const date = new Date(notification.createdAt);
  return {
    from: { name: addressing.fromName, address: addressing.from },
    to: [...addressing.to],
    subject: notificationTitle(notification),
    text: notificationText(notification),
    html: emailHtml(notification),
    ...(Number.isNaN(date.getTime()) ? {} : { date }),
    messageId: `<secbot.${id}@${domain}>`,
    references: group,
    inReplyTo: group,
    priority: severity === 'critical' || severity === 'high' ? 'high' : 'normal',
    headers: {
      'X-Secbot-Notification-Id': id,
      'X-Secbot-Status': notification.status,
      'X-Secbot-Severity': severity,
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
    },
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

// The id itself when it is a safe header token, else its hash (never a raw line break or space).
function headerToken(value: string): string {
  return /^[A-Za-z0-9._-]{1,128}$/.test(value) ? value : sha256(value).slice(0, 32);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
