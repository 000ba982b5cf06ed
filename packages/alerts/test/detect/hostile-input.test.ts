import { isSecbotError } from '@secbot/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DetectionEvent } from '../../src/alert.js';
import { builtinRules } from '../../src/detect/builtin-rules.js';
import { createDetector } from '../../src/detect/create-detector.js';
import type { DetectionRule } from '../../src/detect/detection-rule.js';
import { compilePath } from '../../src/detect/field-path.js';
import { escapeGroupValue, formatGroupKey } from '../../src/detect/group-key.js';
import { parseRules } from '../../src/detect/parse-rules.js';
import { harness, minute } from './helpers.js';

const perUser: DetectionRule = {
  id: 'u',
  kind: 'threshold',
  title: 'T',
  severity: 'low',
  match: { type: 'auth.failure' },
  groupBy: ['username'],
  windowMs: 5 * minute,
  count: 3,
};

describe('hostile events', () => {
  it('survives garbage and never throws', () => {
    const h = harness(builtinRules());
    const garbage: unknown[] = [
      null,
      undefined,
      42,
      'auth.failure',
      {},
      { type: 42 },
      { type: 'auth.failure', ts: Number.NaN, username: { toString: () => 'x' } },
      { type: 'auth.failure', ts: -1, ip: ['1.2.3.4'], username: 'x'.repeat(1_000_000) },
      { type: 'auth.failure', ts: Number.POSITIVE_INFINITY, ip: 12 },
      JSON.parse('{"type":"auth.failure","__proto__":{"username":"evil"},"ip":"1.2.3.4"}'),
      Object.create({ type: 'auth.failure', username: 'inherited' }),
      new Proxy(
        { type: 'auth.failure' },
        {
          get: () => {
            throw new Error('trap');
          },
        },
      ),
      {
        type: 'access.denied',
        get actor() {
          throw new Error('getter');
        },
      },
    ];
    for (const event of garbage) expect(() => h.detector.observe(event as DetectionEvent)).not.toThrow();
    expect(() => h.detector.tick()).not.toThrow();
    expect(h.errors.length).toBeGreaterThan(0); // the throwing getters were reported, not raised
  });

  it('fast-check: random events never throw and never raise an alert holding a non-flat sample', () => {
    const h = harness(builtinRules());
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant('__proto__'),
    );
    const event = fc.record({
      type: fc.constantFrom(
        ...builtinRules().flatMap((r) =>
          'match' in r ? [r.match].flat().flatMap((m) => [m.type].flat()) : ['auth.failure'],
        ),
      ),
      ts: fc.oneof(fc.integer(), fc.double()),
      ip: value,
      username: value,
      actor: fc.oneof(fc.record({ id: value }), value),
      code: fc.oneof(value, fc.constant('AUTH_TOKEN_REVOKED')),
      approvedBy: fc.oneof(fc.array(value), value),
      findings: fc.oneof(fc.array(fc.record({ type: value })), value),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 50 }), (events) => {
        for (const e of events) h.detector.observe(e as unknown as DetectionEvent);
        h.detector.tick();
      }),
      { numRuns: 200 },
    );
    for (const alert of h.alerts) {
      for (const sample of alert.samples) {
        for (const v of Object.values(sample)) expect(['string', 'number', 'boolean']).toContain(typeof v);
      }
    }
    expect(h.errors).toEqual([]);
  });

  it('reads own properties only: __proto__ and inherited fields are never followed', () => {
    const read = compilePath('actor.id');
    expect(read(JSON.parse('{"actor":{"__proto__":{"id":"evil"}}}'))).toBeUndefined();
    expect(read(Object.create({ actor: { id: 'evil' } }))).toBeUndefined();
    expect(() => parseRules([{ ...perUser, groupBy: ['__proto__.polluted'] }])).toThrow();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps group keys unambiguous: separators, controls and bidi marks are escaped', () => {
    expect(formatGroupKey(['a', 'b'], ['x,b=y', undefined])).toBe('a=x\\,b\\=y,b=');
    expect(formatGroupKey(['a', 'b'], ['x', 'b=y'])).not.toBe(formatGroupKey(['a', 'b'], ['x,b=y', '']));
    expect(escapeGroupValue('a\\b')).toBe('a\\\\b');
    expect(escapeGroupValue('ad\u202emin\u0000')).toBe('ad\\u202emin\\u0000');
    const h = harness([{ ...perUser, count: 1 }]);
    h.emit('auth.failure', { username: 'x'.repeat(10_000) });
    expect(h.alerts[0]?.groupKey.length).toBeLessThanOrEqual('username='.length + 256);
  });

  it('a flood of unique keys stays bounded and the keys being counted are kept', () => {
    const h = harness([perUser], { maxKeys: 1000 });
    h.emit('auth.failure', { username: 'victim' });
    h.emit('auth.failure', { username: 'victim' });
    for (let i = 0; i < 20_000; i++) {
      h.emit('auth.failure', { username: `flood-${i}` });
      if (i % 400 === 0) h.detector.observe({ type: 'auth.success', ts: h.clock.now() }); // no-op
      if (i === 10_000) h.emit('auth.failure', { username: 'victim' });
    }
    expect(h.detector.rules()[0]?.groups).toBeLessThanOrEqual(1000);
    expect(h.alerts).toHaveLength(0);
  });

  it('an actively counted group survives a flood (LRU)', () => {
    const h = harness([perUser], { maxKeys: 1000 });
    for (let i = 0; i < 5000; i++) {
      h.emit('auth.failure', { username: `flood-${i}` });
      if (i === 100 || i === 400) h.emit('auth.failure', { username: 'victim' });
    }
    h.emit('auth.failure', { username: 'victim' });
    expect(h.alerts).toHaveLength(0); // victim was idle for > maxKeys / 2 insertions and got evicted
    const again = harness([perUser], { maxKeys: 1000 });
    for (let i = 0; i < 5000; i++) {
      again.emit('auth.failure', { username: `flood-${i}` });
      if (i % 300 === 0 && i < 700) again.emit('auth.failure', { username: 'victim' });
    }
    expect(again.of('u')).toHaveLength(1);
  });

  it('a clock that jumps back over-counts rather than under-counts, and future times are clamped', () => {
    const h = harness([perUser]);
    h.emit('auth.failure', { username: 'ana' });
    h.clock.advance(-60 * minute);
    h.emit('auth.failure', { username: 'ana' });
    h.emit('auth.failure', { username: 'ana' });
    expect(h.alerts).toHaveLength(1);
    // An event claiming to be a year ahead is counted at most 5 minutes ahead of the clock.
    const later = harness([perUser]);
    later.detector.observe({
      type: 'auth.failure',
      ts: later.clock.now() + 365 * 24 * 60 * minute,
      username: 'bob',
    });
    later.emit('auth.failure', { username: 'bob' });
    later.emit('auth.failure', { username: 'bob' });
    expect(later.alerts[0]?.lastSeen).toBe(later.clock.now() + 5 * minute);
  });

  it('reports a throwing onAlert and keeps detecting', () => {
    const errors: unknown[] = [];
    const detector = createDetector({
      rules: [{ ...perUser, count: 1 }],
      onAlert: () => {
        throw new Error('receiver down');
      },
      onError: (e) => errors.push(e),
    });
    detector.observe({ type: 'auth.failure', ts: Date.now(), username: 'a' });
    detector.observe({ type: 'auth.failure', ts: Date.now(), username: 'b' });
    expect(errors).toHaveLength(2);
    detector.close();
    detector.observe({ type: 'auth.failure', ts: Date.now(), username: 'c' });
    expect(errors).toHaveLength(2);
  });
});

