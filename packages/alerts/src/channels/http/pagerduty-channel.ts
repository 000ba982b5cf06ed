import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { Alert } from '../../alert.js';
import type { AlertChannel, Notification } from '../../alert-channel.js';
import { oneLine } from '../../render.js';
import { type HttpChannelOptions, httpChannelShape } from './channel-options.js';
import { DeliveryLedger } from './deliver-each.js';
import { httpPost } from './http-post.js';
import { baseUrlSchema } from './receiver-url.js';
import { bounded } from './text-bounds.js';

/** Options of {@link pagerDutyChannel}. */
export interface PagerDutyChannelOptions extends HttpChannelOptions {
  /** The integration (routing) key of an Events API v2 integration. A secret: never in messages or errors. */
  readonly routingKey: string;
  /** `us` (`https://events.pagerduty.com`, default) or `eu` (`https://events.eu.pagerduty.com`). */
  readonly region?: 'us' | 'eu';
  /** Another endpoint base (a proxy, a test receiver); replaces `region`. `https:`, or `http:` to loopback. */
  readonly baseUrl?: string;
  /** `payload.source`: where the alerts come from, e.g. the bot's host name. Default `secbot`. */
  readonly source?: string;
  /** `payload.component` when the alert has no `component` label. */
  readonly component?: string;
}

const bases = { us: 'https://events.pagerduty.com', eu: 'https://events.eu.pagerduty.com' } as const;
const severities = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
  info: 'info',
} as const;
/** PagerDuty's field limits: summary 1,024, dedup_key 255; we keep the other texts to 255. */
const summaryMax = 1024;
const fieldMax = 255;

const schema = z.strictObject({
  routingKey: z.string().regex(/^[A-Za-z0-9]{20,64}$/, 'must be an Events API v2 integration key'),
  region: z.enum(['us', 'eu']).default('us'),
  baseUrl: baseUrlSchema.optional(),
  source: z.string().min(1).max(fieldMax).default('secbot'),
  component: z.string().min(1).max(fieldMax).optional(),
  ...httpChannelShape,
});

/** What {@link pagerDutyEvent} needs besides the alert. */
export interface PagerDutyEventOptions {
  /** The integration key. */
  readonly routingKey: string;
  /** `payload.source`. */
  readonly source: string;
  /** `payload.component` when the alert has no `component` label. */
  readonly component?: string | undefined;
}

/**
 * The Events API v2 event for one alert: `trigger` (or `resolve` once resolved) with
 * `dedup_key` = the alert's fingerprint, so repeats and retries update one incident. The payload
 * carries the summary (1,024 characters at most), severity (critical, error, warning, info),
 * times, rule and labels; never the samples.
 *
 * @param alert - The alert.
 * @param notification - The notification it belongs to.
 * @param options - Key, source, component.
 * @returns The JSON body.
 */
export function pagerDutyEvent(
  alert: Alert,
  notification: Notification,
  options: PagerDutyEventOptions,
): Record<string, unknown> {
  const base = { routing_key: options.routingKey, dedup_key: alert.fingerprint };
  if (alert.status === 'resolved') return { ...base, event_action: 'resolve' };
  const component = alert.labels.component ?? options.component;
  return {
    ...base,
    event_action: 'trigger',
    client: 'secbot',
    payload: {
      summary: bounded(oneLine(`${alert.title}: ${alert.summary}`, summaryMax), summaryMax),
      source: options.source,
      severity: severities[alert.severity],
      timestamp: new Date(alert.lastSeen).toISOString(),
      ...(component === undefined ? {} : { component: bounded(component, fieldMax) }),
      ...(alert.groupKey === '' ? {} : { group: bounded(alert.groupKey, fieldMax) }),
      class: bounded(alert.ruleId, fieldMax),
      custom_details: {
        rule: alert.ruleId,
        count: alert.count,
        first_seen: new Date(alert.firstSeen).toISOString(),
        last_seen: new Date(alert.lastSeen).toISOString(),
        labels: alert.labels,
        mitre: alert.mitre,
        receiver: notification.receiver,
        alert_id: alert.id,
      },
    },
  };
}

/**
 * A channel that sends each alert of a notification to PagerDuty's Events API v2
 * (`POST {base}/v2/enqueue`, one request per alert, see `pagerDutyEvent`). PagerDuty answers
 * 202 once it accepted an event; 400 (invalid event) is not retried; 429 and 5xx are. A retry of a
 * notification re-sends only the alerts not yet accepted.
 *
 * @param options - Routing key, region or base URL, source, component, name, timeout.
 * @returns The channel, named `pagerduty` unless `name` says otherwise.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (the key is never quoted);
 *   `send` rejects with `AlertDeliveryError`.
 * @example
 * ```ts
 * import { pagerDutyChannel } from '@secbot/alerts';
 *
 * const pager = pagerDutyChannel({ routingKey: process.env.PAGERDUTY_ROUTING_KEY!, region: 'eu', source: 'bot-1' });
 * ```
 */
export function pagerDutyChannel(options: PagerDutyChannelOptions): AlertChannel {
  const config = parseOptions(schema, options, 'pagerDutyChannel');
  const name = config.name ?? 'pagerduty';
  const url = `${config.baseUrl ?? bases[config.region]}/v2/enqueue`;
  const ledger = new DeliveryLedger(name);
  return {
    name,
    send: (notification, { signal }) =>
      ledger.deliver(
        notification.id,
        notification.alerts.map((alert) => ({
          key: `${alert.fingerprint}:${alert.status}`,
          send: () =>
            httpPost({
              channel: name,
              url,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(pagerDutyEvent(alert, notification, config)),
              timeoutMs: config.timeoutMs,
              signal,
              now: config.now,
            }),
        })),
        signal,
      ),
  };
}
