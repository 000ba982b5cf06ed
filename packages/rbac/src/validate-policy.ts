import { type ConfigIssue, formatPath, SecbotError } from '@secbot/core';
import { z } from 'zod';
import { canonicalJson } from './internal/canonical-json.js';
import { parsePermission } from './permission.js';
import type { Grant, PolicyDocument } from './policy-document.js';

/** Bounds on a policy document, so a hostile or runaway document cannot exhaust the process. */
export const policyLimits = {
  /** Most roles. */
  maxRoles: 100_000,
  /** Most allow plus deny grants in one role. */
  maxGrantsPerRole: 10_000,
  /** Most grants in the whole document. */
  maxGrants: 1_000_000,
  /** Most parents of one role. */
  maxInherits: 64,
} as const;

const roleNamePattern = /^[A-Za-z0-9_.-]{1,64}$/;

const grantSchema = z.union([
  z.string(),
  z
    .object({
      permission: z.string(),
      when: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'not a condition name'),
    })
    .strict(),
]);

const roleSchema = z
  .object({
    description: z.string().max(1000).optional(),
    scope: z.enum(['tenant', 'platform']).optional(),
    inherits: z.array(z.string()).max(policyLimits.maxInherits).optional(),
    // grants are checked one by one below, so every bad grant of a role is reported, not just the first
    allow: z.array(z.unknown()).max(policyLimits.maxGrantsPerRole).optional(),
    deny: z.array(z.unknown()).max(policyLimits.maxGrantsPerRole).optional(),
  })
  .strict();

/** A grant after validation. */
export interface NormalizedRule {
  /** The permission pattern. */
  readonly pattern: string;
  /** Its segments. */
  readonly segments: readonly string[];
  /** Condition name, if any. */
  readonly when?: string;
  /** The grant as written, for explanations: `pattern` or `pattern when condition`. */
  readonly text: string;
}

/** A role after validation. */
export interface NormalizedRole {
  readonly name: string;
  readonly scope: 'tenant' | 'platform';
  readonly inherits: readonly string[];
  readonly allow: readonly NormalizedRule[];
  readonly deny: readonly NormalizedRule[];
  /** Canonical JSON of the role's own definition. */
  readonly source: string;
}

function normalizeGrant(grant: Grant): NormalizedRule | undefined {
  const pattern = typeof grant === 'string' ? grant : grant.permission;
  const segments = parsePermission(pattern, true);
  if (segments === undefined) return undefined;
  if (typeof grant === 'string') return { pattern, segments, text: pattern };
  return { pattern, segments, when: grant.when, text: `${pattern} when ${grant.when}` };
}

/**
 * Check a policy document completely and return its roles in normalized form.
 *
 * @param input - The document (already parsed from JSON or YAML).
 * @param conditions - Names of the registered conditions.
 * @returns Roles by name, in document order.
 * @throws SecbotError `CONFIG_INVALID` listing every problem with its path: malformed grants,
 *   unknown parents or conditions, inheritance cycles, limits exceeded.
 */
