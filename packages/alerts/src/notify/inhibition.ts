import { z } from 'zod';
import type { Alert } from '../alert.js';
import {
  type AlertMatcher,
  type AlertPredicate,
  alertMatcherSchema,
  compileMatcher,
  labelValue,
} from './alert-matcher.js';

/**
 * While a firing alert matching `source` exists, alerts matching `target` whose `equal` labels
 * have the same values are not notified (they are still kept and counted). Example: an
 * "account locked" alert mutes that user's "failed login" alerts:
 * `{ source: { ruleId: 'auth.lockout.user' }, target: { ruleId: 'auth.brute-force.user' }, equal: ['user'] }`.
 */
export interface InhibitRule {
  /** The alerts that mute others. */
  readonly source: AlertMatcher;
  /** The alerts that get muted. */
  readonly target: AlertMatcher;
  /**
   * Labels that must be present on both and equal (e.g. `user`, `tenantId`). Empty: any source
   * mutes every target.
   */
  readonly equal?: readonly string[];
}

/** The zod schema of {@link InhibitRule}. */
export const inhibitRuleSchema = z.strictObject({
  source: alertMatcherSchema,
  target: alertMatcherSchema,
  equal: z.array(z.string().min(1).max(128)).max(32).optional(),
});

interface CompiledRule {
  readonly source: AlertPredicate;
  readonly target: AlertPredicate;
  readonly equal: readonly string[];
}

/** Tells whether an alert is inhibited by the firing alerts it is given. */
export type InhibitionCheck = (firing: Iterable<Alert>) => (alert: Alert) => boolean;

/**
 * Compile inhibition rules once.
 *
 * @param rules - Validated rules.
 * @returns A function that, given the firing alerts, builds the check for one flush.
 */
export function compileInhibitRules(rules: readonly InhibitRule[]): InhibitionCheck {
  const compiled: CompiledRule[] = rules.map((rule) => ({
    source: compileMatcher(rule.source),
    target: compileMatcher(rule.target),
    equal: rule.equal ?? [],
  }));
  return (firing) => {
    if (compiled.length === 0) return () => false;
    // For each rule: the equal-label tuples of its firing sources, with the sources' fingerprints.
    const sources = compiled.map(() => new Map<string, Set<string>>());
    for (const alert of firing) {
      compiled.forEach((rule, index) => {
        if (!rule.source(alert)) return;
        const key = equalKey(alert, rule.equal);
        if (key === undefined) return;
        const map = sources[index] as Map<string, Set<string>>;
        const fingerprints = map.get(key) ?? new Set<string>();
        fingerprints.add(alert.fingerprint);
        map.set(key, fingerprints);
      });
    }
    return (alert) =>
      compiled.some((rule, index) => {
        if (!rule.target(alert)) return false;
        const key = equalKey(alert, rule.equal);
        const fingerprints = key === undefined ? undefined : sources[index]?.get(key);
        if (fingerprints === undefined) return false;
        // An alert never inhibits itself.
        return fingerprints.size > 1 || !fingerprints.has(alert.fingerprint);
      });
  };
}

function equalKey(alert: Alert, names: readonly string[]): string | undefined {
  const values: string[] = [];
  for (const name of names) {
    const value = labelValue(alert, name);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return JSON.stringify(values);
}
