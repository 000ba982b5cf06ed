import { type Clock, eventBusSchema, type SecurityEventBus, type Store, storeSchema } from '@secbot/core';
import { z } from 'zod';
import type { AlertChannel } from '../alert-channel.js';
import { type DeliveryOptions, deliveryOptionsSchema } from '../deliver/delivery-options.js';
import type { Timers } from '../deliver/timers.js';
import { type InhibitRule, inhibitRuleSchema } from './inhibition.js';
import { maxRouteDepth, type Route, routeSchema } from './route.js';

/** Options of `createNotifier`. */
export interface NotifierOptions {
  /** The routing tree; its root needs a `receiver` and takes no `match`. */
  readonly route: Route;
  /** The channels of each receiver, by receiver name (letters, digits, `_`, `.`, `-`). Each needs at least one. */
  readonly receivers: Readonly<Record<string, readonly AlertChannel[]>>;
  /** Inhibition rules: firing alerts that mute related ones. */
  readonly inhibit?: readonly InhibitRule[];
  /**
   * A store shared by instances (e.g. Redis): each group notification is claimed there first, so
   * when several instances raise the same alert one of them sends it. Without it, dedupe is per instance.
   */
  readonly store?: Store;
  /** Where delivery failures are emitted as `alert.delivery_failed`. */
  readonly bus?: SecurityEventBus;
  /** The clock. Defaults to `Date.now`. */
  readonly now?: Clock;
  /** Where delays are scheduled. Defaults to unref'd `setTimeout`. Pair it with `now` in tests. */
  readonly timers?: Timers;
  /** Randomness for backoff jitter, numbers in [0, 1). Defaults to `Math.random`. */
  readonly random?: () => number;
  /** Retries, timeouts, rate limits and the outbox. */
  readonly delivery?: DeliveryOptions;
  /** Most alerts in one notification; the rest are counted in `truncatedAlerts`. Default 50. */
  readonly maxAlertsPerNotification?: number;
  /**
   * How long a firing alert is kept without a repeat before it is forgotten (without a resolved
   * notification, as its rule never said it resolved). Default 4 h.
   */
  readonly expireAfterMs?: number;
  /** Most firing alerts held at once; further new ones are refused and counted. Default 10,000. */
  readonly maxAlerts?: number;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
// Names are checked in the refinement, so a bad one (a pasted webhook URL) never appears in a path.
const receiverName = /^[A-Za-z0-9_.-]{1,64}$/;
const channelName = /^[A-Za-z0-9_.:-]{1,128}$/;
const channelSchema = z.custom<AlertChannel>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AlertChannel).name === 'string' &&
    channelName.test((value as AlertChannel).name) &&
    isFunction((value as AlertChannel).send),
  'must be an AlertChannel (a name of 1 to 128 letters, digits, `_`, `.`, `:` or `-`, and send)',
);

/** The zod schema of {@link NotifierOptions}, checking the tree against the receivers. */
export const notifierOptionsSchema = z
  .strictObject({
    route: routeSchema,
    receivers: z.record(z.string(), z.array(channelSchema).max(64)),
    inhibit: z.array(inhibitRuleSchema).max(256).default([]),
    store: storeSchema.optional(),
    bus: eventBusSchema.optional(),
    now: z.custom<Clock>(isFunction, 'must be a function').optional(),
    timers: z
      .custom<Timers>(
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          isFunction((value as Timers).set) &&
          isFunction((value as Timers).clear),
        'must be Timers (set, clear)',
      )
      .optional(),
    random: z.custom<() => number>(isFunction, 'must be a function').optional(),
    delivery: deliveryOptionsSchema,
    maxAlertsPerNotification: z.number().int().min(1).max(1000).default(50),
    expireAfterMs: z
      .number()
      .int()
      .min(1)
      .max(31_536_000_000)
      .default(4 * 3_600_000),
    maxAlerts: z.number().int().min(1).max(1_000_000).default(10_000),
  })
  .superRefine((options, context) => {
    const issue = (path: PropertyKey[], message: string): void => {
      context.addIssue({ code: 'custom', path, message });
    };
    if (options.route.receiver === undefined) issue(['route', 'receiver'], 'the root route needs a receiver');
    if (options.route.match !== undefined) issue(['route', 'match'], 'the root route matches every alert');
    const walk = (route: Route, path: PropertyKey[], depth: number): void => {
      if (depth > maxRouteDepth) {
        issue(path, `routes nest at most ${maxRouteDepth} deep`);
        return;
      }
      if (route.receiver !== undefined && !Object.hasOwn(options.receivers, route.receiver)) {
        issue([...path, 'receiver'], 'is not a key of receivers');
      }
      for (const [index, child] of (route.routes ?? []).entries()) {
        walk(child, [...path, 'routes', index], depth + 1);
      }
    };
    walk(options.route, ['route'], 1);
    const byName = new Map<string, AlertChannel>();
    for (const [receiver, channels] of Object.entries(options.receivers)) {
      if (!receiverName.test(receiver)) {
        issue(['receivers'], 'receiver names are 1 to 64 letters, digits, `_`, `.` or `-`');
        continue;
      }
      if (channels.length === 0) issue(['receivers', receiver], 'needs at least one channel');
      channels.forEach((channel, index) => {
        const seen = byName.get(channel.name);
        if (seen !== undefined && seen !== channel) {
          issue(['receivers', receiver, index, 'name'], 'another channel has this name');
        }
        byName.set(channel.name, channel);
      });
    }
    for (const name of Object.keys(options.delivery.rateLimits)) {
      if (!byName.has(name)) {
        issue(
          channelName.test(name) ? ['delivery', 'rateLimits', name] : ['delivery', 'rateLimits'],
          'names no channel',
        );
      }
    }
  });
