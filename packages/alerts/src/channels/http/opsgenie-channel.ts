import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { AlertChannel } from '../../alert-channel.js';
import { type HttpChannelOptions, httpChannelShape } from './channel-options.js';
import { DeliveryLedger } from './deliver-each.js';
import { httpPost } from './http-post.js';
import { opsgenieAlertRequests } from './opsgenie-request.js';
import { baseUrlSchema } from './receiver-url.js';

/** Options of {@link opsgenieChannel}. */
export interface OpsgenieChannelOptions extends HttpChannelOptions {
  /** The API key of an API integration, sent as `Authorization: GenieKey <key>`. Never in messages or errors. */
  readonly apiKey: string;
  /** `us` (`https://api.opsgenie.com`, default) or `eu` (`https://api.eu.opsgenie.com`). */
  readonly region?: 'us' | 'eu';
  /** Another API base (a proxy, a test receiver); replaces `region`. `https:`, or `http:` to loopback. */
  readonly baseUrl?: string;
  /** `source` of the alerts. Default `secbot`. */
  readonly source?: string;
  /** Tags for every alert (up to 10, 50 characters each). */
  readonly tags?: readonly string[];
}

const bases = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const;

const schema = z.strictObject({
  apiKey: z.string().regex(/^[A-Za-z0-9-]{16,128}$/, 'must be an Opsgenie API key'),
  region: z.enum(['us', 'eu']).default('us'),
  baseUrl: baseUrlSchema.optional(),
  source: z.string().min(1).max(100).default('secbot'),
  tags: z.array(z.string().min(1).max(50)).max(10).default([]),
  ...httpChannelShape,
});

/**
 * A channel that creates (and, once resolved, closes) Opsgenie alerts through the Alert API, one
 * request per alert (see {@link opsgenieAlertRequests}). Opsgenie answers 202 once it queued a
 * request; 4xx other than 408 and 429 are not retried. A retry of a notification re-sends only the
 * requests not yet accepted.
 *
 * @param options - API key, region or base URL, source, tags, name, timeout.
 * @returns The channel, named `opsgenie` unless `name` says otherwise.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (the key is never quoted);
 *   `send` rejects with `AlertDeliveryError`.
 * @example
 * ```ts
 * import { opsgenieChannel } from '@secbot/alerts';
 *
 * const opsgenie = opsgenieChannel({ apiKey: process.env.OPSGENIE_API_KEY!, region: 'eu' });
 * ```
 */
export function opsgenieChannel(options: OpsgenieChannelOptions): AlertChannel {
  const config = parseOptions(schema, options, 'opsgenieChannel');
  const name = config.name ?? 'opsgenie';
  const base = config.baseUrl ?? bases[config.region];
  const ledger = new DeliveryLedger(name);
  return {
    name,
    async send(notification, { signal }) {
      await ledger.deliver(
        notification.id,
        opsgenieAlertRequests(notification, config).map((request) => ({
          key: request.key,
          send: () =>
            httpPost({
              channel: name,
              url: `${base}${request.path}`,
              headers: { 'content-type': 'application/json', authorization: `GenieKey ${config.apiKey}` },
              body: JSON.stringify(request.body),
              timeoutMs: config.timeoutMs,
              signal,
              now: config.now,
            }),
        })),
        signal,
      );
    },
  };
}
