import type { Alert } from '../../alert.js';
import type { Notification } from '../../alert-channel.js';
import { notificationTitle } from '../../render.js';

const htmlEscapes: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => htmlEscapes[char] ?? char);
}

/**
 * The HTML alternative of an alert email: the title, then per alert its heading, summary and a
 * table of facts. Every value is escaped; there are no links, images, scripts or styles that
 * load anything.
 */
export function emailHtml(notification: Notification): string {
  const sections = notification.alerts.map(alertSection);
  if (notification.truncatedAlerts > 0) {
    sections.push(`<p>... and ${notification.truncatedAlerts} more alerts</p>`);
  }
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"></head><body>',
    `<h1>${escapeHtml(notificationTitle(notification))}</h1>`,
    ...sections,
    '</body></html>',
  ].join('\n');
}

function alertSection(alert: Alert): string {
  const rows: [string, string][] = [
    ['Rule', alert.ruleId],
    ['Status', alert.status],
    ['Count', String(alert.count)],
    ['First seen', iso(alert.firstSeen)],
    ['Last seen', iso(alert.lastSeen)],
    [
      'Labels',
      Object.entries(alert.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(', '),
    ],
    ...(alert.mitre.length > 0 ? [['MITRE ATT&CK', alert.mitre.join(', ')] as [string, string]] : []),
    ['Fingerprint', alert.fingerprint],
  ];
  return [
    `<h2>${escapeHtml(`${alert.severity.toUpperCase()} ${alert.title}`)}</h2>`,
    `<p>${escapeHtml(alert.summary)}</p>`,
    '<table>',
    ...rows.map(
      ([name, value]) => `<tr><th align="left">${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`,
    ),
    '</table>',
  ].join('\n');
}

function iso(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
