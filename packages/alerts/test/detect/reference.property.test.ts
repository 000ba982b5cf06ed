import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert, AlertSample, DetectionEvent } from '../../src/alert.js';
import { createDetector } from '../../src/detect/create-detector.js';
import type { DetectionRule } from '../../src/detect/detection-rule.js';
import { formatGroupKey } from '../../src/detect/group-key.js';
import { createIpGrouper, isCanonicalIpv4 } from '../../src/detect/ip-address.js';
import { maxSampleString, sampleValue } from '../../src/detect/sample.js';
import { oneLine } from '../../src/render.js';
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

  it('the canonical IPv4 test equals the regular expression it replaced', () => {
    const part = /(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)/.source;
    const regex = new RegExp(`^(?:${part}\\.){3}${part}$`);
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9', '.', 'a', ' ', ':'), maxLength: 17 }),
      fc.tuple(...[0, 1, 2, 3].map(() => fc.integer({ min: 0, max: 300 }))).map((parts) => parts.join('.')),
      fc.string(),
    );
    fc.assert(
      fc.property(text, (value) => isCanonicalIpv4(value) === regex.test(value)),
      { numRuns: 5000 },
    );
    for (const value of [
      '0.0.0.0',
      '255.255.255.255',
      '10.0.0.1',
      '01.2.3.4',
      '1.2.3.256',
      '1.2.3',
      '1.2.3.4.',
      '1..2.3',
    ])
      expect(isCanonicalIpv4(value)).toBe(regex.test(value));
  });

  it('sample strings equal oneLine of the bounded text (the fast path changes nothing)', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({
        unit: fc.constantFrom('a', ' ', '\n', '\u0085', '\u2028', '\u009f', '\u00a0', '\u007f'),
        maxLength: 140,
      }),
    );
    fc.assert(
      fc.property(text, (value) => {
        const bounded = value.length > 4 * maxSampleString ? value.slice(0, 4 * maxSampleString) : value;
        expect(sampleValue(value)).toBe(oneLine(bounded, maxSampleString));
      }),
      { numRuns: 3000 },
    );
  });
});

/** A sequence written the simple way: per group, where it is, with eager samples. */
function sequenceReference(events: readonly Record<string, unknown>[], maxSpanMs: number): Outcome[] {
  const out: Outcome[] = [];
  interface Progress {
    step: number;
    inStep: number;
    total: number;
    start: number;
    last: number;
    samples: AlertSample[];
  }
  const groups = new Map<string, Progress>();
  const counts = [3, 1];
  const observe = (event: Record<string, unknown>, key: string, value: string | undefined, step: number) => {
    let progress = groups.get(key);
    const at = Math.max(event.ts as number, progress?.last ?? Number.NEGATIVE_INFINITY);
    const expired = progress !== undefined && at - progress.start > maxSpanMs;
    if (step > 0) {
      if (progress === undefined || expired || progress.step !== step) return false;
    } else if (progress === undefined || expired) {
      progress = { step: 0, inStep: 0, total: 0, start: at, last: at, samples: [] };
      groups.set(key, progress);
    } else if (progress.step !== 0) return false;
    progress.last = at;
    progress.inStep += 1;
    progress.total += 1;
    progress.samples.push(expectedSample(event));
    if (progress.samples.length > 5) progress.samples.shift();
    if (progress.inStep < (counts[step] as number)) return true;
    progress.step += 1;
    progress.inStep = 0;
    if (progress.step < counts.length) return true;
    groups.delete(key);
    out.push({
      ruleId: 'seq',
      status: 'firing',
      groupKey: formatGroupKey(['ip'], [value]),
      count: progress.total,
      firstSeen: progress.start,
      lastSeen: at,
      samples: progress.samples,
    });
    return true;
  };
  for (const event of events) {
    const value = ipGroup(event.ip);
    const key = value ?? '';
    if (event.type === 'auth.success' && observe(event, key, value, 1)) continue;
    if (event.type === 'auth.failure') observe(event, key, value, 0);
  }
  return out;
}

describe('sequences equal a simple reference', () => {
  const sequence: DetectionRule = {
    id: 'seq',
    title: 'seq',
    severity: 'high',
    kind: 'sequence',
    groupBy: ['ip'],
    steps: [{ match: { type: 'auth.failure' }, count: 3 }, { match: { type: 'auth.success' } }],
    maxSpanMs: 10 * minute,
  };

  it('for random streams of failures and successes', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 150 }), (steps) => {
        let now = Date.UTC(2026, 0, 5, 10);
        const alerts: Alert[] = [];
        const detector = createDetector({
          rules: [sequence],
          onAlert: (alert) => alerts.push(alert),
          now: () => now,
        });
        const events: Record<string, unknown>[] = [];
        steps.forEach((s, index) => {
          now += s.dt;
          const event: Record<string, unknown> = { type: s.type, ts: now, requestId: `r${index}` };
          if (s.username !== undefined) event.username = s.username;
          if (s.ip !== undefined) event.ip = s.ip;
          events.push(event);
          detector.observe(event as DetectionEvent);
          if (index % 17 === 16) detector.tick(); // tick drops only what has expired
        });
        expect(alerts.map(outcome)).toEqual(sequenceReference(events, 10 * minute));
      }),
      { numRuns: 300 },
    );
  });

  it('a group evicted past its first step is not continued, and others still are', () => {
    const alerts: Alert[] = [];
    let now = 1_000_000;
    const detector = createDetector({
      rules: [sequence],
      onAlert: (alert) => alerts.push(alert),
      now: () => now,
      maxKeys: 1,
    });
    const emit = (type: string, ip: string) => {
      now += 1000;
      detector.observe({ type, ts: now, ip } as DetectionEvent);
    };
    for (let i = 0; i < 3; i++) emit('auth.failure', '10.0.0.1'); // A waits for a success
    for (let i = 0; i < 3; i++) emit('auth.failure', '10.0.0.2'); // B evicts A, then waits
    emit('auth.success', '10.0.0.1');
    expect(alerts).toHaveLength(0);
    emit('auth.success', '10.0.0.2');
    expect(alerts.map((alert) => [alert.groupKey, alert.count])).toEqual([['ip=10.0.0.2', 4]]);
    expect(detector.rules()[0]?.groups).toBe(0);
  });
});
