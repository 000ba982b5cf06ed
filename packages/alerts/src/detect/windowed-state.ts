import type { Alert, DetectionEvent } from '../alert.js';
import { BoundedMap, type Touched } from './bounded-map.js';
import { type Observation, pushEvent, type RuleRuntime, type RuleState } from './rule-runtime.js';

/** What every group of a windowed rule keeps. */
export interface WindowGroup extends Touched {
  /** Latest event time seen (times never go back within a group). */
  last: number;
  /** Latest events, oldest first (the evidence). */
  events: DetectionEvent[];
  /** The open firing, while the condition holds. */
  active: { alert: Alert | undefined; count: number; lastSeen: number } | undefined;
}

/**
 * A rule whose condition holds or not over a sliding window (threshold, distinct count): fires
 * when it starts to hold, counts what follows into the same alert, resolves once it no longer
 * holds (seen on the next event or on `tick`).
 */
export abstract class WindowedState<G extends WindowGroup> implements RuleState {
  protected readonly groups: BoundedMap<G>;
  private readonly active = new Set<string>();

  /**
   * @param runtime - Emitter and bounds.
   * @param windowMs - The window.
   * @param needed - The count at which the condition holds.
   */
  constructor(
    protected readonly runtime: RuleRuntime,
    protected readonly windowMs: number,
    protected readonly needed: number,
  ) {
    this.groups = new BoundedMap<G>(runtime.maxKeys);
  }

  /** A new, empty group. */
  protected abstract create(): G;
  /** Count the observation at time `at`; `false` when it does not count (e.g. no value). */
  protected abstract add(group: G, observation: Observation, at: number): boolean;
  /** The current count at `at` (events or distinct values in the window). */
  protected abstract measure(group: G, at: number): number;
  /** The count of an open firing after one more event, given the current measure. */
  protected abstract grow(previous: number, current: number): number;
  /** The time of the oldest event counted. */
  protected abstract oldest(group: G, at: number): number;

  get size(): number {
    return this.groups.size;
  }

  observe(observation: Observation): void {
    const key = observation.key;
    let group = this.groups.get(key);
    if (group === undefined) {
      group = this.create();
      this.groups.set(key, group);
    }
    const at = Math.max(observation.at, group.last);
    if (!this.add(group, observation, at)) return;
    group.last = at;
    pushEvent(group.events, observation.event);
    const current = this.measure(group, at);
    const open = group.active;
    if (open !== undefined) {
      if (current >= this.needed) {
        open.lastSeen = at;
        if (open.alert !== undefined) open.count = this.grow(open.count, current);
        else {
          // Held back by the cooldown: each further event is a repeat, until one gets through.
          open.alert = this.fire(observation, group, at, 1);
          if (open.alert !== undefined) open.count = open.alert.count;
        }
        return;
      }
      this.close(key, group, at);
    }
    if (current < this.needed) return;
    const alert = this.fire(observation, group, at, current);
    group.active = { alert, count: alert?.count ?? current, lastSeen: at };
    this.active.add(key);
  }

  private fire(observation: Observation, group: G, at: number, count: number): Alert | undefined {
    return this.runtime.emitter.fire({
      key: observation.key,
      groupValues: observation.groupValues,
      count,
      firstSeen: this.oldest(group, at),
      lastSeen: at,
      events: group.events,
      event: observation.event,
    });
  }

  tick(now: number): void {
    for (const key of this.active) {
      const group = this.groups.peek(key);
      if (group === undefined) this.active.delete(key);
      else if (this.measure(group, Math.max(now, group.last)) < this.needed) this.close(key, group, now);
    }
    // Least recently used first: stop at the first group still inside its window.
    for (const [key, group] of this.groups.entries()) {
      if (group.last > now - this.windowMs || group.active !== undefined) break;
      this.groups.delete(key);
    }
  }

  private close(key: string, group: G, at: number): void {
    const open = group.active;
    group.active = undefined;
    this.active.delete(key);
    if (open?.alert !== undefined) this.runtime.emitter.resolve(open.alert, open.count, open.lastSeen, at);
  }
}
