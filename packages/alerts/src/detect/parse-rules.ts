import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { DetectionRule } from './detection-rule.js';
import { detectionRuleSchema } from './rule-schema.js';

/** Most rules one detector takes. */
export const maxRules = 1000;

/** The zod schema of a rule list: valid rules with unique ids. */
export const detectionRulesSchema = z
  .array(detectionRuleSchema)
  .max(maxRules)
  .superRefine((rules, context) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      if (seen.has(rule.id))
        context.addIssue({ code: 'custom', path: [index, 'id'], message: 'duplicate rule id' });
      seen.add(rule.id);
    });
  });

/**
 * Validate detection rules loaded from configuration (JSON, YAML): each rule's kind, fields,
 * windows, counts, CIDR blocks and time zones, and that ids are unique.
 *
 * @param input - The rule list as loaded.
 * @returns The rules, typed.
 * @throws SecbotError `CONFIG_INVALID` naming each offending path, e.g. `rules[3].windowMs`.
 * @example
 * ```ts
 * import { parseRules } from '@secbot/alerts';
 *
 * const rules = parseRules([
 *   { id: 'auth.failures.tenant', kind: 'threshold', title: 'Many failed sign-ins', severity: 'medium',
 *     match: { type: 'auth.failure' }, groupBy: ['tenantId'], windowMs: 60_000, count: 100 },
 * ]);
 * ```
 */
export function parseRules(input: unknown): DetectionRule[] {
  return parseOptions(z.strictObject({ rules: detectionRulesSchema }), { rules: input }, 'parseRules').rules;
}
