import type { Severity } from '@secbot/core';

/** A scalar a field condition compares with. */
export type FieldScalar = string | number | boolean;

/**
 * A test on one field of an event, read by dotted path. When the path crosses an array
 * (`findings.type`), the condition holds when it holds for any element (at most 64 are read).
 * Exactly one key is set.
 */
export type FieldCondition =
  | {
      /** The value is exactly this. */
      readonly equals: FieldScalar;
    }
  | {
      /** The value is one of these. */
      readonly in: readonly FieldScalar[];
    }
  | {
      /** `true`: the field is present (not `undefined` or `null`); `false`: it is absent. */
      readonly exists: boolean;
    }
  | {
      /** The value is a string that starts with this. */
      readonly prefix: string;
    }
  | {
      /** `true`: absent, `''` or an empty array; `false`: anything else. */
      readonly empty: boolean;
    }
  | {
      /** The value equals the value at this other path of the same event (e.g. `actor.id`); both present. */
      readonly sameAs: string;
    };

/** Which events a rule (or a step of a sequence) looks at. */
export interface EventMatch {
  /** Event type or types, e.g. `auth.failure`. */
  readonly type: string | readonly string[];
  /** Conditions on fields, by dotted path; all must hold. */
  readonly where?: Readonly<Record<string, FieldCondition>>;
}

/** Events a rule ignores: from allowed networks or allowed actors (service accounts, scanners). */
export interface RuleAllowList {
  /** Networks in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`) or single addresses. */
  readonly cidrs?: readonly string[];
  /** Actor ids (service accounts) whose events are ignored. */
  readonly actors?: readonly string[];
  /** Path of the address field. Default `ip`. */
  readonly ipField?: string;
  /** Path of the actor id field. Default `actor.id`. */
  readonly actorField?: string;
}

