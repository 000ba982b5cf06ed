import type { Severity } from '@secbot/core';

/**
 * What the detection engine reads: a security event from the core bus, or any record with a
 * `type` and a `ts` (an audit event mapped by the caller, an application's own event). Fields are
 * read by dotted path (`actor.id`, `ip`, `details.permission`); everything else is ignored.
 */
export interface DetectionEvent {
  /** The event name, e.g. `auth.failure`. */
  readonly type: string;
  /** When it happened, epoch milliseconds. */
  readonly ts: number;
  /** Any other fields. */
  readonly [field: string]: unknown;
}

/**
 * One event kept in an alert as evidence: a flat map of selected fields (dotted paths), strings
 * bounded and redacted. Never the whole event: no secrets, no free text, no unredacted PII.
 */
export type AlertSample = Readonly<Record<string, string | number | boolean | null>>;

/** Whether an alert's condition holds or has cleared. */
export type AlertStatus = 'firing' | 'resolved';

/** An alert raised by a detection rule. */
export interface Alert {
  /** Unique per firing (a random id), e.g. for links and acknowledgements. */
  readonly id: string;
  /**
   * Stable over repeats: the same rule firing for the same group has the same fingerprint, so
   * dedupe (here, in Redis, in PagerDuty's `dedup_key`, in Opsgenie's `alias`) counts repeats
   * instead of sending them. Lowercase hex, 32 characters.
   */
  readonly fingerprint: string;
  /** The rule's id, e.g. `auth.brute-force.user`. */
  readonly ruleId: string;
  /** The rule's title, for people. */
  readonly title: string;
  /** How serious it is. */
  readonly severity: Severity;
  /** One sentence for people, built from the rule's summary template (values redacted). */
  readonly summary: string;
  /** What the rule grouped by, as `field=value` pairs joined with `,` (e.g. `ip=203.0.113.0/24`). */
  readonly groupKey: string;
  /** Labels for routing, inhibition and silences: `ruleId`, `severity`, the group fields, the rule's own. */
  readonly labels: Readonly<Record<string, string>>;
  /** MITRE ATT&CK technique ids, e.g. `T1110.001`. */
  readonly mitre: readonly string[];
  /** How many events made it fire (within the rule's window), plus repeats counted by dedupe. */
  readonly count: number;
  /** The first event's time, epoch ms. */
  readonly firstSeen: number;
  /** The latest event's time, epoch ms. */
  readonly lastSeen: number;
  /** A few events as evidence (at most 5, oldest first). */
  readonly samples: readonly AlertSample[];
  /** `firing`, or `resolved` once the condition has cleared (for rules that can tell). */
  readonly status: AlertStatus;
  /** When it was resolved, epoch ms. */
  readonly resolvedAt?: number;
}
