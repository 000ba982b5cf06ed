import {
  type Clock,
  eventBusSchema,
  parseOptions,
  type SecurityEventBus,
  type Store,
  storeSchema,
  systemClock,
} from '@secbot/core';
import { z } from 'zod';
import type { Alert, DetectionEvent } from './alert.js';
import { builtinRules } from './detect/builtin-rules.js';
import { createDetector, type Detector, type DetectorOptions } from './detect/create-detector.js';
import type { DetectionRule } from './detect/detection-rule.js';
import { createNotifier } from './notify/create-notifier.js';
import type { Notifier } from './notify/notifier.js';
import type { NotifierOptions } from './notify/notifier-options.js';

/** Options of {@link createAlerts}. */
export interface AlertsOptions {
  /** The security event bus to watch; alerts are announced on it as `alert.raised` / `alert.resolved`. */
  readonly bus: SecurityEventBus;
  /** Detection rules. Default: `builtinRules()`. */
  readonly rules?: readonly DetectionRule[];
  /** Detector settings besides rules, clock and store (time zones, sample redaction, bounds). */
  readonly detector?: Omit<DetectorOptions, 'rules' | 'onAlert' | 'now' | 'store'>;
  /** Where notifications go: the routing tree, receivers and their channels, inhibition, delivery. */
  readonly notifier: Omit<NotifierOptions, 'bus' | 'now' | 'store'>;
  /** Shared state for several instances (counts, cooldowns, notification claims). Default: in process. */
  readonly store?: Store;
  /** Clock, epoch ms. Default `Date.now`. */
  readonly now?: Clock;
  /** How often alerts whose condition cleared are resolved. Default 5,000 ms. */
  readonly tickIntervalMs?: number;
  /** Receives failures of the detector and the notifier. Default: a process warning. */
  readonly onError?: (error: unknown) => void;
}

