import type { GrantChange, PolicyDiff } from '@secbot/core';
import type { Grant, PolicyDocument, RoleDefinition } from './policy-document.js';

const grantText = (grant: Grant): string =>
  typeof grant === 'string' ? grant : `${grant.permission} when ${grant.when}`;

function roleMap(policy: PolicyDocument): Map<string, RoleDefinition> {
  const map = new Map<string, RoleDefinition>();
  for (const name of Object.keys(policy.roles)) {
    map.set(name, Object.getOwnPropertyDescriptor(policy.roles, name)?.value as RoleDefinition);
  }
  return map;
}

function grants(name: string, role: RoleDefinition | undefined): Map<string, GrantChange> {
  const out = new Map<string, GrantChange>();
  for (const effect of ['allow', 'deny'] as const) {
    for (const grant of role?.[effect] ?? []) {
      const change: GrantChange = { role: name, effect, grant: grantText(grant) };
      out.set(`${effect} ${change.grant}`, change);
    }
  }
  return out;
}

/**
 * What changes between two policies: roles, grants, inheritance links and scopes added or removed.
 * Reviewers see this in each `policy.change.*` event and in the change history.
 *
 * @param from - The current policy.
 * @param to - The proposed policy.
 * @returns The difference, each list sorted by role.
 * @example
 * ```ts
 * import { diffPolicies } from '@secbot/rbac';
 *
 * const diff = diffPolicies(
 *   { version: 1, roles: { agent: { allow: ['transcripts:read'] } } },
 *   { version: 1, roles: { agent: { allow: ['transcripts:read', 'transcripts:export'] } } },
 * );
 * // diff.grantsAdded = [{ role: 'agent', effect: 'allow', grant: 'transcripts:export' }]
 * ```
 */
export function diffPolicies(from: PolicyDocument, to: PolicyDocument): PolicyDiff {
  const before = roleMap(from);
  const after = roleMap(to);
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const diff = {
    rolesAdded: [] as string[],
    rolesRemoved: [] as string[],
    grantsAdded: [] as GrantChange[],
    grantsRemoved: [] as GrantChange[],
    inheritsAdded: [] as { role: string; parent: string }[],
    inheritsRemoved: [] as { role: string; parent: string }[],
    scopesChanged: [] as { role: string; from: string; to: string }[],
  };
  for (const name of names) {
    const a = before.get(name);
    const b = after.get(name);
    if (a === undefined) diff.rolesAdded.push(name);
    if (b === undefined) diff.rolesRemoved.push(name);
    const oldGrants = grants(name, a);
    const newGrants = grants(name, b);
    for (const [key, change] of newGrants) if (!oldGrants.has(key)) diff.grantsAdded.push(change);
    for (const [key, change] of oldGrants) if (!newGrants.has(key)) diff.grantsRemoved.push(change);
    const oldParents = new Set(a?.inherits ?? []);
    const newParents = new Set(b?.inherits ?? []);
    for (const parent of newParents)
      if (!oldParents.has(parent)) diff.inheritsAdded.push({ role: name, parent });
    for (const parent of oldParents)
      if (!newParents.has(parent)) diff.inheritsRemoved.push({ role: name, parent });
    if (a !== undefined && b !== undefined && (a.scope ?? 'tenant') !== (b.scope ?? 'tenant')) {
      diff.scopesChanged.push({ role: name, from: a.scope ?? 'tenant', to: b.scope ?? 'tenant' });
    }
  }
  return diff;
}

/**
 * Whether a diff changes nothing.
 *
 * @param diff - A diff from {@link diffPolicies}.
 * @returns `true` when every list is empty.
 */
export function isEmptyDiff(diff: PolicyDiff): boolean {
  return Object.values(diff).every((list: readonly unknown[]) => list.length === 0);
}
