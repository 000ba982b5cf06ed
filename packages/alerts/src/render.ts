import type { Alert } from './alert.js';
import type { Notification } from './alert-channel.js';

const severityRank = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;

/** The most serious severity among a notification's alerts. */
export function notificationSeverity(notification: Notification): Alert['severity'] {
  let worst: Alert['severity'] = 'info';
  for (const alert of notification.alerts) {
    if (severityRank[alert.severity] > severityRank[worst]) worst = alert.severity;
  }
  return worst;
}

/**
 * A one-line title for chat messages, email subjects and SMS:
 * `[FIRING:3] HIGH auth.brute-force.user (user=alice)`.
 */
export function notificationTitle(notification: Notification): string {
  const first = notification.alerts[0];
  const count = notification.alerts.length + notification.truncatedAlerts;
  const state = notification.status === 'resolved' ? 'RESOLVED' : `FIRING:${count}`;
  const rule = first === undefined ? 'alert' : first.ruleId;
  const group = notification.groupKey === '' ? '' : ` (${notification.groupKey})`;
  return oneLine(`[${state}] ${notificationSeverity(notification).toUpperCase()} ${rule}${group}`, 200);
}

/**
 * Plain text for bodies: one block per alert with its summary, counts, times (ISO 8601, UTC),
 * labels and MITRE ids. Everything in it already went through the rule's redaction.
 */
export function notificationText(notification: Notification): string {
  const blocks = notification.alerts.map((alert) =>
    [
      `${alert.severity.toUpperCase()} ${alert.title} [${alert.status}]`,
      alert.summary,
      `rule: ${alert.ruleId}  count: ${alert.count}  first: ${iso(alert.firstSeen)}  last: ${iso(alert.lastSeen)}`,
      `labels: ${Object.entries(alert.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(', ')}`,
      ...(alert.mitre.length > 0 ? [`MITRE ATT&CK: ${alert.mitre.join(', ')}`] : []),
      `fingerprint: ${alert.fingerprint}`,
    ].join('\n'),
  );
  if (notification.truncatedAlerts > 0) blocks.push(`... and ${notification.truncatedAlerts} more alerts`);
  return blocks.join('\n\n');
}

/** Collapse control characters and line breaks to spaces and cut to `max` characters. */
export function oneLine(text: string, max: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function iso(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
