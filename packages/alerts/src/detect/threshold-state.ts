import type { ThresholdRule } from './detection-rule.js';
import type { RuleRuntime } from './rule-runtime.js';
import { WindowedState, type WindowGroup } from './windowed-state.js';

interface ThresholdGroup extends WindowGroup {
  /** The times of the last `count` events, a ring. */
  readonly times: number[];
  /** Next slot to write (the oldest once full). */
  head: number;
}

/**
 * In-process state of a {@link ThresholdRule}. Each group keeps the times of its last `count`
 * events only: the rule holds when the oldest of them is still inside the window.
 */
export class ThresholdState extends WindowedState<ThresholdGroup> {
  /**
   * @param runtime - Emitter and bounds.
   * @param rule - The rule.
   */
  constructor(runtime: RuleRuntime, rule: ThresholdRule) {
    super(runtime, rule.windowMs, rule.count);
  }

  protected create(): ThresholdGroup {
    return { touched: 0, last: Number.NEGATIVE_INFINITY, events: [], active: undefined, times: [], head: 0 };
  }

  protected add(group: ThresholdGroup, _: unknown, at: number): boolean {
    if (group.times.length < this.needed) group.times.push(at);
    else {
      group.times[group.head] = at;
      group.head = (group.head + 1) % this.needed;
    }
    return true;
  }

  protected measure(group: ThresholdGroup, at: number): number {
    const cutoff = at - this.windowMs;
    let inside = 0;
    for (const time of group.times) if (time > cutoff) inside += 1;
    return inside;
  }

  protected grow(previous: number): number {
    return previous + 1;
  }

  protected oldest(group: ThresholdGroup, at: number): number {
    const cutoff = at - this.windowMs;
    let oldest = at;
    for (const time of group.times) if (time > cutoff && time < oldest) oldest = time;
    return oldest;
  }
}
