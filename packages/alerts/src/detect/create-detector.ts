import { type Clock, parseOptions, SecbotError, type Store, storeSchema, systemClock } from '@secbot/core';
import { z } from 'zod';
import type { Alert, AlertSample, DetectionEvent } from '../alert.js';
import { createAlertEmitter } from './alert-emitter.js';
import { type CompiledRule, compileRule } from './compile-rule.js';
import type { DetectionRule } from './detection-rule.js';
import { FieldMemo } from './field-memo.js';
import { own } from './field-path.js';
import { createIpGrouper } from './ip-address.js';
import { detectionRulesSchema } from './parse-rules.js';
import { createSampler, type SampleRedactor } from './sample.js';
import { compileSummary } from './summary.js';
import { isTimeZone, ZonedTime } from './zoned-time.js';

/** Options of {@link createDetector}. */
export interface DetectorOptions {
  /** The rules: `builtinRules()`, rules from `parseRules`, typed rules of your own (validated again here). */
  readonly rules: readonly DetectionRule[];
  /** Receives every alert, `firing` and `resolved`. A throwing callback is reported to `onError`. */
  readonly onAlert: (alert: Alert) => void;
  /** Clock, epoch ms, for `tick` and for events without a usable `ts`. Default `Date.now`. */
  readonly now?: Clock;
  /**
   * Shared state for several bot instances: threshold, distinct and first-seen counts and the
   * cooldown claims go through it, so detectors sharing it see one count and raise an alert once.
   * Evaluation is then asynchronous (`observe` stays fire-and-forget; `flush` waits).
   */
  readonly store?: Store;
  /** Most groups held in process per rule; least recently used groups go first. Default 100,000. */
  readonly maxKeys?: number;
  /** Prefix length IPv6 addresses are grouped by (`ip` fields). Default 64. */
  readonly ipv6Prefix?: number;
  /** IANA time zone of time-of-day rules for events of tenants not in `timezones`. Default `UTC`. */
  readonly timezone?: string;
  /** IANA time zone per tenant id (the event's `tenantId`). */
  readonly timezones?: Readonly<Record<string, string>>;
  /** Applied to each sample and to the event values of summaries (mask user names, addresses). */
  readonly redactSample?: SampleRedactor;
  /** Receives failures: store errors, a throwing `onAlert` or redactor, dropped evaluations. Default: a process warning. */
  readonly onError?: (error: unknown) => void;
  /** Most store evaluations in flight; past it events are not evaluated and `onError` is told. Default 10,000. */
  readonly maxPending?: number;
}

/** What {@link Detector.rules} reports about each rule. */
export interface RuleInfo {
  /** The rule's id. */
  readonly id: string;
  /** Its kind. */
  readonly kind: DetectionRule['kind'];
  /** Its title. */
  readonly title: string;
  /** Its severity. */
  readonly severity: DetectionRule['severity'];
  /** Its MITRE ids. */
  readonly mitre: readonly string[];
  /** The event types it looks at. */
  readonly types: readonly string[];
  /** Groups it holds in process now. */
  readonly groups: number;
}

