import { createHash } from 'node:crypto';
import type { Store } from '@secbot/core';
import { alertFingerprint } from './alert-emitter.js';
import type { DistinctRule, FirstSeenRule, ThresholdRule } from './detection-rule.js';
import { compilePath } from './field-path.js';
import { boundValue, formatGroupKey } from './group-key.js';
import type { Firing, Observation, RuleRuntime } from './rule-runtime.js';

/** Rules whose counts live in the store when the detector has one. */
export type SharedRule = ThresholdRule | DistinctRule | FirstSeenRule;

/** Evaluates one observation against the store; resolves once done. */
export type SharedEvaluation = (observation: Observation) => Promise<void>;

const digest = (value: string): string => createHash('sha256').update(value).digest('base64url').slice(0, 22);

/**
 * Evaluation of a threshold, distinct or first-seen rule through a `Store`, so every detector
 * sharing the store sees one count:
 * - threshold: a sliding counter (`increment`, mode `sliding`);
 * - distinct: a set of values (`setAdd` and `setSize`; the set lives `windowMs` after its last
 *   add, so values count until the group has been quiet for a whole window);
 * - first-seen: one key per value and one per group (`set` with `ifNotExists` and `ttlMs`).
 *
 * A threshold or distinct rule fires at most once per window and group: the firing is claimed
 * with `set(ifNotExists)` for `windowMs`, so exactly one detector raises it. Times follow the
 * store's clock; samples hold the triggering event only; no `resolved` alerts are sent.
 *
 * @param store - The shared store.
 * @param rule - The rule.
 * @param runtime - Emitter and bounds.
 * @returns The evaluation.
 */
export function createSharedEvaluation(
  store: Store,
  rule: SharedRule,
  runtime: RuleRuntime,
): SharedEvaluation {
  const prefix = `secbot:alerts:${rule.id}:`;
  const firing = (observation: Observation, count: number, firstSeen: number): Firing => ({
    key: observation.key,
    groupValues: observation.groupValues,
    count,
    firstSeen,
    lastSeen: observation.at,
    events: [observation.event],
    event: observation.event,
  });
  const groupBy = rule.groupBy ?? [];
  const base = (observation: Observation): string =>
    prefix + alertFingerprint(rule.id, formatGroupKey(groupBy, observation.groupValues));

  if (rule.kind === 'threshold') {
    return async (observation) => {
      const key = base(observation);
      const { count, resetAt } = await store.increment(`${key}:n`, {
        windowMs: rule.windowMs,
        mode: 'sliding',
      });
      if (count < rule.count) return;
      if (!(await store.set(`${key}:fired`, '1', { ifNotExists: true, ttlMs: rule.windowMs }))) return;
      runtime.emitter.fire(firing(observation, count, Math.min(observation.at, resetAt - rule.windowMs)));
    };
  }
  const read = compilePath(rule.field);
  if (rule.kind === 'distinct') {
    return async (observation) => {
      const value = boundValue(read(observation.event));
      if (value === undefined) return;
      const key = base(observation);
      await store.setAdd(`${key}:d`, value, { ttlMs: rule.windowMs });
      const size = await store.setSize(`${key}:d`);
      if (size < rule.count) return;
      if (!(await store.set(`${key}:fired`, '1', { ifNotExists: true, ttlMs: rule.windowMs }))) return;
      runtime.emitter.fire(firing(observation, size, observation.at));
    };
  }
  return async (observation) => {
    const value = boundValue(read(observation.event));
    if (value === undefined) return;
    const key = base(observation);
    const ttl = { ttlMs: rule.historyMs };
    const valueKey = `${key}:v:${digest(value)}`;
    const isNewValue = await store.set(valueKey, '1', { ifNotExists: true, ...ttl });
    if (!isNewValue) await store.set(valueKey, '1', ttl);
    const isNewGroup = await store.set(`${key}:g`, '1', { ifNotExists: true, ...ttl });
    if (!isNewGroup) await store.set(`${key}:g`, '1', ttl);
    if (isNewValue && (!isNewGroup || rule.includeNewGroups === true)) {
      runtime.emitter.fire(firing(observation, 1, observation.at));
    }
  };
}