/** What every rule has. */
export interface DetectionRuleBase {
  /** Stable id, e.g. `auth.brute-force.user`: letters, digits, `.`, `-`, `_`, `:`, at most 128. */
  readonly id: string;
  /** What it detects, for people. */
  readonly title: string;
  /** How serious its alerts are. */
  readonly severity: Severity;
  /** MITRE ATT&CK technique ids (`T1110.001`), or MITRE ATLAS ids (`AML.T0051`). */
  readonly mitre?: readonly string[];
  /**
   * Field paths the rule counts by, e.g. `['ip']` or `['actor.id']`. A path whose last segment is
   * `ip` is read as an address: IPv6 is grouped by its network prefix (detector option `ipv6Prefix`),
   * an IPv4-mapped IPv6 address as the IPv4 address, an unreadable one as `invalid`. Default: one group.
   */
  readonly groupBy?: readonly string[];
  /** Events to ignore. */
  readonly allow?: RuleAllowList;
  /**
   * After an alert, the same rule and group raises no new alert for this long; what it would have
   * counted goes into the next alert's `count`. Default 0.
   */
  readonly cooldownMs?: number;
  /**
   * One sentence with `{{path}}` placeholders read from the latest event, and `{{$count}}`,
   * `{{$groupKey}}`, `{{$ruleId}}`, `{{$title}}`. Missing values read `?`. Default
   * `{{$title}} ({{$groupKey}}, {{$count}} events)`.
   */
  readonly summary?: string;
  /** Extra labels for routing and silences. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Fires when at least `count` matching events of one group fall within a sliding window. Resolves when they no longer do. */
export interface ThresholdRule extends DetectionRuleBase {
  /** The kind. */
  readonly kind: 'threshold';
  /** Which events count. */
  readonly match: EventMatch | readonly EventMatch[];
  /** Length of the sliding window, ms. */
  readonly windowMs: number;
  /** Events needed. */
  readonly count: number;
}

/** Fires when a group's matching events carry at least `count` distinct values of `field` within a sliding window. */
export interface DistinctRule extends DetectionRuleBase {
  /** The kind. */
  readonly kind: 'distinct';
  /** Which events count. */
  readonly match: EventMatch | readonly EventMatch[];
  /** The field whose distinct values are counted (e.g. `username` for password spraying). */
  readonly field: string;
  /** Length of the sliding window, ms. */
  readonly windowMs: number;
  /** Distinct values needed. */
  readonly count: number;
}

/** Fires when a group shows a value of `field` it has not shown within `historyMs` (a new device, a new country). */
export interface FirstSeenRule extends DetectionRuleBase {
  /** The kind. */
  readonly kind: 'first-seen';
  /** Which events are looked at. */
  readonly match: EventMatch | readonly EventMatch[];
  /** The field whose values are remembered per group. */
  readonly field: string;
  /** How long a value stays known, ms. */
  readonly historyMs: number;
  /** Whether a group's very first value fires too. Default `false` (a new user is learned, not flagged). */
  readonly includeNewGroups?: boolean;
}

/** One step of a {@link SequenceRule}. */
export interface SequenceStep {
  /** Which events make this step. */
  readonly match: EventMatch | readonly EventMatch[];
  /** Events needed to complete the step. Default 1. */
  readonly count?: number;
  /** Paths giving the group for this step's events, in the order of the rule's `groupBy` (e.g. `subject.id` for `actor.id`). */
  readonly groupBy?: readonly string[];
}

/** Fires when a group completes its steps in order within `maxSpanMs` of the first step's first event. */
export interface SequenceRule extends DetectionRuleBase {
  /** The kind. */
  readonly kind: 'sequence';
  /** The steps, in order (2 to 8). */
  readonly steps: readonly SequenceStep[];
  /** Longest time from the first event to the last, ms; a partial sequence older than this starts over. */
  readonly maxSpanMs: number;
}

/** Fires when a fixed window holds at least `factor` times the mean of the `baselineWindows` before it, and at least `minimum`. */
export interface SpikeRule extends DetectionRuleBase {
  /** The kind. */
  readonly kind: 'spike';
  /** Which events count. */
  readonly match: EventMatch | readonly EventMatch[];
  /** Length of each window, ms. */
  readonly windowMs: number;
  /** Windows the baseline is the mean of (1 to 1,000). */
  readonly baselineWindows: number;
  /** How many times the baseline the current window must reach, above 1. */
  readonly factor: number;
  /** Fewest events in the current window for it to fire. */
  readonly minimum: number;
}

/** Local hours from `from` (included) to `to` (excluded); wraps past midnight when `from > to`. */
export interface HourRange {
  /** First allowed hour, 0-23. */
  readonly from: number;
  /** Hour at which the allowed range ends, 1-24; differs from `from`. */
  readonly to: number;
}

/** Fires on each matching event outside the allowed hours or weekdays, in the tenant's time zone. */
export interface TimeOfDayRule extends DetectionRuleBase {
  /** The kind. */
  readonly kind: 'time-of-day';
  /** Which events are looked at. */
  readonly match: EventMatch | readonly EventMatch[];
  /** Allowed local hours. */
  readonly allowedHours: HourRange;
  /** Allowed local weekdays, 0 = Sunday to 6 = Saturday. Default every day. */
  readonly allowedWeekdays?: readonly number[];
  /** IANA time zone for this rule, overriding the detector's tenant zones. */
  readonly timezone?: string;
}

/** Fires on every matching event (things that must never happen: an unapproved policy change, a broken audit chain). */
export interface EveryRule extends DetectionRuleBase {
  /** The kind. */
  readonly kind: 'every';
  /** Which events fire. */
  readonly match: EventMatch | readonly EventMatch[];
}

/** A detection rule: data (loaded from config through `parseRules`) or typed code. */
export type DetectionRule =
  | ThresholdRule
  | DistinctRule
  | FirstSeenRule
  | SequenceRule
  | SpikeRule
  | TimeOfDayRule
  | EveryRule;

/** The kind of a rule. */
export type DetectionRuleKind = DetectionRule['kind'];
