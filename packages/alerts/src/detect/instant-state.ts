import type { Observation, RuleRuntime, RuleState } from './rule-runtime.js';

/**
 * State of rules that fire on single events (`every`, `time-of-day`): none besides the cooldown
 * kept by the emitter. `fires` decides on each event (for `time-of-day`, whether it is outside the
 * allowed hours).
 */
export class InstantState implements RuleState {
  /**
   * @param runtime - Emitter and bounds.
   * @param fires - Whether an event fires; always for `every`.
   */
  constructor(
    private readonly runtime: RuleRuntime,
    private readonly fires: (observation: Observation) => boolean,
  ) {}

  readonly size = 0;

  observe(observation: Observation): void {
    if (!this.fires(observation)) return;
    this.runtime.emitter.fire({
      key: observation.key,
      groupValues: observation.groupValues,
      count: 1,
      firstSeen: observation.at,
      lastSeen: observation.at,
      events: [observation.event],
      event: observation.event,
    });
  }

  tick(): void {}
}
