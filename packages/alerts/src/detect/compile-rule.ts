import type { Store } from '@secbot/core';
import type { DetectionEvent } from '../alert.js';
import type { DetectionRule, RuleAllowList, TimeOfDayRule } from './detection-rule.js';
import { DistinctState } from './distinct-state.js';
import { compileMatch } from './event-match.js';
import type { FieldMemo } from './field-memo.js';
import { FirstSeenState } from './first-seen-state.js';
import { boundValue, formatGroupKey } from './group-key.js';
import { InstantState } from './instant-state.js';
import { createCidrMatcher } from './ip-address.js';
import type { Observation, RuleRuntime, RuleState } from './rule-runtime.js';
import { SequenceState } from './sequence-state.js';
import { SpikeState } from './spike-state.js';
import { createSharedEvaluation } from './store-state.js';
import { ThresholdState } from './threshold-state.js';
import type { ZonedTime } from './zoned-time.js';

/** A rule ready to run. */
export interface CompiledRule {
  /** The rule as given. */
  readonly rule: DetectionRule;
  /** The event types it looks at. */
  readonly types: readonly string[];
  /** Handle an event of one of those types, at time `at`. */
  handle(event: DetectionEvent, type: string, at: number): void;
  /** Resolve and expire at `now`. */
  tick(now: number): void;
  /** Groups held in process. */
  size(): number;
}

/** What compiling needs from the detector. */
export interface CompileContext {
  /** Emitter and bounds of this rule. */
  readonly runtime: RuleRuntime;
  /** Groups an address value. */
  readonly ipGroup: (value: unknown) => string | undefined;
  /** The per-event memo of field values every rule reads through. */
  readonly fields: FieldMemo;
  /** The shared store, if any. */
  readonly store: Store | undefined;
  /** Starts store work and keeps track of it (or drops it when too much is pending). */
  readonly track: (start: () => Promise<void>) => void;
  /** Local time in zones. */
  readonly zonedTime: ZonedTime;
  /** The zone of an event's tenant. */
  readonly zoneOf: (event: DetectionEvent) => string;
}

/** How a rule (or a step) groups events. */
interface Grouping {
  /** The group's key in process (see `Observation.key`). */
  key(event: DetectionEvent): string;
  /** The group's values, one per path. */
  values(event: DetectionEvent): (string | undefined)[];
}

function compileGroup(names: readonly string[], paths: readonly string[], context: CompileContext): Grouping {
  const { fields, ipGroup } = context;
  const readers = paths.map((path) => {
    const read = fields.reader(path);
    return (
      path === 'ip' || path.endsWith('.ip')
        ? fields.derived(`address:${path}`, (event) => ipGroup(read(event)))
        : fields.derived(`bounded:${path}`, (event) => boundValue(read(event)))
    ) as (event: DetectionEvent) => string | undefined;
  });
  const values = (event: DetectionEvent) => readers.map((read) => read(event));
  const [only] = readers;
  if (only === undefined) return { key: () => '', values };
  // One path: the value is the key in process (a string the grouping memo may return again, with
  // its hash cached); several: the formatted key, which is unambiguous.
  if (readers.length === 1) return { key: (event) => only(event) ?? '', values };
  return { key: (event) => formatGroupKey(names, values(event)), values };
}

/**
 * The observation a compiled rule hands its state, reused from event to event (states use it
 * synchronously only); the group values are read only when an alert needs them.
 */
class Seen implements Observation {
  event: DetectionEvent = { type: '', ts: 0 };
  at = 0;
  key = '';

  constructor(private readonly grouping: Grouping) {}

  get groupValues(): (string | undefined)[] {
    return this.grouping.values(this.event);
  }

  /** Point at a new event. */
  set(event: DetectionEvent, at: number): this {
    this.event = event;
    this.at = at;
    this.key = this.grouping.key(event);
    return this;
  }
}

function compileAllow(
  allow: RuleAllowList | undefined,
  fields: FieldMemo,
): (event: DetectionEvent) => boolean {
  const tests: ((event: DetectionEvent) => boolean)[] = [];
  if (allow?.cidrs !== undefined && allow.cidrs.length > 0) {
    const read = fields.reader(allow.ipField ?? 'ip');
    const inside = createCidrMatcher(allow.cidrs);
    tests.push((event) => inside(read(event)));
  }
  if (allow?.actors !== undefined && allow.actors.length > 0) {
    const read = fields.reader(allow.actorField ?? 'actor.id');
    const actors = new Set<unknown>(allow.actors);
    tests.push((event) => actors.has(read(event)));
  }
  const [first, second] = tests;
  if (first === undefined) return () => false;
  if (second === undefined) return first;
  return (event) => first(event) || second(event);
}