/** A running alerts service; see {@link createAlerts}. */
export interface Alerts {
  /** The detection engine (for `rules()` and for events from elsewhere). */
  readonly detector: Detector;
  /** The notification manager (silences, dead letters, stats). */
  readonly notifier: Notifier;
  /**
   * Look at an event that did not come through the bus, e.g. a line of an audit trail mapped with
   * {@link detectionEventFromAudit}.
   */
  observe(event: DetectionEvent): void;
  /** Stop watching the bus, stop the ticker, and close the notifier (sending what groups hold). */
  close(): Promise<void>;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
const optionsSchema = z.strictObject({
  bus: eventBusSchema,
  rules: z.array(z.unknown()).optional(),
  detector: z.record(z.string(), z.unknown()).optional(),
  notifier: z.record(z.string(), z.unknown()),
  store: storeSchema.optional(),
  now: z.custom<Clock>(isFunction, 'must be a function').optional(),
  tickIntervalMs: z.number().int().min(100).max(3_600_000).optional(),
  onError: z.custom<(error: unknown) => void>(isFunction, 'must be a function').optional(),
});

const warn = (error: unknown): void => {
  const name = error instanceof Error ? error.name : typeof error;
  process.emitWarning(`secbot alerts: ${name}`, { code: 'SECBOT_ALERTS_ERROR' });
};

/**
 * Watch the security event bus for attacks and notify people: every event goes through the
 * detection rules; each alert is announced on the bus (`alert.raised`, `alert.resolved`, so the
 * audit trail records it and the repeat-offender rule sees it) and handed to the notifier, which
 * routes, groups, dedupes and delivers it.
 *
 * Announcements are made after the event that raised the alert has been fully evaluated (in a
 * microtask), so a rule that watches alerts never runs inside another rule's evaluation.
 *
 * @param options - Bus, rules, detector and notifier settings, shared store.
 * @returns The running service.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (from here, the detector or the notifier).
 * @example
 * ```ts
 * import { createEventBus } from '@secbot/core';
 * import { createAlerts, webhookChannel } from '@secbot/alerts';
 *
 * const bus = createEventBus();
 * const alerts = createAlerts({
 *   bus,
 *   notifier: {
 *     route: { receiver: 'soc' },
 *     receivers: { soc: [webhookChannel({ url: 'https://soc.example.com/hooks/secbot', secret: process.env.WEBHOOK_SECRET! })] },
 *   },
 * });
 * ```
 */
export function createAlerts(options: AlertsOptions): Alerts {
  const o = parseOptions(optionsSchema, options, 'createAlerts');
  const now = options.now ?? systemClock;
  const onError = options.onError ?? warn;
  const bus = options.bus;
  const notifier = createNotifier({
    ...options.notifier,
    bus,
    now,
    ...(options.store === undefined ? {} : { store: options.store }),
  });

  const announce = (alert: Alert): void => {
    try {
      if (alert.status === 'resolved') {
        bus.emit('alert.resolved', { alertId: alert.id, ruleId: alert.ruleId, groupKey: alert.groupKey });
      } else {
        bus.emit('alert.raised', {
          alertId: alert.id,
          ruleId: alert.ruleId,
          severity: alert.severity,
          summary: alert.summary,
          groupKey: alert.groupKey,
          count: alert.count,
          ...(alert.labels.tenantId === undefined ? {} : { tenantId: alert.labels.tenantId }),
        });
      }
    } catch (error) {
      onError(error);
    }
  };

  const detector = createDetector({
    ...options.detector,
    rules: options.rules ?? builtinRules(),
    now,
    onError,
    ...(options.store === undefined ? {} : { store: options.store }),
    onAlert: (alert) => {
      try {
        notifier.notify(alert);
      } catch (error) {
        onError(error);
      }
      queueMicrotask(() => announce(alert));
    },
  });

  // A security event is a detection event (a type, a ts, fields read by path); its declared
  // interfaces only lack the index signature that says so.
  const unsubscribe = bus.onAny((event) => detector.observe(event as unknown as DetectionEvent));
  const ticker = setInterval(() => detector.tick(), o.tickIntervalMs ?? 5_000);
  ticker.unref();
  let closing: Promise<void> | undefined;

  return {
    detector,
    notifier,
    observe: (event) => detector.observe(event),
    close() {
      closing ??= (async () => {
        unsubscribe();
        clearInterval(ticker);
        detector.close();
        await detector.flush();
        await notifier.close();
      })();
      return closing;
    },
  };
}

/**
 * Turn an audit event (as `@secbot/audit` records it, e.g. read back with `queryAuditLog`) into a
 * detection event, so rules can run over an audit trail: `type` is the action, `actor`, `target`,
 * `ip`, `requestId`, `channel` and `reason` are copied, `tenantId` comes from the actor, and the
 * fields in `details` (where events recorded from the bus keep their payload) are spread in
 * without overriding those. The time is the event's own (`details.eventTs`) when recorded from
 * the bus, else the line's.
 *
 * @param event - The audit event.
 * @param ts - When it was recorded (the line's `ts`), epoch ms.
 * @returns The detection event.
 */
export function detectionEventFromAudit(
  event: {
    readonly action: string;
    readonly actor: { readonly id: string; readonly roles?: readonly string[]; readonly tenantId?: string };
    readonly target?: { readonly type: string; readonly id: string };
    readonly outcome: string;
    readonly reason?: string;
    readonly requestId?: string;
    readonly channel?: string;
    readonly ip?: string;
    readonly details?: unknown;
  },
  ts: number,
): DetectionEvent {
  const details =
    typeof event.details === 'object' && event.details !== null && !Array.isArray(event.details)
      ? (event.details as Record<string, unknown>)
      : {};
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(details)) {
    if (key !== '__proto__' && key !== 'type' && key !== 'ts') own[key] = details[key];
  }
  const eventTs = own.eventTs;
  return {
    ...own,
    type: event.action,
    ts: typeof eventTs === 'number' && Number.isFinite(eventTs) ? eventTs : ts,
    actor: event.actor,
    outcome: event.outcome,
    ...(event.actor.tenantId === undefined ? {} : { tenantId: event.actor.tenantId }),
    ...(event.target === undefined ? {} : { target: event.target }),
    ...(event.reason === undefined ? {} : { reason: event.reason }),
    ...(event.requestId === undefined ? {} : { requestId: event.requestId }),
    ...(event.channel === undefined ? {} : { channel: event.channel }),
    ...(event.ip === undefined ? {} : { ip: event.ip }),
  };
}
