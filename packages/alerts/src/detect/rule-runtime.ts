import type { Alert, DetectionEvent } from '../alert.js';
import type { FieldReader } from './field-path.js';

/** Most samples an alert carries. */
export const maxSamples = 5;

/** One matching event as a rule state sees it. */
export interface Observation {
  /** The event. */
  readonly event: DetectionEvent;
  /** Its time: `ts` when usable, else the detector's clock; never far in the future. */
  readonly at: number;
  /**
   * The group's key in process: the value itself for one `groupBy` path, the formatted group key
   * for several (the alert's `groupKey` is formatted only when an alert is raised).
   */
  readonly key: string;
  /** The group's values, one per `groupBy` path. */
  readonly groupValues: readonly (string | undefined)[];
}

/** What a rule state hands over when its condition is met. */
export interface Firing {
  /** The group's key in process (see {@link Observation.key}). */
  readonly key: string;
  /** The group's values. */
  readonly groupValues: readonly (string | undefined)[];
  /** Events (or distinct values) that made it fire. */
  readonly count: number;
  /** The first event's time. */
  readonly firstSeen: number;
  /** The latest event's time. */
  readonly lastSeen: number;
  /**
   * The latest events of the group (at most {@link maxSamples}), oldest first: the evidence. They
   * are turned into samples only when an alert is built, so counting an event copies nothing.
   */
  readonly events: readonly DetectionEvent[];
  /** The latest event, for the summary. */
  readonly event: DetectionEvent;
}

/** Turns firings into alerts, applying the rule's cooldown. */
export interface AlertEmitter {
  /**
   * Raise an alert unless the group is cooling down.
   *
   * @returns The alert when it was raised synchronously (memory mode), for a later resolution.
   */
  fire(firing: Firing): Alert | undefined;
  /** Report a raised alert as resolved at `at`, with its final count and last event time. */
  resolve(alert: Alert, count: number, lastSeen: number, at: number): void;
}

/** What every rule state gets from the detector. */
export interface RuleRuntime {
  /** Raises and resolves alerts. */
  readonly emitter: AlertEmitter;
  /** Most groups held. */
  readonly maxKeys: number;
  /** Makes a reader of a field path, sharing each value read with the other rules. */
  readonly reader: (path: string) => FieldReader;
}

/** The in-process state of one rule. */
export interface RuleState {
  /** Count one matching, not allowed event. */
  observe(observation: Observation): void;
  /** Resolve what has cleared and drop what has expired, at `now`. */
  tick(now: number): void;
  /** Groups held. */
  readonly size: number;
}

/**
 * Remember an event as evidence, keeping the newest {@link maxSamples}.
 *
 * @param events - The group's latest events, oldest first; changed in place.
 * @param event - The new one.
 */
export function pushEvent(events: DetectionEvent[], event: DetectionEvent): void {
  if (events.length >= maxSamples) events.shift();
  events.push(event);
}
