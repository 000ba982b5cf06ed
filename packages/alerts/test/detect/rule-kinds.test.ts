import { describe, expect, it } from 'vitest';
import type { AlertSample } from '../../src/alert.js';
import { alertFingerprint } from '../../src/detect/alert-emitter.js';
import type { DetectionRule } from '../../src/detect/detection-rule.js';
import { harness, minute } from './helpers.js';

const base = { title: 'Test', severity: 'high' } as const;
const threshold: DetectionRule = {
  ...base,
  id: 't',
  kind: 'threshold',
  match: { type: 'auth.failure' },
  groupBy: ['username'],
  windowMs: 5 * minute,
  count: 3,
};

describe('threshold', () => {
  it('fires once when the count is reached in the sliding window, then resolves on tick', () => {
    const h = harness([threshold]);
    h.emit('auth.failure', { username: 'ana' });
    h.clock.advance(4 * minute);
    h.emit('auth.failure', { username: 'ana' });
    h.clock.advance(2 * minute); // the first one left the window
    h.emit('auth.failure', { username: 'ana' });
    expect(h.alerts).toHaveLength(0);
    h.emit('auth.failure', { username: 'ana' });
    expect(h.alerts).toHaveLength(1);
    const [alert] = h.alerts;
    expect(alert).toMatchObject({
      ruleId: 't',
      status: 'firing',
      count: 3,
      groupKey: 'username=ana',
      fingerprint: alertFingerprint('t', 'username=ana'),
      labels: { ruleId: 't', severity: 'high', username: 'ana' },
    });
    expect(alert?.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(alert?.firstSeen).toBe(h.clock.now() - 2 * minute);
    h.emit('auth.failure', { username: 'ana' });
    expect(h.alerts).toHaveLength(1); // still the same firing
    h.detector.tick();
    expect(h.alerts).toHaveLength(1);
    h.clock.advance(5 * minute);
    h.detector.tick();
    expect(h.alerts).toHaveLength(2);
    expect(h.alerts[1]).toMatchObject({
      status: 'resolved',
      id: alert?.id,
      count: 4,
      resolvedAt: h.clock.now(),
    });
  });

  it('counts groups apart and never mixes them', () => {
    const h = harness([threshold]);
    for (const name of ['ana', 'bob', 'ana', 'bob', 'cy']) h.emit('auth.failure', { username: name });
    expect(h.alerts).toHaveLength(0);
    h.emit('auth.failure', { username: 'bob' });
    expect(h.alerts.map((a) => a.groupKey)).toEqual(['username=bob']);
  });

  it('cooldown: a repeat inside it raises nothing and its count goes into the next alert', () => {
    const h = harness([{ ...threshold, count: 1, cooldownMs: 10 * minute }]);
    h.emit('auth.failure', { username: 'ana' });
    h.clock.advance(6 * minute);
    h.detector.tick(); // resolved
    h.emit('auth.failure', { username: 'ana' }); // would fire again, but cooling down
    h.clock.advance(6 * minute);
    h.emit('auth.failure', { username: 'ana' });
    const firing = h.alerts.filter((a) => a.status === 'firing');
    expect(firing.map((a) => a.count)).toEqual([1, 2]);
  });
});

describe('distinct', () => {
  const rule: DetectionRule = {
    ...base,
    id: 'd',
    kind: 'distinct',
    match: { type: 'auth.failure' },
    groupBy: ['ip'],
    field: 'username',
    windowMs: 10 * minute,
    count: 3,
  };

  it('fires on the third distinct value, not on repeats of one', () => {
    const h = harness([rule]);
    for (let i = 0; i < 10; i++) h.emit('auth.failure', { ip: '192.0.2.1', username: 'ana' });
    h.emit('auth.failure', { ip: '192.0.2.1', username: 'bob' });
    h.emit('auth.failure', { ip: '192.0.2.1' }); // no value: not counted
    expect(h.alerts).toHaveLength(0);
    h.emit('auth.failure', { ip: '192.0.2.1', username: 'cy' });
    expect(h.alerts).toHaveLength(1);
    expect(h.alerts[0]).toMatchObject({ count: 3, groupKey: 'ip=192.0.2.1' });
  });

  it('forgets values that left the window and resolves', () => {
    const h = harness([rule]);
    h.emit('auth.failure', { ip: '192.0.2.1', username: 'ana' });
    h.clock.advance(11 * minute);
    h.emit('auth.failure', { ip: '192.0.2.1', username: 'bob' });
    h.emit('auth.failure', { ip: '192.0.2.1', username: 'cy' });
    expect(h.alerts).toHaveLength(0);
    h.emit('auth.failure', { ip: '192.0.2.1', username: 'dan' });
    expect(h.alerts).toHaveLength(1);
    h.clock.advance(11 * minute);
    h.detector.tick();
    expect(h.alerts[1]?.status).toBe('resolved');
  });
});

describe('first-seen', () => {
  const rule: DetectionRule = {
    ...base,
    id: 'f',
    kind: 'first-seen',
    match: { type: 'auth.success' },
    groupBy: ['actor.id'],
    field: 'country',
    historyMs: 30 * 24 * 60 * minute,
  };

  it('learns a new user silently, then flags a country not seen within the history', () => {
    const h = harness([rule]);
    h.emit('auth.success', { actor: { id: 'ana' }, country: 'DE' });
    h.emit('auth.success', { actor: { id: 'ana' }, country: 'DE' });
    expect(h.alerts).toHaveLength(0);
    h.emit('auth.success', { actor: { id: 'ana' }, country: 'KP' });
    expect(h.alerts).toHaveLength(1);
    expect(h.alerts[0]).toMatchObject({ groupKey: 'actor.id=ana', count: 1 });
    h.emit('auth.success', { actor: { id: 'ana' }, country: 'KP' });
    expect(h.alerts).toHaveLength(1);
  });

  it('includeNewGroups flags the first value too', () => {
    const h = harness([{ ...rule, includeNewGroups: true }]);
    h.emit('auth.success', { actor: { id: 'ana' }, country: 'DE' });
    expect(h.alerts).toHaveLength(1);
  });
});

describe('sequence', () => {
  const rule: DetectionRule = {
    ...base,
    id: 's',
    kind: 'sequence',
    groupBy: ['actor.id'],
    steps: [
      { match: { type: 'role.granted' }, groupBy: ['subject.id'] },
      {
        match: { type: 'access.granted', where: { permission: { equals: 'transcripts:export' } } },
        count: 2,
      },
    ],
    maxSpanMs: 15 * minute,
  };

  it('fires when the steps happen in order within the span, with the step group paths', () => {
    const h = harness([rule]);
    h.emit('access.granted', { actor: { id: 'eve' }, permission: 'transcripts:export' }); // out of order
    h.emit('role.granted', { actor: { id: 'root' }, subject: { id: 'eve' }, role: 'admin' });
    h.emit('access.granted', { actor: { id: 'eve' }, permission: 'transcripts:read' });
    h.emit('access.granted', { actor: { id: 'bob' }, permission: 'transcripts:export' });
    h.emit('access.granted', { actor: { id: 'eve' }, permission: 'transcripts:export' });
    expect(h.alerts).toHaveLength(0);
    h.clock.advance(minute);
    h.emit('access.granted', { actor: { id: 'eve' }, permission: 'transcripts:export' });
    expect(h.alerts).toHaveLength(1);
    expect(h.alerts[0]).toMatchObject({ groupKey: 'actor.id=eve', count: 3, lastSeen: h.clock.now() });
    expect(h.alerts[0]?.samples.map((s) => s.type)).toEqual([
      'role.granted',
      'access.granted',
      'access.granted',
    ]);
  });

  it('starts over when the span is exceeded', () => {
    const h = harness([rule]);
    h.emit('role.granted', { subject: { id: 'eve' } });
    h.emit('access.granted', { actor: { id: 'eve' }, permission: 'transcripts:export' });
    h.clock.advance(16 * minute);
    h.emit('access.granted', { actor: { id: 'eve' }, permission: 'transcripts:export' });
    expect(h.alerts).toHaveLength(0);
    h.detector.tick();
    expect(h.detector.rules()[0]?.groups).toBe(0);
  });
});

describe('spike', () => {
  const rule: DetectionRule = {
    ...base,
    id: 'p',
    kind: 'spike',
    match: { type: 'access.denied' },
    windowMs: minute,
    baselineWindows: 4,
    factor: 3,
    minimum: 5,
  };

  it('fires when a window reaches factor x the baseline mean and the minimum; resolves when it ends', () => {
    const h = harness([rule]);
    h.clock.set(Date.UTC(2026, 0, 1));
    for (let w = 0; w < 4; w++) {
      for (let i = 0; i < 4; i++) h.emit('access.denied');
      h.clock.advance(minute);
    }
    // baseline mean 4: needs 12
    for (let i = 0; i < 11; i++) h.emit('access.denied');
    expect(h.alerts).toHaveLength(0);
    h.emit('access.denied');
    expect(h.alerts).toHaveLength(1);
    expect(h.alerts[0]).toMatchObject({ count: 12, groupKey: '' });
    h.emit('access.denied');
    expect(h.alerts).toHaveLength(1);
    h.clock.advance(minute);
    h.detector.tick();
    expect(h.alerts[1]).toMatchObject({ status: 'resolved', count: 13 });
  });

  it('does not fire under the minimum, even from a zero baseline', () => {
    const h = harness([rule]);
    for (let i = 0; i < 4; i++) h.emit('access.denied');
    expect(h.alerts).toHaveLength(0);
  });
});

describe('time-of-day', () => {
  const rule: DetectionRule = {
    ...base,
    id: 'o',
    kind: 'time-of-day',
    match: { type: 'access.granted' },
    groupBy: ['actor.id'],
    allowedHours: { from: 7, to: 20 },
    allowedWeekdays: [1, 2, 3, 4, 5],
  };

  it('uses the tenant time zone, with the default zone for others', () => {
    const h = harness([rule], { timezones: { acme: 'America/New_York' }, timezone: 'Europe/Berlin' });
    // Monday 2026-01-05 12:00 UTC: 07:00 in New York, 13:00 in Berlin.
    h.clock.set(Date.UTC(2026, 0, 5, 12));
    h.emit('access.granted', { actor: { id: 'a' }, tenantId: 'acme' });
    h.emit('access.granted', { actor: { id: 'b' }, tenantId: 'other' });
    expect(h.alerts).toHaveLength(0);
    // 11:59 UTC: 06:59 in New York.
    h.clock.set(Date.UTC(2026, 0, 5, 11, 59));
    h.emit('access.granted', { actor: { id: 'a' }, tenantId: 'acme' });
    h.emit('access.granted', { actor: { id: 'b' }, tenantId: 'other' });
    expect(h.alerts.map((a) => a.groupKey)).toEqual(['actor.id=a']);
    // Saturday noon anywhere.
    h.clock.set(Date.UTC(2026, 0, 10, 12));
    h.emit('access.granted', { actor: { id: 'b' } });
    expect(h.alerts).toHaveLength(2);
  });

  it('wraps past midnight when from > to', () => {
    const h = harness([{ ...rule, allowedHours: { from: 22, to: 6 }, allowedWeekdays: undefined }]);
    h.clock.set(Date.UTC(2026, 0, 5, 23));
    h.emit('access.granted', { actor: { id: 'a' } });
    h.clock.set(Date.UTC(2026, 0, 5, 12));
    h.emit('access.granted', { actor: { id: 'a' } });
    expect(h.alerts).toHaveLength(1);
  });
});

describe('every, samples and summaries', () => {
  it('fires on each event, with bounded samples of allow-listed fields only', () => {
    const h = harness([
      {
        ...base,
        id: 'e',
        kind: 'every',
        match: { type: 'x' },
        summary: 'hit by {{actor.id}} on {{missing}} ({{$count}})',
      },
    ]);
    h.emit('x', {
      actor: { id: 'a\nb' },
      message: 'secret text',
      password: 'hunter2',
      username: 'u'.repeat(10_000),
    });
    const [alert] = h.alerts;
    expect(alert?.summary).toBe('hit by a b on ? (1)');
    const sample = alert?.samples[0] as AlertSample;
    expect(Object.keys(sample).sort()).toEqual(['actor.id', 'ts', 'type', 'username']);
    expect(String(sample.username).length).toBeLessThanOrEqual(128);
    expect(JSON.stringify(alert)).not.toContain('hunter2');
    expect(JSON.stringify(alert)).not.toContain('secret text');
    expect(Object.isFrozen(alert)).toBe(true);
  });

  it('passes samples and summary values through redactSample; a throwing redactor hides the sample', () => {
    const redactSample = (sample: AlertSample): AlertSample =>
      Object.fromEntries(Object.entries(sample).map(([k, v]) => [k, k === 'username' ? '***' : v]));
    const h = harness(
      [{ ...base, id: 'e', kind: 'every', match: { type: 'x' }, summary: 'user {{username}}' }],
      {
        redactSample,
      },
    );
    h.emit('x', { username: 'ana' });
    expect(h.alerts[0]?.summary).toBe('user ***');
    expect(h.alerts[0]?.samples[0]?.username).toBe('***');

    const failing = harness([{ ...base, id: 'e', kind: 'every', match: { type: 'x' } }], {
      redactSample: () => {
        throw new Error('boom');
      },
    });
    failing.emit('x', { username: 'ana' });
    expect(failing.alerts[0]?.samples).toEqual([{}]);
    expect(failing.errors).toHaveLength(1);
  });

  it('keeps at most 5 samples, newest last', () => {
    const h = harness([{ ...threshold, count: 8 }]);
    for (let i = 0; i < 8; i++) h.emit('auth.failure', { username: 'ana', requestId: `r${i}` });
    expect(h.alerts[0]?.samples.map((s) => s.requestId)).toEqual(['r3', 'r4', 'r5', 'r6', 'r7']);
  });

  it('ignores allow-listed networks and service accounts', () => {
    const h = harness([
      {
        ...base,
        id: 'e',
        kind: 'every',
        match: { type: 'x' },
        allow: { cidrs: ['10.0.0.0/8', '2001:db8::/32'], actors: ['svc-backup'] },
      },
    ]);
    h.emit('x', { ip: '10.1.2.3' });
    h.emit('x', { ip: '::ffff:10.9.9.9' });
    h.emit('x', { ip: '2001:db8::1' });
    h.emit('x', { actor: { id: 'svc-backup' }, ip: '192.0.2.1' });
    expect(h.alerts).toHaveLength(0);
    h.emit('x', { ip: '11.0.0.1' });
    h.emit('x', { ip: 'not-an-ip' });
    expect(h.alerts).toHaveLength(2);
  });
});
