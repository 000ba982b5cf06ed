import { randomUUID } from 'node:crypto';
import { parseOptions, SecbotError, systemClock } from '@secbot/core';
import type { Alert } from '../alert.js';
import type { AlertChannel, Notification } from '../alert-channel.js';
import { createDelivery } from '../deliver/delivery.js';
import { systemTimers } from '../deliver/timers.js';
import { AggregationGroup, groupIdentity } from './aggregation-group.js';
import { alertSchema } from './alert-schema.js';
import { claimNotification } from './dedupe-claim.js';
import { compileInhibitRules } from './inhibition.js';
import type { Notifier } from './notifier.js';
import { type NotifierOptions, notifierOptionsSchema } from './notifier-options.js';
import { parseArgument } from './parse-argument.js';
import { compileRoute, matchRoutes } from './route.js';
import { createSilences } from './silences.js';

const where = 'createNotifier';

/**
 * Create a notifier: the part of the alerts service that Prometheus Alertmanager users know.
 *
 * - **Routing**: each alert descends the `route` tree (first matching child, or several with
 *   `continue`); it ends at one or more receivers.
 * - **Grouping**: per route, alerts are grouped (`groupBy`, default: rule and the rule's group).
 *   A new group notifies after `groupWaitMs`, then at most every `groupIntervalMs` when its alerts
 *   changed, and again after `repeatIntervalMs` when they did not. A repeat of a fingerprint
 *   adds to its count instead of being sent again.
 * - **Inhibition and silences** mute alerts at the time a group notifies; muted alerts are kept.
 * - **Resolved** alerts are notified once (routes with `sendResolved`, the default) if their
 *   firing state was notified.
 * - **Many instances**: with a shared `store`, each notification is claimed there first and only
 *   the instance that wins sends it.
 * - **Delivery**: one bounded outbox per channel with its own in-flight limit, timeout, rate
 *   limit and backoff (full jitter, honouring `Retry-After`); failures are emitted as
 *   `alert.delivery_failed`; exhausted or refused notifications become dead letters. With
 *   `delivery.outbox.path`, a journal keeps the outbox across restarts.
 *
 * @param options - Routing tree, receivers and the rest (see {@link NotifierOptions}).
 * @returns The notifier; call `close` when done.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option, e.g. `route.routes[1].receiver` for
 *   a receiver that does not exist.
 * @example
 * ```ts
 * import { createEventBus } from '@secbot/core';
 * import { type AlertChannel, createNotifier } from '@secbot/alerts';
 *
 * const oncall: AlertChannel = { name: 'oncall', async send(notification) { await fetch('https://hooks.example.com/alerts', { method: 'POST', body: JSON.stringify(notification) }); } };
 * const chat: AlertChannel = { name: 'chat', async send() {} };
 * const notifier = createNotifier({
 *   route: { receiver: 'chat', routes: [{ match: { severity: ['high', 'critical'] }, receiver: 'oncall', continue: true }] },
 *   receivers: { chat: [chat], oncall: [oncall] },
 *   inhibit: [{ source: { ruleId: 'auth.lockout.user' }, target: { ruleId: 'auth.brute-force.user' }, equal: ['user'] }],
 *   bus: createEventBus(),
 *   delivery: { rateLimits: { chat: { perSecond: 1 } } },
 * });
 * // detector.on('alert', (alert) => notifier.notify(alert));
 * await notifier.close();
 * ```
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const parsed = parseOptions(notifierOptionsSchema, options, where);
  const root = compileRoute(parsed.route);
  const now = parsed.now ?? systemClock;
  const timers = parsed.timers ?? systemTimers;
  const channels = new Map<string, AlertChannel>();
  for (const list of Object.values(parsed.receivers))
    for (const channel of list) channels.set(channel.name, channel);
  const delivery = createDelivery({
    channels,
    options: parsed.delivery,
    now,
    timers,
    random: parsed.random ?? Math.random,
    bus: parsed.bus,
  });
  const silences = createSilences(now);
  const inhibition = compileInhibitRules(parsed.inhibit);
  const groups = new Map<string, AggregationGroup>();
  const firing = new Map<string, Alert>();
  const claims = new Set<Promise<void>>();
  const counts = { refusedAlerts: 0, notifications: 0, claimedElsewhere: 0, claimErrors: 0 };
  let closed = false;
  let closing: Promise<void> | undefined;

  const send = (receiver: string, notification: Notification): void => {
    counts.notifications += 1;
    for (const channel of parsed.receivers[receiver] ?? []) delivery.enqueue(channel.name, notification);
  };

  const dispatch = (group: AggregationGroup, alerts: readonly Alert[], at: number): void => {
    const kept = alerts.slice(-parsed.maxAlertsPerNotification).map((alert) => Object.freeze(alert));
    const notification: Notification = Object.freeze({
      id: randomUUID(),
      receiver: group.route.receiver,
      status: alerts.every((alert) => alert.status === 'resolved') ? 'resolved' : 'firing',
      groupKey: group.identity.groupKey,
      groupLabels: Object.freeze({ ...group.identity.groupLabels }),
      alerts: Object.freeze(kept),
      truncatedAlerts: alerts.length - kept.length,
      createdAt: at,
    });
    const store = parsed.store;
    if (store === undefined) {
      send(group.route.receiver, notification);
      return;
    }
    const subject = {
      receiver: group.route.receiver,
      groupId: group.identity.id,
      alerts,
      now: at,
      repeatIntervalMs: group.route.repeatIntervalMs,
    };
    const claim = Promise.resolve()
      .then(() => claimNotification(store, subject))
      .then(
        (won) => {
          if (won) send(group.route.receiver, notification);
          else counts.claimedElsewhere += 1;
        },
        () => {
          counts.claimErrors += 1;
          send(group.route.receiver, notification);
        },
      )
      .finally(() => claims.delete(claim));
    claims.add(claim);
  };

  const flushGroup = (group: AggregationGroup, reschedule: boolean): void => {
    group.timer = undefined;
    const at = now();
    const inhibited = inhibition(firing.values());
    const muted = (alert: Alert): boolean => silences.isSilenced(alert) || inhibited(alert);
    const { alerts } = group.flush(at, muted, parsed.expireAfterMs, (fingerprint) =>
      firing.delete(fingerprint),
    );
    if (alerts.length > 0) dispatch(group, alerts, at);
    if (group.size === 0) groups.delete(group.identity.id);
    else if (reschedule) schedule(group, group.route.groupIntervalMs);
  };

  const schedule = (group: AggregationGroup, ms: number): void => {
    group.timer = timers.set(() => flushGroup(group, !closed), ms);
  };

  return {
    notify(input) {
      if (closed) throw new SecbotError('INTERNAL', `${where}: notify after close`);
      const alert = parseArgument(alertSchema, input, 'notify');
      if (alert.status === 'firing') {
        if (!firing.has(alert.fingerprint) && firing.size >= parsed.maxAlerts) {
          counts.refusedAlerts += 1;
          return;
        }
        firing.set(alert.fingerprint, alert);
      } else {
        firing.delete(alert.fingerprint);
      }
      const at = now();
      for (const route of matchRoutes(root, alert)) {
        const identity = groupIdentity(route, alert);
        let group = groups.get(identity.id);
        if (group === undefined) {
          if (alert.status === 'resolved') continue;
          group = new AggregationGroup(route, identity);
          groups.set(identity.id, group);
          schedule(group, route.groupWaitMs);
        }
        group.add(alert, at);
      }
    },
    silence: (input) => silences.add(input),
    expireSilence: (id) => silences.expire(id),
    silences: () => silences.list(),
    deadLetters: () => delivery.deadLetters(),
    retryDeadLetter: (id) => delivery.retryDeadLetter(id),
    async flush() {
      do {
        await Promise.all(claims);
        await delivery.flush();
      } while (claims.size > 0);
    },
    close() {
      closing ??= (async () => {
        closed = true;
        for (const group of [...groups.values()]) {
          timers.clear(group.timer);
          flushGroup(group, false);
        }
        await Promise.all(claims);
        await delivery.close();
      })();
      return closing;
    },
    stats: () => ({
      groups: groups.size,
      alerts: firing.size,
      ...counts,
      ...delivery.stats(),
    }),
  };
}
