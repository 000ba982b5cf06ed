import { createHash, randomUUID } from 'node:crypto';
import type { Store } from '@secbot/core';
import type { Alert, AlertSample, DetectionEvent } from '../alert.js';
import { oneLine } from '../render.js';
import { BoundedMap, type Touched } from './bounded-map.js';
import type { DetectionRule } from './detection-rule.js';
import { formatGroupKey } from './group-key.js';
import type { AlertEmitter, Firing } from './rule-runtime.js';
import type { SummaryFacts } from './summary.js';

/**
 * The alert fingerprint: the first 32 hex digits of SHA-256 over `ruleId + '\n' + groupKey`.
 *
 * @param ruleId - The rule's id.
 * @param groupKey - The group key.
 * @returns 32 lowercase hex digits.
 */
export function alertFingerprint(ruleId: string, groupKey: string): string {
  return createHash('sha256').update(`${ruleId}\n${groupKey}`).digest('hex').slice(0, 32);
}

interface Cooling extends Touched {
  until: number;
  repeats: number;
}

/** What {@link createAlertEmitter} needs. */
export interface AlertEmitterOptions {
  /** The rule. */
  readonly rule: DetectionRule;
  /** Turns an event into a sample. */
  readonly sample: (event: DetectionEvent) => AlertSample;
  /** Builds the summary. */
  readonly summary: (event: DetectionEvent, facts: SummaryFacts) => string;
  /** Receives alerts. */
  readonly onAlert: (alert: Alert) => void;
  /** Receives failures (a throwing `onAlert`, an unreachable store). */
  readonly onError: (error: unknown) => void;
  /** Most groups cooling down at once. */
  readonly maxKeys: number;
  /** When set, the cooldown is claimed in it (`set` with `ifNotExists`), shared by all detectors. */
  readonly store: Store | undefined;
  /** Starts store work and keeps track of it, so `flush` can wait for it. */
  readonly track: (start: () => Promise<void>) => void;
}

/**
 * The emitter of one rule: builds {@link Alert}s (fingerprint, labels, summary) and applies the
 * cooldown, in memory or through the store.
 */
export function createAlertEmitter(options: AlertEmitterOptions): AlertEmitter {
  const { rule, onAlert, onError, store, track } = options;
  const cooldownMs = rule.cooldownMs ?? 0;
  const cooling = new BoundedMap<Cooling>(options.maxKeys);
  const groupBy = rule.groupBy ?? [];
  const mitre = Object.freeze([...(rule.mitre ?? [])]);

  const deliver = (alert: Alert): void => {
    try {
      onAlert(alert);
    } catch (error) {
      onError(error);
    }
  };

  const build = (firing: Firing, count: number): Alert => {
    const groupKey = formatGroupKey(groupBy, firing.groupValues);
    const labels: Record<string, string> = { ...rule.labels };
    groupBy.forEach((name, index) => {
      labels[name] = oneLine(firing.groupValues[index] ?? '', 256);
    });
    labels.ruleId = rule.id;
    labels.severity = rule.severity;
    let summary: string;
    try {
      summary = options.summary(firing.event, { count, groupKey });
    } catch (error) {
      onError(error);
      summary = rule.title;
    }
    return Object.freeze({
      id: randomUUID(),
      fingerprint: alertFingerprint(rule.id, groupKey),
      ruleId: rule.id,
      title: rule.title,
      severity: rule.severity,
      summary,
      groupKey,
      labels: Object.freeze(labels),
      mitre,
      count,
      firstSeen: firing.firstSeen,
      lastSeen: firing.lastSeen,
      samples: Object.freeze(firing.events.map(options.sample)),
      status: 'firing',
    } satisfies Alert);
  };

  const fireInMemory = (firing: Firing): Alert | undefined => {
    if (cooldownMs === 0) {
      const alert = build(firing, firing.count);
      deliver(alert);
      return alert;
    }
    const state = cooling.get(firing.key);
    if (state !== undefined && firing.lastSeen < state.until) {
      state.repeats += firing.count;
      return undefined;
    }
    const alert = build(firing, firing.count + (state?.repeats ?? 0));
    cooling.set(firing.key, { touched: 0, until: firing.lastSeen + cooldownMs, repeats: 0 });
    deliver(alert);
    return alert;
  };

  const fireThroughStore = (shared: Store, firing: Firing): undefined => {
    const key = `secbot:alerts:cooldown:${rule.id}:${alertFingerprint(rule.id, formatGroupKey(groupBy, firing.groupValues))}`;
    // The group's list of events changes with the next event: keep the ones of this firing.
    const held: Firing = { ...firing, groupValues: [...firing.groupValues], events: [...firing.events] };
    track(async () => {
      if (await shared.set(key, '1', { ifNotExists: true, ttlMs: cooldownMs })) {
        deliver(build(held, held.count));
      }
    });
    return undefined;
  };

  return {
    fire: (firing) =>
      store !== undefined && cooldownMs > 0 ? fireThroughStore(store, firing) : fireInMemory(firing),
    resolve(alert, count, lastSeen, at) {
      deliver(
        Object.freeze({ ...alert, count, lastSeen, status: 'resolved', resolvedAt: at } satisfies Alert),
      );
    },
  };
}
