import type { Alert } from '../../alert.js';
import type { Notification } from '../../alert-channel.js';
import { oneLine } from '../../render.js';
import { bounded } from './text-bounds.js';

/** What {@link opsgenieAlertRequests} needs besides the notification. */
export interface OpsgenieRequestOptions {
  /** `source` of created alerts and of close requests (100 characters at most). */
  readonly source: string;
  /** Tags added to every created alert, besides `secbot`, the rule, the severity and MITRE ids. */
  readonly tags: readonly string[];
}

/** One request of the Opsgenie Alert API, without the host and the credential. */
export interface OpsgenieRequest {
  /** Stable within a notification: the alias and the action. */
  readonly key: string;
  /** The path and query under the API base: `/v2/alerts` or `/v2/alerts/{alias}/close?identifierType=alias`. */
  readonly path: string;
  /** The JSON body. */
  readonly body: Readonly<Record<string, unknown>>;
}

const priorities = { critical: 'P1', high: 'P2', medium: 'P3', low: 'P4', info: 'P5' } as const;
// The Alert API's limits.
const messageMax = 130;
const descriptionMax = 15_000;
const maxTags = 20;
const tagMax = 50;
const detailsMax = 8000;
const detailValueMax = 512;

function tagsOf(alert: Alert, extra: readonly string[]): string[] {
  const all = ['secbot', alert.ruleId, alert.severity, ...alert.mitre, ...extra];
  return [...new Set(all.map((tag) => bounded(oneLine(tag, tagMax), tagMax)))].slice(0, maxTags);
}

// Details are a flat string map, at most 8,000 characters in all: the fixed facts first, then labels.
function detailsOf(alert: Alert, notification: Notification): Record<string, string> {
  const entries: [string, string][] = [
    ['rule', alert.ruleId],
    ['count', String(alert.count)],
    ['firstSeen', new Date(alert.firstSeen).toISOString()],
    ['lastSeen', new Date(alert.lastSeen).toISOString()],
    ['groupKey', alert.groupKey],
    ['mitre', alert.mitre.join(', ')],
    ['receiver', notification.receiver],
    ['alertId', alert.id],
    ...Object.entries(alert.labels).map(([key, value]): [string, string] => [`label.${key}`, value]),
  ];
  const details: Record<string, string> = {};
  let size = 0;
  for (const [key, value] of entries) {
    const name = bounded(key, 100);
    const text = bounded(value, detailValueMax);
    if (name in details || size + name.length + text.length > detailsMax) continue;
    details[name] = text;
    size += name.length + text.length;
  }
  return details;
}

/**
 * The Alert API requests for a notification, one per alert: a create (`POST /v2/alerts`) with
 * `alias` = fingerprint (Opsgenie counts repeats on the open alert with that alias), `message`
 * (130 characters), `description` (15,000), priority P1 (critical) to P5 (info), tags and details
 * (never the samples); or, for a resolved alert, a close by alias.
 *
 * Request building is kept apart from the transport (`opsgenieChannel`): Opsgenie ends in April
 * 2027 and Jira Service Management's operations API takes the same alert bodies under another base
 * URL, so a variant for it reuses this function and changes only the URL and the credential.
 *
 * @param notification - The notification.
 * @param options - Source and extra tags.
 * @returns The requests, in alert order.
 */
export function opsgenieAlertRequests(
  notification: Notification,
  options: OpsgenieRequestOptions,
): OpsgenieRequest[] {
  const source = bounded(options.source, 100);
  return notification.alerts.map((alert) => {
    if (alert.status === 'resolved') {
      return {
        key: `${alert.fingerprint}:close`,
        path: `/v2/alerts/${encodeURIComponent(alert.fingerprint)}/close?identifierType=alias`,
        body: { source, note: oneLine(`Resolved: ${alert.summary}`, 1000) },
      };
    }
    const description = [
      alert.summary,
      `Rule: ${alert.title} (${alert.ruleId})`,
      `Events: ${alert.count}`,
    ].join('\n');
    return {
      key: `${alert.fingerprint}:create`,
      path: '/v2/alerts',
      body: {
        message: bounded(oneLine(`${alert.severity.toUpperCase()} ${alert.title}`, messageMax), messageMax),
        alias: alert.fingerprint,
        description: bounded(description, descriptionMax),
        priority: priorities[alert.severity],
        tags: tagsOf(alert, options.tags),
        details: detailsOf(alert, notification),
        entity: bounded(alert.groupKey, 512),
        source,
      },
    };
  });
}