function timeOfDayTest(rule: TimeOfDayRule, context: CompileContext): (observation: Observation) => boolean {
  const { from, to } = rule.allowedHours;
  const days = new Set(rule.allowedWeekdays ?? [0, 1, 2, 3, 4, 5, 6]);
  return ({ event, at }) => {
    const local = context.zonedTime.at(rule.timezone ?? context.zoneOf(event), at);
    const hourAllowed =
      from < to ? local.hour >= from && local.hour < to : local.hour >= from || local.hour < to;
    return !(hourAllowed && days.has(local.weekday));
  };
}

function stateOf(rule: Exclude<DetectionRule, { kind: 'sequence' }>, context: CompileContext): RuleState {
  const { runtime } = context;
  switch (rule.kind) {
    case 'threshold':
      return new ThresholdState(runtime, rule);
    case 'distinct':
      return new DistinctState(runtime, rule);
    case 'first-seen':
      return new FirstSeenState(runtime, rule);
    case 'spike':
      return new SpikeState(runtime, rule);
    case 'time-of-day':
      return new InstantState(runtime, timeOfDayTest(rule, context));
    case 'every':
      return new InstantState(runtime, () => true);
  }
}

function compileSequence(
  rule: Extract<DetectionRule, { kind: 'sequence' }>,
  context: CompileContext,
): CompiledRule {
  const names = rule.groupBy ?? [];
  const allowed = compileAllow(rule.allow, context.fields);
  const state = new SequenceState(context.runtime, rule);
  const readerOf = (path: string) => context.fields.reader(path);
  const steps = rule.steps.map((step) => ({
    match: compileMatch(step.match, readerOf),
    seen: new Seen(compileGroup(names, step.groupBy ?? names, context)),
  }));
  const observe = (index: number, event: DetectionEvent, at: number): boolean =>
    state.observe((steps[index] as (typeof steps)[number]).seen.set(event, at), index);
  return {
    rule,
    types: [...new Set(steps.flatMap((step) => step.match.types))],
    handle(event, type, at) {
      let checkedAllow = false;
      if (state.continuable) {
        for (let i = steps.length - 1; i >= 1; i--) {
          if (!(steps[i] as (typeof steps)[number]).match.test(event, type)) continue;
          if (!checkedAllow && allowed(event)) return;
          checkedAllow = true;
          if (observe(i, event, at)) return;
        }
      }
      if (!(steps[0] as (typeof steps)[number]).match.test(event, type)) return;
      if (!checkedAllow && allowed(event)) return;
      observe(0, event, at);
    },
    tick: (now) => state.tick(now),
    size: () => state.size,
  };
}

/**
 * Compile a validated rule into its matcher, allow-list, grouping and state (in process, or
 * through the store for threshold, distinct and first-seen rules when the detector has one).
 *
 * @param rule - The rule.
 * @param context - What the detector provides.
 * @returns The compiled rule.
 */
export function compileRule(rule: DetectionRule, context: CompileContext): CompiledRule {
  if (rule.kind === 'sequence') return compileSequence(rule, context);
  const match = compileMatch(rule.match, (path) => context.fields.reader(path));
  const allowed = compileAllow(rule.allow, context.fields);
  const names = rule.groupBy ?? [];
  const grouping = compileGroup(names, names, context);
  const seen = new Seen(grouping);
  const { store } = context;
  const shared =
    store !== undefined &&
    (rule.kind === 'threshold' || rule.kind === 'distinct' || rule.kind === 'first-seen')
      ? createSharedEvaluation(store, rule, context.runtime)
      : undefined;
  const state = shared === undefined ? stateOf(rule, context) : undefined;
  return {
    rule,
    types: match.types,
    handle(event, type, at) {
      if (!match.test(event, type) || allowed(event)) return;
      if (shared === undefined) state?.observe(seen.set(event, at));
      else {
        // Store work runs later: it gets its own observation.
        const observation = { event, at, key: grouping.key(event), groupValues: grouping.values(event) };
        context.track(() => shared(observation));
      }
    },
    tick: (now) => state?.tick(now),
    size: () => state?.size ?? 0,
  };
}
