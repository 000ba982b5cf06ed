import { createManualClock, type ManualClock } from '@secbot/test-utils';
import type { Alert, DetectionEvent } from '../../src/alert.js';
import { createDetector, type Detector, type DetectorOptions } from '../../src/detect/create-detector.js';
import type { DetectionRule } from '../../src/detect/detection-rule.js';

/** A detector on a manual clock that collects its alerts and errors. */
export interface Harness {
  readonly detector: Detector;
  readonly clock: ManualClock;
  readonly alerts: Alert[];
  readonly errors: unknown[];
  /** Observe an event of `type` at the clock's time. */
  emit(type: string, fields?: Record<string, unknown>): void;
  /** Alerts of one rule. */
  of(ruleId: string): Alert[];
}

export function harness(
  rules: readonly DetectionRule[],
  options: Partial<Omit<DetectorOptions, 'rules' | 'onAlert'>> = {},
): Harness {
  const clock = createManualClock();
  const alerts: Alert[] = [];
  const errors: unknown[] = [];
  const detector = createDetector({
    rules,
    onAlert: (alert) => alerts.push(alert),
    onError: (error) => errors.push(error),
    now: clock.now,
    ...options,
  });
  return {
    detector,
    clock,
    alerts,
    errors,
    emit(type, fields = {}) {
      detector.observe({ type, ts: clock.now(), ...fields } as DetectionEvent);
    },
    of: (ruleId) => alerts.filter((alert) => alert.ruleId === ruleId),
  };
}

export const minute = 60_000;
