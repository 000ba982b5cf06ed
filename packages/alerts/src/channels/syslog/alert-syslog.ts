import { isIP } from 'node:net';
import type { Alert } from '../../alert.js';
import type { Notification } from '../../alert-channel.js';
import { formatCef } from './cef.js';
import {
  formatSyslog5424,
  type SyslogFacility,
  type SyslogSeverity,
  type SyslogStructuredData,
} from './syslog-5424.js';

/** How a syslog channel writes alerts (its options after validation). */
export interface AlertSyslogFormat {
  /** MSG as a CEF event or as one line of text. */
  readonly message: 'cef' | 'text';
  /** The facility. */
  readonly facility: SyslogFacility;
  /** HOSTNAME. */
  readonly hostname: string;
  /** APP-NAME. */
  readonly appName: string;
  /** PROCID. */
  readonly procId: string;
  /** The CEF device fields. */
  readonly cef: { readonly vendor: string; readonly product: string; readonly version: string };
  /** Largest message in bytes. */
  readonly maxBytes: number;
}

// Firing alerts by severity; a resolved alert is informational whatever its severity.
const syslogSeverity: Readonly<Record<Alert['severity'], SyslogSeverity>> = {
  critical: 2,
  high: 3,
  medium: 4,
  low: 5,
  info: 6,
};
const cefSeverity: Readonly<Record<Alert['severity'], number>> = {
  critical: 10,
  high: 8,
  medium: 5,
  low: 3,
  info: 1,
};

/** SD-ID of the alert's own fields (32473 is the example enterprise number of RFC 5612). */
export const alertSdId = 'secbot@32473';
/** SD-ID of the alert's labels. */
export const labelsSdId = 'labels@32473';
const maxLabels = 32;
const maxValueChars = 256;

/**
 * The syslog messages for a notification: one per alert, in order, each RFC 5424 with the
 * alert's fields as structured data and a CEF (or plain text) MSG.
 */
export function alertSyslogMessages(notification: Notification, format: AlertSyslogFormat): string[] {
  return notification.alerts.map((alert) =>
    formatSyslog5424(
      {
        facility: format.facility,
        severity: alert.status === 'resolved' ? 6 : syslogSeverity[alert.severity],
        timestamp: notification.createdAt,
        hostname: format.hostname,
        appName: format.appName,
        procId: format.procId,
        msgId: 'alert',
        structuredData: structuredData(alert, notification),
        msg: format.message === 'cef' ? cefMessage(alert, format.cef) : textMessage(alert),
      },
      { maxBytes: format.maxBytes, bom: format.message !== 'cef' },
    ),
  );
}

function structuredData(alert: Alert, notification: Notification): SyslogStructuredData[] {
  const labels = Object.entries(alert.labels)
    .slice(0, maxLabels)
    .map(([name, value]) => [name, cut(value, maxValueChars)] as const);
  return [
    {
      id: alertSdId,
      params: [
        ['ruleId', cut(alert.ruleId, maxValueChars)],
        ['severity', alert.severity],
        ['status', alert.status],
        ['fingerprint', cut(alert.fingerprint, 64)],
        ['count', String(alert.count)],
        ['alertId', cut(alert.id, 128)],
        ['notificationId', cut(notification.id, 128)],
      ],
    },
    { id: labelsSdId, params: labels },
  ];
}

function cefMessage(alert: Alert, device: AlertSyslogFormat['cef']): string {
  const extension: [string, string | number][] = [
    ['rt', alert.lastSeen],
    ['start', alert.firstSeen],
    ['end', alert.lastSeen],
    ['cnt', alert.count],
    ['externalId', cut(alert.id, 128)],
  ];
  const src = alert.labels.ip;
  if (src !== undefined && isIP(src) !== 0) extension.push(['src', src]);
  const user = alert.labels['actor.id'] ?? alert.labels.user;
  if (user !== undefined) extension.push(['suser', cut(user, 1023)]);
  extension.push(
    ['cs1Label', 'ruleId'],
    ['cs1', cut(alert.ruleId, 1023)],
    ['cs2Label', 'fingerprint'],
    ['cs2', cut(alert.fingerprint, 64)],
    ['cs3Label', 'groupKey'],
    ['cs3', cut(alert.groupKey, 1023)],
    ['cs4Label', 'mitre'],
    ['cs4', cut(alert.mitre.join(','), 1023)],
    ['cs5Label', 'status'],
    ['cs5', alert.status],
    ['msg', cut(alert.summary, 1023)],
  );
  return formatCef({
    ...device,
    signatureId: cut(alert.ruleId, 256),
    name: cut(alert.title, 512),
    severity: alert.status === 'resolved' ? 0 : cefSeverity[alert.severity],
    extension,
  });
}

function textMessage(alert: Alert): string {
  return `[${alert.status.toUpperCase()}] ${alert.severity.toUpperCase()} ${cut(alert.title, 512)}: ${cut(alert.summary, 4096)}`;
}

// At most `max` characters, never splitting a surrogate pair.
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1] ?? '') ? max - 1 : max;
  return text.slice(0, end);
}
