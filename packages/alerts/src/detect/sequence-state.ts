import type { DetectionEvent } from '../alert.js';
import { BoundedMap, type Touched } from './bounded-map.js';
import type { SequenceRule } from './detection-rule.js';
import { type Observation, pushEvent, type RuleRuntime } from './rule-runtime.js';

interface Progress extends Touched {
  /** The step being waited for. */
  step: number;
  /** Events counted in that step. */
  inStep: number;
  /** Events counted in all steps. */
  total: number;
  /** Time of the first event of the first step. */
  readonly start: number;
  last: number;
  readonly events: DetectionEvent[];
}

/**
 * In-process state of a {@link SequenceRule}: per group, how far through the steps it is. Events
 * of a later step arriving out of order are ignored; a partial sequence older than `maxSpanMs`
 * starts over; a completed one fires and is forgotten.
 */
export class SequenceState {
  private readonly groups: BoundedMap<Progress>;
  private readonly counts: readonly number[];
  /** Keys of the groups past the first step (a subset of the groups' keys, kept small). */
  private readonly later = new Set<string>();

  /**
   * @param runtime - Emitter and bounds.
   * @param rule - The rule.
   */
  constructor(
    private readonly runtime: RuleRuntime,
    private readonly rule: SequenceRule,
  ) {
    this.groups = new BoundedMap<Progress>(runtime.maxKeys);
    this.counts = rule.steps.map((step) => step.count ?? 1);
  }

  /** Groups held. */
  get size(): number {
    return this.groups.size;
  }

  /**
   * Whether any group waits for a step after the first. Events of later steps can only continue
   * such a group, so while there is none they are not even grouped (most groups never get past
   * the first step: a success is rarely preceded by five failures).
   */
  get continuable(): boolean {
    return this.later.size > 0;
  }

  /**
   * Count an event matching step `step` for its group.
   *
   * @returns Whether the event was used (a later step continued, or the first step counted).
   */
  observe(observation: Observation, step: number): boolean {
    const key = observation.key;
    if (step > 0 && !this.later.has(key)) return false;
    let progress = this.groups.get(key);
    const at = Math.max(observation.at, progress?.last ?? Number.NEGATIVE_INFINITY);
    const expired = progress !== undefined && at - progress.start > this.rule.maxSpanMs;
    if (step > 0) {
      if (progress === undefined) this.later.delete(key); // evicted
      if (progress === undefined || expired || progress.step !== step) return false;
    } else if (progress === undefined || expired) {
      progress = { touched: 0, step: 0, inStep: 0, total: 0, start: at, last: at, events: [] };
      this.groups.set(key, progress);
      this.later.delete(key);
    } else if (progress.step !== 0) {
      return false;
    }
    progress.last = at;
    progress.inStep += 1;
    progress.total += 1;
    pushEvent(progress.events, observation.event);
    if (progress.inStep < (this.counts[step] ?? 1)) return true;
    progress.step += 1;
    progress.inStep = 0;
    if (progress.step < this.counts.length) {
      this.later.add(key);
      // Stale keys (groups evicted past the first step) are dropped in bulk, rarely: amortised O(1).
      if (this.later.size > 2 * this.runtime.maxKeys) this.forgetEvicted();
      return true;
    }
    this.groups.delete(key);
    this.later.delete(key);
    this.runtime.emitter.fire({
      key,
      groupValues: observation.groupValues,
      count: progress.total,
      firstSeen: progress.start,
      lastSeen: at,
      events: progress.events,
      event: observation.event,
    });
    return true;
  }

  /** Drop partial sequences older than `maxSpanMs` at `now`. */
  tick(now: number): void {
    for (const [key, progress] of this.groups.entries()) {
      if (now - progress.start <= this.rule.maxSpanMs) break;
      this.groups.delete(key);
      this.later.delete(key);
    }
    this.forgetEvicted();
  }

  /** Drop keys of groups the bounded map evicted, so `later` stays within its bound. */
  private forgetEvicted(): void {
    for (const key of this.later) if (this.groups.peek(key) === undefined) this.later.delete(key);
  }
}
