import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert, AlertSample, DetectionEvent } from '../../src/alert.js';
import { createDetector } from '../../src/detect/create-detector.js';
import type { DetectionRule } from '../../src/detect/detection-rule.js';
import { formatGroupKey } from '../../src/detect/group-key.js';
import { createIpGrouper } from '../../src/detect/ip-address.js';
import { minute } from './helpers.js';

// The detector reads each field once per event (a memo shared by rules), reuses one observation
// per rule and turns the latest events into samples only when an alert is built. These properties
// check it against a reference written the simple way: every event time kept per group, samples
// made eagerly from a copy of each event.

interface RefRule {
  readonly id: string;
  readonly field: 'username' | 'ip';
  readonly count: number;
  readonly windowMs: number;
}

const refRules: readonly RefRule[] = [
  { id: 'by-user', field: 'username', count: 3, windowMs: 5 * minute },
  { id: 'by-ip', field: 'ip', count: 4, windowMs: 10 * minute },
];

const rules: DetectionRule[] = refRules.map((rule) => ({
  id: rule.id,
  title: rule.id,
  severity: 'high',
  kind: 'threshold',
  match: { type: 'auth.failure' },
  groupBy: [rule.field],
  windowMs: rule.windowMs,
  count: rule.count,
}));

interface Outcome {
  readonly ruleId: string;
  readonly status: string;
  readonly groupKey: string;
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly samples?: readonly AlertSample[];
}

const ipGroup = createIpGrouper(64);

/** What a sample of one of the generated events holds: its allow-listed fields, copied when seen. */
function expectedSample(event: Record<string, unknown>): AlertSample {
  const sample: Record<string, string | number> = {};
  for (const field of ['type', 'ts', 'ip', 'username', 'requestId']) {
    const value = event[field];
    if (typeof value === 'string' || typeof value === 'number') sample[field] = value;
  }
  return sample;
}

interface RefGroup {
  readonly times: number[];
  readonly samples: AlertSample[];
  open: { count: number; lastSeen: number; firing: Outcome } | undefined;
}

/** The reference: per rule and group, every time and an eager sample of the last five events. */
function reference(events: readonly Record<string, unknown>[], endAt: number): Outcome[] {
  const out: Outcome[] = [];
  const state = new Map<string, Map<string, RefGroup>>(refRules.map((rule) => [rule.id, new Map()]));
  const measure = (rule: RefRule, group: RefGroup, at: number) =>
    Math.min(rule.count, group.times.filter((t) => t > at - rule.windowMs).length);
  const resolve = (group: RefGroup, at: number) => {
    const open = group.open;
    group.open = undefined;
    if (open === undefined) return;
    const { samples: _, ...firing } = open.firing;
    out.push({ ...firing, status: 'resolved', count: open.count, lastSeen: open.lastSeen, firstSeen: at });
  };
  for (const event of events) {
    if (event.type !== 'auth.failure') continue;
    const at = event.ts as number;
    for (const rule of refRules) {
      const raw = event[rule.field];
      const value = rule.field === 'ip' ? ipGroup(raw) : (raw as string | undefined);
      const groups = state.get(rule.id) as Map<string, RefGroup>;
      const key = value ?? '';
      let group = groups.get(key);
      if (group === undefined) {
        group = { times: [], samples: [], open: undefined };
        groups.set(key, group);
      }
      group.times.push(at);
      group.samples.push(expectedSample(event));
      if (group.samples.length > 5) group.samples.shift();
      const current = measure(rule, group, at);
      if (group.open !== undefined) {
        if (current >= rule.count) {
          group.open.count += 1;
          group.open.lastSeen = at;
          continue;
        }
        resolve(group, at);
      }
      if (current < rule.count) continue;
      const inWindow = group.times.filter((t) => t > at - rule.windowMs);
      const firing: Outcome = {
        ruleId: rule.id,
        status: 'firing',
        groupKey: formatGroupKey([rule.field], [value]),
        count: current,
        firstSeen: inWindow[inWindow.length - rule.count] as number,
        lastSeen: at,
        samples: [...group.samples],
      };
      out.push(firing);
      group.open = { count: current, lastSeen: at, firing };
    }
  }
  for (const rule of refRules) {
    for (const group of (state.get(rule.id) as Map<string, RefGroup>).values()) {
      if (group.open !== undefined && measure(rule, group, endAt) < rule.count) resolve(group, endAt);
    }
  }
  return out;
}

function outcome(alert: Alert): Outcome {
  const base = {
    ruleId: alert.ruleId,
    status: alert.status,
    groupKey: alert.groupKey,
    count: alert.count,
    firstSeen: alert.firstSeen,
    lastSeen: alert.lastSeen,
  };
  // The reference reports a resolution's time in `firstSeen`, to compare one number.
  return alert.status === 'resolved'
    ? { ...base, firstSeen: alert.resolvedAt as number }
    : { ...base, samples: alert.samples };
}

const step = fc.record({
  dt: fc.integer({ min: 0, max: 4 * minute }),
  type: fc.constantFrom('auth.failure', 'auth.failure', 'auth.failure', 'message.received', 'auth.success'),
  username: fc.option(fc.constantFrom('ana', 'bo', '__proto__', 'a,b=c', 'constructor'), { nil: undefined }),
  ip: fc.option(
    fc.constantFrom('10.0.0.1', '10.0.0.2', '2001:db8:1:2::1', '2001:db8:1:2::ff', '2001:db8:9::1', 'bogus'),
    { nil: undefined },
  ),
  frozen: fc.boolean(),
});

describe('the optimised engine equals a simple reference', () => {
  it('threshold alerts, counts, times and samples for random streams', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
        let now = Date.UTC(2026, 0, 5, 10);
        const alerts: Alert[] = [];
        const detector = createDetector({ rules, onAlert: (alert) => alerts.push(alert), now: () => now });
        const events: Record<string, unknown>[] = [];
        steps.forEach((s, index) => {
          now += s.dt;
          const event: Record<string, unknown> = { type: s.type, ts: now, requestId: `r${index}` };
          if (s.username !== undefined) event.username = s.username;
          if (s.ip !== undefined) event.ip = s.ip;
          events.push(event);
          detector.observe((s.frozen ? Object.freeze(event) : event) as DetectionEvent);
        });
        now += 20 * minute;
        detector.tick();
        expect(alerts.map(outcome)).toEqual(reference(events, now));
      }),
      { numRuns: 300 },
    );
  });

  it('a rule reads the event it is given, not the one another rule saw (memo is per event)', () => {
    const alerts: Alert[] = [];
    const detector = createDetector({ rules, onAlert: (alert) => alerts.push(alert), now: () => 0 });
    // The same object, changed between calls: every value is read again.
    const event: Record<string, unknown> = { type: 'auth.failure', ts: 1, username: 'ana', ip: '10.0.0.1' };
    for (let i = 0; i < 3; i++) {
      event.username = i === 2 ? 'bo' : 'ana';
      event.ts = i + 1;
      detector.observe(event as unknown as DetectionEvent);
    }
    expect(alerts).toHaveLength(0); // ana twice, bo once: no user reaches 3
    event.username = 'ana';
    event.ts = 4;
    detector.observe(event as unknown as DetectionEvent);
    expect(alerts.map((alert) => alert.groupKey)).toEqual(['username=ana', 'ip=10.0.0.1']);
  });
});
