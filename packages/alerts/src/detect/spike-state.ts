import type { Alert, DetectionEvent } from '../alert.js';
import { BoundedMap, type Touched } from './bounded-map.js';
import type { SpikeRule } from './detection-rule.js';
import { type Observation, pushEvent, type RuleRuntime, type RuleState } from './rule-runtime.js';

interface Windows extends Touched {
  /** Counts of the current window and the `baselineWindows` before it, a ring by window index. */
  readonly counts: Uint32Array;
  /** Sum of `counts`. */
  total: number;
  /** Index (time / windowMs) of the current window. */
  index: number;
  last: number;
  firstSeen: number;
  readonly events: DetectionEvent[];
  /** The alert raised in window `index`, until that window ends. */
  active: Alert | undefined;
  /** Window index that fired (so a window fires once). */
  fired: number;
}

/**
 * In-process state of a {@link SpikeRule}: per group, counts of fixed windows (aligned to the
 * epoch). A window fires once, when its count reaches `minimum` and `factor` times the mean of the
 * `baselineWindows` before it (windows before the group was first seen count as 0), and resolves
 * when it ends.
 */
export class SpikeState implements RuleState {
  private readonly groups: BoundedMap<Windows>;
  private readonly span: number;
  private readonly active = new Set<string>();

  /**
   * @param runtime - Emitter and bounds.
   * @param rule - The rule.
   */
  constructor(
    private readonly runtime: RuleRuntime,
    private readonly rule: SpikeRule,
  ) {
    this.groups = new BoundedMap<Windows>(runtime.maxKeys);
    this.span = rule.baselineWindows + 1;
  }

  get size(): number {
    return this.groups.size;
  }

  observe(observation: Observation): void {
    const key = observation.key;
    let group = this.groups.get(key);
    const at = Math.max(observation.at, group?.last ?? Number.NEGATIVE_INFINITY);
    const index = Math.floor(at / this.rule.windowMs);
    if (group === undefined) {
      group = {
        touched: 0,
        counts: new Uint32Array(this.span),
        total: 0,
        index,
        last: at,
        firstSeen: at,
        events: [],
        active: undefined,
        fired: Number.NaN,
      };
      this.groups.set(key, group);
    }
    this.advance(key, group, index, at);
    group.last = at;
    const slot = index % this.span;
    group.counts[slot] = (group.counts[slot] ?? 0) + 1;
    group.total += 1;
    if (group.active !== undefined) return;
    pushEvent(group.events, observation.event);
    const current = group.counts[slot] ?? 0;
    const baseline = (group.total - current) / this.rule.baselineWindows;
    if (group.fired === index || current < this.rule.minimum || current < this.rule.factor * baseline) return;
    group.fired = index;
    group.active = this.runtime.emitter.fire({
      key,
      groupValues: observation.groupValues,
      count: current,
      firstSeen: Math.max(group.firstSeen, index * this.rule.windowMs),
      lastSeen: at,
      events: group.events,
      event: observation.event,
    });
    if (group.active !== undefined) this.active.add(key);
  }

  tick(now: number): void {
    const index = Math.floor(now / this.rule.windowMs);
    for (const key of this.active) {
      const group = this.groups.peek(key);
      if (group === undefined) this.active.delete(key);
      else if (index > group.index) this.advance(key, group, index, now);
    }
    for (const [key, group] of this.groups.entries()) {
      if (group.last > now - this.span * this.rule.windowMs || group.active !== undefined) break;
      this.groups.delete(key);
    }
  }

  /** Move a group to window `index`: resolve the ended window's alert, zero the windows skipped. */
  private advance(key: string, group: Windows, index: number, at: number): void {
    if (index <= group.index) return;
    if (group.active !== undefined) {
      const count = group.counts[group.index % this.span] ?? 0;
      this.runtime.emitter.resolve(group.active, count, group.last, at);
      group.active = undefined;
      this.active.delete(key);
    }
    group.events.length = 0;
    for (let i = group.index + 1; i <= Math.min(index, group.index + this.span); i++) {
      const slot = i % this.span;
      group.total -= group.counts[slot] ?? 0;
      group.counts[slot] = 0;
    }
    group.index = index;
  }
}