export function validatePolicy(input: unknown, conditions: ReadonlySet<string>): Map<string, NormalizedRole> {
  const issues: ConfigIssue[] = [];
  const fail = (path: readonly PropertyKey[], message: string) =>
    issues.push({ path: formatPath(path), message });
  const roles = new Map<string, NormalizedRole>();

  const doc = input as Partial<PolicyDocument> | null;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    fail([], 'policy must be an object');
  } else if (doc.version !== 1) {
    fail(['version'], 'must be 1');
  }
  const rawRoles = doc !== null && typeof doc === 'object' ? (doc as { roles?: unknown }).roles : undefined;
  if (rawRoles === null || typeof rawRoles !== 'object' || Array.isArray(rawRoles)) {
    fail(['roles'], 'must be an object of role definitions');
  } else {
    // Object.keys and own-property reads only: a role named "__proto__" is just a name.
    const names = Object.keys(rawRoles);
    if (names.length > policyLimits.maxRoles) fail(['roles'], `more than ${policyLimits.maxRoles} roles`);
    let totalGrants = 0;
    for (const name of names.slice(0, policyLimits.maxRoles)) {
      const definition: unknown = Object.getOwnPropertyDescriptor(rawRoles, name)?.value;
      if (!roleNamePattern.test(name))
        fail(['roles', name], 'role names are 1-64 characters of A-Z a-z 0-9 _ . -');
      const parsed = roleSchema.safeParse(definition);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) fail(['roles', name, ...issue.path], issue.message);
        continue;
      }
      const role = parsed.data;
      const rules = { allow: [] as NormalizedRule[], deny: [] as NormalizedRule[] };
      for (const effect of ['allow', 'deny'] as const) {
        (role[effect] ?? []).forEach((raw, index) => {
          const grant = grantSchema.safeParse(raw);
          const rule = grant.success ? normalizeGrant(grant.data) : undefined;
          if (!grant.success && typeof raw === 'object' && raw !== null) {
            for (const issue of grant.error.issues)
              fail(['roles', name, effect, index, ...issue.path], issue.message);
          } else if (rule === undefined) {
            fail(
              ['roles', name, effect, index],
              'not a permission pattern (segments of A-Z a-z 0-9 _ . - or *, joined by :)',
            );
          } else if (rule.when !== undefined && !conditions.has(rule.when)) {
            fail(['roles', name, effect, index, 'when'], `unknown condition "${rule.when}"`);
          } else {
            rules[effect].push(rule);
          }
        });
      }
      totalGrants += rules.allow.length + rules.deny.length;
      if (rules.allow.length + rules.deny.length > policyLimits.maxGrantsPerRole) {
        fail(['roles', name], `more than ${policyLimits.maxGrantsPerRole} grants`);
      }
      roles.set(name, {
        name,
        scope: role.scope ?? 'tenant',
        inherits: [...new Set(role.inherits ?? [])],
        allow: rules.allow,
        deny: rules.deny,
        source: canonicalJson(definition),
      });
    }
    if (totalGrants > policyLimits.maxGrants)
      fail(['roles'], `more than ${policyLimits.maxGrants} grants in all`);
    for (const role of roles.values()) {
      role.inherits.forEach((parent, index) => {
        if (!roles.has(parent)) fail(['roles', role.name, 'inherits', index], `unknown role "${parent}"`);
      });
    }
    for (const cycle of findCycles(roles))
      fail(['roles', cycle[0] ?? '', 'inherits'], `inheritance cycle: ${cycle.join(' -> ')}`);
  }

  if (issues.length > 0) {
    const summary = issues.slice(0, 20).map((issue) => `${issue.path || '(policy)'}: ${issue.message}`);
    const more = issues.length > 20 ? `; and ${issues.length - 20} more` : '';
    throw new SecbotError('CONFIG_INVALID', `rbac policy: ${summary.join('; ')}${more}`, { issues });
  }
  return roles;
}

/** Each inheritance cycle, once, as the list of roles around it (first role repeated at the end). */
function findCycles(roles: ReadonlyMap<string, NormalizedRole>): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[][] = [];
  // Iterative depth-first search: a 100,000-deep chain must not overflow the call stack.
  for (const start of roles.keys()) {
    if (state.has(start)) continue;
    const stack: Array<{ name: string; next: number }> = [{ name: start, next: 0 }];
    state.set(start, 'visiting');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as { name: string; next: number };
      const parents = roles.get(frame.name)?.inherits ?? [];
      if (frame.next >= parents.length) {
        state.set(frame.name, 'done');
        stack.pop();
        continue;
      }
      const parent = parents[frame.next++] as string;
      if (!roles.has(parent)) continue;
      const seen = state.get(parent);
      if (seen === 'visiting') {
        const from = stack.findIndex((f) => f.name === parent);
        cycles.push([...stack.slice(from).map((f) => f.name), parent]);
      } else if (seen === undefined) {
        state.set(parent, 'visiting');
        stack.push({ name: parent, next: 0 });
      }
    }
  }
  return cycles;
}
