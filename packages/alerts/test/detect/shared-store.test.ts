import { createMemoryStore, isSecbotError, SecbotError, type Store } from '@secbot/core';
import { createManualClock } from '@secbot/test-utils';
import { describe, expect, it } from 'vitest';
import type { Alert, DetectionEvent } from '../../src/alert.js';
import { createDetector } from '../../src/detect/create-detector.js';
import type { DetectionRule } from '../../src/detect/detection-rule.js';
import { minute } from './helpers.js';

const rules: DetectionRule[] = [
  {
    id: 't',
    kind: 'threshold',
    title: 'T',
    severity: 'high',
    match: { type: 'auth.failure' },
    groupBy: ['username'],
    windowMs: 5 * minute,
    count: 4,
  },
  {
    id: 'd',
    kind: 'distinct',
    title: 'D',
    severity: 'high',
    match: { type: 'auth.failure' },
    groupBy: ['ip'],
    field: 'username',
    windowMs: 5 * minute,
    count: 3,
  },
  {
    id: 'f',
    kind: 'first-seen',
    title: 'F',
    severity: 'low',
    match: { type: 'auth.success' },
    groupBy: ['actor.id'],
    field: 'device',
    historyMs: 60 * minute,
  },
  {
    id: 'e',
    kind: 'every',
    title: 'E',
    severity: 'low',
    match: { type: 'audit.chain_broken' },
    cooldownMs: 10 * minute,
  },
];

function pair(store: Store) {
  const clock = createManualClock();
  const alerts: Alert[] = [];
  const errors: unknown[] = [];
  const make = () =>
    createDetector({
      rules,
      store,
      now: clock.now,
      onAlert: (a) => alerts.push(a),
      onError: (e) => errors.push(e),
    });
  const [a, b] = [make(), make()];
  const emit = (detector: typeof a, type: string, fields: Record<string, unknown>) =>
    detector.observe({ type, ts: clock.now(), ...fields } as DetectionEvent);
  return { a, b, alerts, errors, clock, emit };
}

describe('detectors sharing a Store', () => {
  it('see one count and raise each alert once', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ now: clock.now });
    const { a, b, alerts, errors, emit } = pair(store);
    for (let i = 0; i < 6; i++)
      emit(i % 2 === 0 ? a : b, 'auth.failure', { username: 'ana', ip: '192.0.2.1' });
    emit(a, 'auth.failure', { username: 'bob', ip: '192.0.2.1' });
    emit(b, 'auth.failure', { username: 'cy', ip: '192.0.2.1' });
    emit(a, 'auth.failure', { username: 'dan', ip: '192.0.2.1' });
    emit(a, 'auth.success', { actor: { id: 'ana' }, device: 'laptop' });
    emit(b, 'auth.success', { actor: { id: 'ana' }, device: 'laptop' });
    emit(b, 'auth.success', { actor: { id: 'ana' }, device: 'phone' });
    for (let i = 0; i < 3; i++) emit(i % 2 === 0 ? a : b, 'audit.chain_broken', { seq: i });
    await Promise.all([a.flush(), b.flush()]);
    expect(errors).toEqual([]);
    const byRule = (id: string) => alerts.filter((x) => x.ruleId === id);
    expect(byRule('t')).toHaveLength(1);
    expect(byRule('t')[0]).toMatchObject({ groupKey: 'username=ana', count: 4 });
    expect(byRule('d')).toHaveLength(1);
    expect(byRule('f').map((x) => x.samples[0]?.type)).toEqual(['auth.success']);
    expect(byRule('e')).toHaveLength(1);
  });

  it('reports store failures to onError and never throws', async () => {
    const broken = new Proxy(createMemoryStore(), {
      get(target, name) {
        const value = Reflect.get(target, name);
        if (typeof value !== 'function') return value;
        return () => Promise.reject(new SecbotError('STORE_UNAVAILABLE', 'down'));
      },
    });
    const { a, errors, emit } = pair(broken);
    expect(() => emit(a, 'auth.failure', { username: 'ana', ip: '192.0.2.1' })).not.toThrow();
    await a.flush();
    expect(errors.length).toBe(2);
    expect(errors.every((e) => isSecbotError(e, 'STORE_UNAVAILABLE'))).toBe(true);
  });

  it('bounds work in flight against a hanging store', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const memory = createMemoryStore();
    const hanging = new Proxy(memory, {
      get(target, name) {
        const value = Reflect.get(target, name);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          await gate;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const errors: unknown[] = [];
    const detector = createDetector({
      rules,
      store: hanging,
      maxPending: 10,
      onAlert: () => {},
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 100; i++)
      detector.observe({ type: 'auth.failure', ts: Date.now(), username: `u${i}` });
    expect(errors).toHaveLength(1);
    expect(isSecbotError(errors[0], 'STORE_UNAVAILABLE')).toBe(true);
    release();
    await detector.flush();
  });
});
