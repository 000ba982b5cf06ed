import type { Alert } from '../alert.js';
import { labelValue } from './alert-matcher.js';
import type { RouteNode } from './route.js';

/** Where an alert belongs within a route: the group's identity and what a notification shows of it. */
export interface GroupIdentity {
  /** Unique within the notifier: route and group values. */
  readonly id: string;
  /** As shown in notifications, e.g. `user=alice`. */
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
}

/**
 * The group an alert falls into on a route: by the route's `groupBy` labels, or by default by the
 * rule id and the rule's own group (the alert's `groupKey`).
 */
export function groupIdentity(route: RouteNode, alert: Alert): GroupIdentity {
  if (route.groupBy === undefined) {
    const groupLabels: Record<string, string> = { ruleId: alert.ruleId };
    for (const pair of alert.groupKey === '' ? [] : alert.groupKey.split(',')) {
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      // Only pairs that are really labels (a value may itself contain `,` or `=`).
      if (at > 0 && labelValue(alert, name) === pair.slice(at + 1)) groupLabels[name] = pair.slice(at + 1);
    }
    return {
      id: `${route.id}\n${alert.ruleId}\n${alert.groupKey}`,
      groupKey: alert.groupKey,
      groupLabels,
    };
  }
  const groupLabels: Record<string, string> = {};
  for (const name of route.groupBy) groupLabels[name] = labelValue(alert, name) ?? '';
  return {
    id: `${route.id}\n${JSON.stringify(Object.values(groupLabels))}`,
    groupKey: Object.entries(groupLabels)
      .map(([name, value]) => `${name}=${value}`)
      .join(','),
    groupLabels,
  };
}

interface Entry {
  alert: Alert;
  updatedAt: number;
}

/** What a group decided at a flush. */
export interface GroupFlush {
  /** The alerts to notify now (newest last), or none when nothing changed and no repeat is due. */
  readonly alerts: readonly Alert[];
}

/**
 * The alerts of one group on one route, and what was last notified about them: Alertmanager's
 * aggregation group. Repeats of a fingerprint are merged (their counts add up); a notification
 * goes out when the set of notifiable firing alerts changed, when an alert that was notified
 * resolved (with `sendResolved`), or when `repeatIntervalMs` passed since the last one.
 */
export class AggregationGroup {
  /** The group's identity. */
  readonly identity: GroupIdentity;
  /** The route it belongs to. */
  readonly route: RouteNode;
  /** The pending timer of its next flush. */
  timer: unknown;
  readonly #entries = new Map<string, Entry>();
  #notified = new Set<string>();
  #lastNotifiedAt: number | undefined;

  constructor(route: RouteNode, identity: GroupIdentity) {
    this.route = route;
    this.identity = identity;
  }

  /** How many alerts it holds. */
  get size(): number {
    return this.#entries.size;
  }

  /** Whether it holds an alert with this fingerprint. */
  has(fingerprint: string): boolean {
    return this.#entries.has(fingerprint);
  }

  /**
   * Take in an alert (firing, a repeat, or a resolution).
   *
   * @returns Whether it was taken: a resolution of an alert the group does not hold is ignored.
   */
  add(alert: Alert, now: number): boolean {
    const entry = this.#entries.get(alert.fingerprint);
    if (alert.status === 'resolved') {
      if (entry === undefined) return false;
      entry.alert = {
        ...alert,
        firstSeen: Math.min(entry.alert.firstSeen, alert.firstSeen),
        count: Math.max(entry.alert.count, alert.count),
        resolvedAt: alert.resolvedAt ?? now,
      };
      entry.updatedAt = now;
      return true;
    }
    if (entry === undefined || entry.alert.status === 'resolved') {
      this.#entries.set(alert.fingerprint, { alert, updatedAt: now });
      return true;
    }
    entry.alert = {
      ...alert,
      firstSeen: Math.min(entry.alert.firstSeen, alert.firstSeen),
      count: Math.min(entry.alert.count + alert.count, Number.MAX_SAFE_INTEGER),
    };
    entry.updatedAt = now;
    return true;
  }

  /**
   * Decide what to notify now, then forget resolved alerts and firing alerts not refreshed for
   * `expireAfterMs` (those leave quietly: their rule never said they resolved).
   *
   * @param now - The current time.
   * @param muted - Whether an alert is silenced or inhibited right now.
   * @param expireAfterMs - How long a firing alert lives without a repeat.
   * @param expired - Receives the fingerprints of firing alerts that expired.
   */
  flush(
    now: number,
    muted: (alert: Alert) => boolean,
    expireAfterMs: number,
    expired: (fingerprint: string) => void,
  ): GroupFlush {
    const firing: Alert[] = [];
    const resolved: Alert[] = [];
    for (const [fingerprint, entry] of this.#entries) {
      if (entry.alert.status === 'firing' && now - entry.updatedAt >= expireAfterMs) {
        this.#entries.delete(fingerprint);
        expired(fingerprint);
        continue;
      }
      if (muted(entry.alert)) continue;
      if (entry.alert.status === 'firing') firing.push(entry.alert);
      else if (this.route.sendResolved && this.#notified.has(fingerprint)) resolved.push(entry.alert);
    }
    for (const [fingerprint, entry] of this.#entries) {
      if (entry.alert.status === 'resolved') this.#entries.delete(fingerprint);
    }
    const changed = resolved.length > 0 || firing.some((alert) => !this.#notified.has(alert.fingerprint));
    const repeatDue =
      firing.length > 0 &&
      this.#lastNotifiedAt !== undefined &&
      now - this.#lastNotifiedAt >= this.route.repeatIntervalMs;
    if (!changed && !repeatDue) {
      this.#notified = new Set([...this.#notified].filter((fingerprint) => this.#entries.has(fingerprint)));
      return { alerts: [] };
    }
    this.#notified = new Set(firing.map((alert) => alert.fingerprint));
    this.#lastNotifiedAt = now;
    return { alerts: [...firing, ...resolved].sort((a, b) => a.lastSeen - b.lastSeen) };
  }
}
