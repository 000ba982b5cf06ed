import type { DistinctRule } from './detection-rule.js';
import type { FieldReader } from './field-path.js';
import { boundValue } from './group-key.js';
import type { Observation, RuleRuntime } from './rule-runtime.js';
import { rememberedValue } from './value-digest.js';
import { WindowedState, type WindowGroup } from './windowed-state.js';

interface DistinctGroup extends WindowGroup {
  /** Each distinct value and when it was last seen, least recent first. */
  readonly values: Map<string, number>;
}

/**
 * In-process state of a {@link DistinctRule}. Each group keeps at most `2 x count` values (the
 * most recent), which is enough to tell whether `count` distinct values fall in the window.
 */
export class DistinctState extends WindowedState<DistinctGroup> {
  private readonly read: FieldReader;
  private readonly maxValues: number;

  /**
   * @param runtime - Emitter and bounds.
   * @param rule - The rule.
   */
  constructor(runtime: RuleRuntime, rule: DistinctRule) {
    super(runtime, rule.windowMs, rule.count);
    this.read = runtime.reader(rule.field);
    this.maxValues = rule.count * 2;
  }

  protected create(): DistinctGroup {
    return { touched: 0, last: Number.NEGATIVE_INFINITY, events: [], active: undefined, values: new Map() };
  }

  protected add(group: DistinctGroup, observation: Observation, at: number): boolean {
    const bounded = boundValue(this.read(observation.event));
    if (bounded === undefined) return false;
    const value = rememberedValue(bounded);
    group.values.delete(value);
    group.values.set(value, at);
    if (group.values.size > this.maxValues) {
      const first = group.values.keys().next();
      if (first.done !== true) group.values.delete(first.value);
    }
    return true;
  }

  protected measure(group: DistinctGroup, at: number): number {
    const cutoff = at - this.windowMs;
    for (const [value, seen] of group.values) {
      if (seen > cutoff) break;
      group.values.delete(value);
    }
    return group.values.size;
  }

  protected grow(previous: number, current: number): number {
    return Math.max(previous, current);
  }

  protected oldest(group: DistinctGroup, at: number): number {
    const first = group.values.values().next();
    return first.done === true ? at : first.value;
  }
}
