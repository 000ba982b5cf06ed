import { BoundedMap, type Touched } from './bounded-map.js';
import type { FirstSeenRule } from './detection-rule.js';
import type { FieldReader } from './field-path.js';
import { boundValue } from './group-key.js';
import type { Observation, RuleRuntime, RuleState } from './rule-runtime.js';
import { rememberedValue } from './value-digest.js';

/** Most values remembered per group; past it the least recently seen is forgotten. */
export const maxValuesPerGroup = 32;

interface History extends Touched {
  last: number;
  /** Each value and when it was last seen, least recent first. */
  readonly values: Map<string, number>;
}

/**
 * In-process state of a {@link FirstSeenRule}: per group, the values seen within `historyMs`.
 * A group idle for longer than `historyMs` is forgotten and learned again.
 */
export class FirstSeenState implements RuleState {
  private readonly groups: BoundedMap<History>;
  private readonly read: FieldReader;

  /**
   * @param runtime - Emitter and bounds.
   * @param rule - The rule.
   */
  constructor(
    private readonly runtime: RuleRuntime,
    private readonly rule: FirstSeenRule,
  ) {
    this.groups = new BoundedMap<History>(runtime.maxKeys);
    this.read = runtime.reader(rule.field);
  }

  get size(): number {
    return this.groups.size;
  }

  observe(observation: Observation): void {
    const bounded = boundValue(this.read(observation.event));
    if (bounded === undefined) return;
    const value = rememberedValue(bounded);
    let history = this.groups.get(observation.key);
    const at = Math.max(observation.at, history?.last ?? Number.NEGATIVE_INFINITY);
    let known: boolean;
    if (history === undefined || at - history.last > this.rule.historyMs) {
      history = { touched: 0, last: at, values: new Map() };
      this.groups.set(observation.key, history);
      known = this.rule.includeNewGroups !== true;
    } else {
      const seen = history.values.get(value);
      known = seen !== undefined && at - seen <= this.rule.historyMs;
    }
    history.last = at;
    history.values.delete(value);
    history.values.set(value, at);
    if (history.values.size > maxValuesPerGroup) {
      const first = history.values.keys().next();
      if (first.done !== true) history.values.delete(first.value);
    }
    if (known) return;
    this.runtime.emitter.fire({
      key: observation.key,
      groupValues: observation.groupValues,
      count: 1,
      firstSeen: at,
      lastSeen: at,
      events: [observation.event],
      event: observation.event,
    });
  }

  tick(now: number): void {
    for (const [key, history] of this.groups.entries()) {
      if (history.last > now - this.rule.historyMs) break;
      this.groups.delete(key);
    }
  }
}