describe('options', () => {
  it('fails at start-up with CONFIG_INVALID naming the path', () => {
    const cases: [unknown, string][] = [
      [{ rules: [{ ...perUser, windowMs: 0 }], onAlert: () => {} }, 'rules[0].windowMs'],
      [{ rules: [perUser, perUser], onAlert: () => {} }, 'rules[1].id'],
      [{ rules: [], onAlert: 'nope' }, 'onAlert'],
      [{ rules: [], onAlert: () => {}, timezone: 'Mars/Olympus' }, 'timezone'],
      [{ rules: [], onAlert: () => {}, store: {} }, 'store'],
      [{ rules: [], onAlert: () => {}, maxKeys: 0 }, 'maxKeys'],
      [{ rules: [], onAlert: () => {}, extra: 1 }, ''],
    ];
    for (const [options, path] of cases) {
      let error: unknown;
      try {
        createDetector(options as never);
      } catch (e) {
        error = e;
      }
      expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
      if (path !== '')
        expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(path);
    }
  });

  it('parseRules names the offending rule path and validates kinds, CIDRs and zones', () => {
    const bad = [
      { ...perUser, kind: 'nope' },
      { ...perUser, allow: { cidrs: ['10.0.0.0/33'] } },
      {
        id: 'o',
        kind: 'time-of-day',
        title: 't',
        severity: 'low',
        match: { type: 'x' },
        allowedHours: { from: 5, to: 5 },
      },
      {
        id: 's',
        kind: 'sequence',
        title: 't',
        severity: 'low',
        groupBy: ['a'],
        steps: [{ match: { type: 'x' }, groupBy: [] }, { match: { type: 'y' } }],
        maxSpanMs: 1,
      },
      { ...perUser, match: { type: 'x', where: { ip: { equals: 1, prefix: 'a' } } } },
      { ...perUser, mitre: ['T11'] },
    ];
    bad.forEach((rule) => {
      let error: unknown;
      try {
        parseRules([perUser, rule]);
      } catch (e) {
        error = e;
      }
      expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
      expect((error as Error).message).toContain('rules[1]');
    });
    expect(() => parseRules('not a list')).toThrow();
  });
});