/** A running detection engine. */
export interface Detector {
  /** Look at one event (synchronous; never throws; malformed events are ignored). */
  observe(event: DetectionEvent): void;
  /** Resolve alerts whose condition has cleared and drop expired state; call every few seconds. */
  tick(): void;
  /** Resolves once every pending store evaluation is done. */
  flush(): Promise<void>;
  /** The rules and their state sizes. */
  rules(): readonly RuleInfo[];
  /** Stop: later events are ignored. Pending store work still completes (await `flush`). */
  close(): void;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
const fn = <T>() => z.custom<T>(isFunction, 'must be a function');
const zone = z.string().max(64).refine(isTimeZone, 'must be an IANA time zone');

/** The zod schema of {@link DetectorOptions}. */
export const detectorOptionsSchema = z.strictObject({
  rules: detectionRulesSchema,
  onAlert: fn<(alert: Alert) => void>(),
  now: fn<Clock>().optional(),
  store: storeSchema.optional(),
  maxKeys: z.number().int().min(1).max(10_000_000).default(100_000),
  ipv6Prefix: z.number().int().min(1).max(128).default(64),
  timezone: zone.default('UTC'),
  timezones: z
    .record(z.string().min(1).max(256), zone)
    .refine((zones) => Object.keys(zones).length <= 100_000, 'at most 100,000 tenants')
    .optional(),
  redactSample: fn<(sample: AlertSample) => AlertSample>().optional(),
  onError: fn<(error: unknown) => void>().optional(),
  maxPending: z.number().int().min(1).max(1_000_000).default(10_000),
});

/** The summary of rules that have none. */
export const defaultSummary = '{{$title}} ({{$groupKey}}, {{$count}} events)';

/** How far ahead of the clock an event's `ts` may be; later times are clamped to it. */
export const maxFutureSkewMs = 5 * 60 * 1000;

function warn(error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  const code = error instanceof SecbotError ? ` ${error.code}` : '';
  // Name and code only: a message may quote event data, and warnings reach plain logs.
  globalThis.process?.emitWarning?.(`secbot alerts detector: failure (${name}${code})`, {
    code: 'SECBOT_DETECTOR_ERROR',
  });
}

function ownString(event: object, key: string): string | undefined {
  const value = own(event, key);
  return typeof value === 'string' ? value : undefined;
}

/**
 * Create the detection engine: rules indexed by event type, state bounded per rule, alerts
 * handed to `onAlert`. Feed it from the bus (`bus.onAny(detector.observe)`) or from a stream of
 * audit events mapped to {@link DetectionEvent}.
 *
 * Events are counted at their `ts` (so a replayed stream is judged by its own times); within a
 * group time never goes back, so a clock that jumps back over-counts rather than under-counts.
 * An `alert.raised` event raised by a rule that itself watches `alert.raised` (a repeat-offender
 * rule) is ignored by every rule, so no rule can feed on its own alerts in a loop.
 *
 * @param options - Rules, the alert callback and tuning.
 * @returns The detector.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option or rule path (e.g. `rules[2].windowMs`).
 * @example
 * ```ts
 * import { createEventBus } from '@secbot/core';
 * import { builtinRules, createDetector } from '@secbot/alerts';
 *
 * const bus = createEventBus();
 * const detector = createDetector({ rules: builtinRules(), onAlert: (alert) => console.log(alert.summary) });
 * bus.onAny((event) => detector.observe(event));
 * setInterval(() => detector.tick(), 5_000).unref();
 * ```
 */
export function createDetector(options: DetectorOptions): Detector {
  const parsed = parseOptions(detectorOptionsSchema, options, 'createDetector');
  const now = parsed.now ?? systemClock;
  const onError = (error: unknown): void => {
    try {
      (parsed.onError ?? warn)(error);
    } catch {
      // a failing error handler must not break detection
    }
  };
  const pending = new Set<Promise<void>>();
  let dropped = 0;
  const track = (start: () => Promise<void>): void => {
    if (pending.size >= parsed.maxPending) {
      dropped += 1;
      if (dropped % 1000 === 1) {
        onError(
          new SecbotError(
            'STORE_UNAVAILABLE',
            `createDetector: ${dropped} events not evaluated, store too slow`,
          ),
        );
      }
      return;
    }
    const work = start().then(undefined, onError);
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  const zones = new Map(Object.entries(parsed.timezones ?? {}));
  const zoneOf = (event: DetectionEvent): string => {
    const tenant = ownString(event, 'tenantId');
    return (tenant === undefined ? undefined : zones.get(tenant)) ?? parsed.timezone;
  };
  const sample = createSampler(parsed.redactSample, onError);
  const fields = new FieldMemo();
  const shared = {
    fields,
    ipGroup: createIpGrouper(parsed.ipv6Prefix),
    store: parsed.store,
    track,
    zonedTime: new ZonedTime(),
    zoneOf,
  };
  const compiled: CompiledRule[] = parsed.rules.map((rule) => {
    const emitter = createAlertEmitter({
      rule,
      sample,
      summary: compileSummary(rule.summary ?? defaultSummary, rule, parsed.redactSample),
      onAlert: parsed.onAlert,
      onError,
      maxKeys: parsed.maxKeys,
      store: parsed.store,
      track,
    });
    return compileRule(rule, {
      ...shared,
      runtime: { emitter, maxKeys: parsed.maxKeys, reader: (path) => fields.reader(path) },
    });
  });
  const index = new Map<string, CompiledRule[]>();
  const metaRuleIds = new Set<string>();
  for (const rule of compiled) {
    for (const type of rule.types) index.set(type, [...(index.get(type) ?? []), rule]);
    if (rule.types.includes('alert.raised')) metaRuleIds.add(rule.rule.id);
  }

  let horizon = Number.NEGATIVE_INFINITY;
  const timeOf = (event: object): number => {
    const ts = own(event, 'ts');
    if (typeof ts !== 'number' || !(ts >= 0) || ts === Number.POSITIVE_INFINITY) return now();
    if (ts <= horizon) return ts;
    horizon = now() + maxFutureSkewMs;
    return Math.min(ts, horizon);
  };

  let closed = false;
  return {
    observe(event) {
      if (closed || typeof event !== 'object' || event === null) return;
      try {
        const type = own(event, 'type');
        const rules = typeof type === 'string' ? index.get(type) : undefined;
        if (rules === undefined || typeof type !== 'string') return;
        if (type === 'alert.raised') {
          const source = ownString(event, 'ruleId');
          if (source !== undefined && metaRuleIds.has(source)) return;
        }
        const at = timeOf(event);
        fields.begin(event);
        for (const rule of rules) {
          try {
            rule.handle(event, type, at);
          } catch (error) {
            onError(error);
          }
        }
      } catch (error) {
        onError(error);
      }
    },
    tick() {
      const at = now();
      for (const rule of compiled) {
        try {
          rule.tick(at);
        } catch (error) {
          onError(error);
        }
      }
    },
    async flush() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    rules: () =>
      compiled.map(({ rule, types, size }) => ({
        id: rule.id,
        kind: rule.kind,
        title: rule.title,
        severity: rule.severity,
        mitre: rule.mitre ?? [],
        types,
        groups: size(),
      })),
    close() {
      closed = true;
    },
  };
}
