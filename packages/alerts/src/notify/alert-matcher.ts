import type { Severity } from '@secbot/core';
import { z } from 'zod';
import type { Alert } from '../alert.js';

/** One value, or a list of accepted values. */
export type OneOrMany<T> = T | readonly T[];

/**
 * Which alerts something applies to (a route, a silence, an inhibition's source or target). Every
 * given condition must hold; an empty matcher matches every alert.
 */
export interface AlertMatcher {
  /** The alert's rule id is (one of) this. */
  readonly ruleId?: OneOrMany<string>;
  /** The alert's severity is (one of) this. */
  readonly severity?: OneOrMany<Severity>;
  /** The alert's `tenantId` label is (one of) this. */
  readonly tenantId?: OneOrMany<string>;
  /** Each named label has (one of) the given values. */
  readonly labels?: Readonly<Record<string, OneOrMany<string>>>;
  /**
   * Each named label fully matches the regular expression (anchored at both ends; a missing
   * label reads as the empty string). `ruleId` and `severity` may be named here too.
   */
  readonly labelsRe?: Readonly<Record<string, string>>;
}

const labelName = z.string().min(1).max(128);
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1).max(256)]);
const severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);

/** The zod schema of {@link AlertMatcher}; regular expressions must compile. */
export const alertMatcherSchema = z.strictObject({
  ruleId: oneOrMany(z.string().min(1).max(256)).optional(),
  severity: oneOrMany(severity).optional(),
  tenantId: oneOrMany(z.string().min(1).max(256)).optional(),
  labels: z.record(labelName, oneOrMany(z.string().max(1024))).optional(),
  labelsRe: z
    .record(
      labelName,
      z
        .string()
        .max(1024)
        .refine((source) => compiles(source), 'must be a valid regular expression'),
    )
    .optional(),
});

/** A compiled {@link AlertMatcher}. */
export type AlertPredicate = (alert: Alert) => boolean;

/**
 * The value of a label, reading `ruleId` and `severity` from the alert when its labels lack them.
 *
 * @returns The value, or `undefined` when the alert has no such label.
 */
export function labelValue(alert: Alert, name: string): string | undefined {
  const value = Object.hasOwn(alert.labels, name) ? alert.labels[name] : undefined;
  if (value !== undefined) return value;
  if (name === 'ruleId') return alert.ruleId;
  if (name === 'severity') return alert.severity;
  return undefined;
}

/**
 * Compile a matcher once into a predicate.
 *
 * @param matcher - A matcher that passed {@link alertMatcherSchema}.
 * @returns A function telling whether an alert matches.
 */
export function compileMatcher(matcher: AlertMatcher): AlertPredicate {
  const checks: AlertPredicate[] = [];
  const equal = (name: string, accepted: OneOrMany<string>): void => {
    const values = new Set(typeof accepted === 'string' ? [accepted] : accepted);
    checks.push((alert) => {
      const value = labelValue(alert, name);
      return value !== undefined && values.has(value);
    });
  };
  if (matcher.ruleId !== undefined) equal('ruleId', matcher.ruleId);
  if (matcher.severity !== undefined) equal('severity', matcher.severity);
  if (matcher.tenantId !== undefined) equal('tenantId', matcher.tenantId);
  for (const [name, accepted] of Object.entries(matcher.labels ?? {})) equal(name, accepted);
  for (const [name, source] of Object.entries(matcher.labelsRe ?? {})) {
    const pattern = new RegExp(`^(?:${source})$`, 'u');
    checks.push((alert) => pattern.test(labelValue(alert, name) ?? ''));
  }
  return (alert) => checks.every((check) => check(alert));
}

/** Whether a matcher sets any condition at all. */
export function isEmptyMatcher(matcher: AlertMatcher): boolean {
  return (
    matcher.ruleId === undefined &&
    matcher.severity === undefined &&
    matcher.tenantId === undefined &&
    Object.keys(matcher.labels ?? {}).length === 0 &&
    Object.keys(matcher.labelsRe ?? {}).length === 0
  );
}

function compiles(source: string): boolean {
  try {
    new RegExp(`^(?:${source})$`, 'u');
    return true;
  } catch {
    return false;
  }
}
