import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import { accessRules } from './builtin-access-rules.js';
import { authRules } from './builtin-auth-rules.js';
import { integrityRules } from './builtin-integrity-rules.js';
import type { DetectionRule, HourRange, RuleAllowList } from './detection-rule.js';
import { allowListSchema, detectionRuleSchema } from './rule-schema.js';

/** What may be changed in a built-in rule; a field the rule's kind does not have is refused. */
export interface BuiltinRuleOverride {
  /** Severity of its alerts. */
  readonly severity?: DetectionRule['severity'];
  /** Cooldown, ms. */
  readonly cooldownMs?: number;
  /** Events (threshold) or distinct values (distinct) needed. */
  readonly count?: number;
  /** Window, ms (threshold, distinct, spike). */
  readonly windowMs?: number;
  /** Longest span, ms (sequence). */
  readonly maxSpanMs?: number;
  /** Factor over the baseline (spike). */
  readonly factor?: number;
  /** Fewest events (spike). */
  readonly minimum?: number;
  /** Windows in the baseline (spike). */
  readonly baselineWindows?: number;
  /** Allowed hours (time-of-day). */
  readonly allowedHours?: HourRange;
  /** Allowed weekdays, 0 = Sunday (time-of-day). */
  readonly allowedWeekdays?: readonly number[];
  /** Time zone (time-of-day). */
  readonly timezone?: string;
  /** Summary template. */
  readonly summary?: string;
  /** Extra labels. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Options of {@link builtinRules}. */
export interface BuiltinRulesOptions {
  /** Ids of built-in rules to leave out. */
  readonly disable?: readonly string[];
  /** Changes per rule id, e.g. `{ 'auth.brute-force.user': { count: 10 } }`. */
  readonly overrides?: Readonly<Record<string, BuiltinRuleOverride>>;
  /** Allow-list added to every built-in rule (service accounts, monitoring addresses). */
  readonly allow?: RuleAllowList;
  /** Roles whose grants are admin actions. Default `['admin']`. */
  readonly adminRoles?: readonly string[];
  /** Permissions that export data. Default `['transcripts:export']`. */
  readonly exportPermissions?: readonly string[];
}

const defaultRules = (settings: { adminRoles: readonly string[]; exportPermissions: readonly string[] }) => [
  ...authRules,
  ...accessRules(settings),
  ...integrityRules,
];

/** Ids of the built-in rules, in the order {@link builtinRules} returns them. */
export const builtinRuleIds: readonly string[] = defaultRules({ adminRoles: [], exportPermissions: [] }).map(
  (rule) => rule.id,
);

const common = new Set(['severity', 'cooldownMs', 'summary', 'labels']);
const known = new Set(builtinRuleIds);
const kindOf = new Map(defaultRules({ adminRoles: [], exportPermissions: [] }).map((r) => [r.id, r]));

const optionsSchema = z
  .strictObject({
    disable: z.array(z.string()).max(100).optional(),
    overrides: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    allow: allowListSchema.optional(),
    adminRoles: z.array(z.string().min(1).max(128)).min(1).max(100).default(['admin']),
    exportPermissions: z.array(z.string().min(1).max(256)).min(1).max(100).default(['transcripts:export']),
  })
  .superRefine((options, context) => {
    options.disable?.forEach((id, index) => {
      if (!known.has(id))
        context.addIssue({ code: 'custom', path: ['disable', index], message: 'unknown rule id' });
    });
    for (const [id, override] of Object.entries(options.overrides ?? {})) {
      const rule = kindOf.get(id);
      if (rule === undefined) {
        context.addIssue({ code: 'custom', path: ['overrides', id], message: 'unknown rule id' });
        continue;
      }
      for (const field of Object.keys(override)) {
        if (!common.has(field) && !Object.hasOwn(rule, field)) {
          context.addIssue({
            code: 'custom',
            path: ['overrides', id, field],
            message: `does not apply to a ${rule.kind} rule`,
          });
        }
      }
    }
  });

/**
 * The built-in detection rules (18), with defaults from fail2ban, Wazuh and Sigma practice: brute
 * force per user and per address, password spraying, failures then success, token replay and
 * revoked-token use, bursts and spikes of access denials, self-granted roles, admin actions and
 * mass exports right after a role change, mass export, off-hours admin access, unapproved policy
 * changes, a broken audit chain, decryption failures, repeated prompt injection, and a
 * repeat-offender rule that escalates a rule firing again and again for the same group. Each
 * rule's TSDoc (`authRules`, `accessRules`, `integrityRules` in the source) gives its defaults.
 *
 * @param options - Rules to disable, per-rule overrides, a shared allow-list, admin roles.
 * @returns Validated rules for `createDetector`.
 * @throws SecbotError `CONFIG_INVALID` for an unknown rule id, a field that does not apply to a
 *   rule's kind, or a value out of range.
 * @example
 * ```ts
 * import { builtinRules } from '@secbot/alerts';
 *
 * const rules = builtinRules({
 *   disable: ['admin.off-hours'],
 *   overrides: { 'auth.brute-force.user': { count: 10 } },
 *   allow: { cidrs: ['10.0.0.0/8'], actors: ['svc-backup'] },
 * });
 * ```
 */
export function builtinRules(options: BuiltinRulesOptions = {}): DetectionRule[] {
  const parsed = parseOptions(optionsSchema, options, 'builtinRules');
  const disabled = new Set(parsed.disable);
  const overridden = z.strictObject({ overrides: z.record(z.string(), detectionRuleSchema) });
  return defaultRules(parsed)
    .filter((rule) => !disabled.has(rule.id))
    .map((rule) => {
      const override = parsed.overrides?.[rule.id];
      const merged = { ...rule, ...override, ...(parsed.allow === undefined ? {} : { allow: parsed.allow }) };
      if (override === undefined) return merged as DetectionRule;
      // Checked here so a bad value is reported at `overrides.<rule id>.<field>`.
      return parseOptions(overridden, { overrides: { [rule.id]: merged } }, 'builtinRules').overrides[
        rule.id
      ] as DetectionRule;
    });
}
