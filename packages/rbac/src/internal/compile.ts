import { createHash } from 'node:crypto';
import type { Decision } from '@secbot/core';
import type { NormalizedRole, NormalizedRule } from '../validate-policy.js';
import { shapeOf } from './shapes.js';

/** One grant or deny as compiled: where it was written, and the decisions it yields, made once. */
export interface Rule {
  readonly role: string;
  readonly text: string;
  readonly when: string | undefined;
  readonly effect: 'allow' | 'deny';
  /** The frozen decision this rule produces when it decides. */
  readonly decision: Decision;
  /** For a conditional allow: the decision when its condition fails. */
  readonly failed: Decision;
}

/** All rules of one effective role set that share one pattern. Shared between roles when unchanged. */
export interface Bucket {
  readonly allow: readonly Rule[];
  readonly deny: readonly Rule[];
}

/** A role with its inherited rules folded in. */
export interface CompiledRole {
  readonly name: string;
  readonly scope: 'tenant' | 'platform';
  /** Hash of the role's definition and its ancestors' hashes: equal hash, equal effective rules. */
  readonly hash: string;
  /** Effective rules by pattern. */
  readonly effective: ReadonlyMap<string, Bucket>;
}

function makeRule(role: string, rule: NormalizedRule, effect: 'allow' | 'deny'): Rule {
  const decision: Decision = Object.freeze(
    effect === 'allow'
      ? { allowed: true, reason: 'granted', role, rule: rule.text }
      : { allowed: false, reason: 'denied-by-rule', role, rule: rule.text },
  );
  const failed: Decision = Object.freeze({
    allowed: false,
    reason: 'condition-failed',
    role,
    rule: rule.text,
  });
  return { role, text: rule.text, when: rule.when, effect, decision, failed };
}

/** Add `rules` to the bucket for their pattern in `into`, creating a new bucket (never mutating a shared one). */
function addRules(
  into: Map<string, Bucket>,
  pattern: string,
  allow: readonly Rule[],
  deny: readonly Rule[],
): void {
  const existing = into.get(pattern);
  if (existing === undefined) {
    into.set(pattern, { allow, deny });
    return;
  }
  const newAllow = allow.filter((rule) => !existing.allow.includes(rule));
  const newDeny = deny.filter((rule) => !existing.deny.includes(rule));
  if (newAllow.length === 0 && newDeny.length === 0) return;
  into.set(pattern, {
    allow: newAllow.length === 0 ? existing.allow : [...existing.allow, ...newAllow],
    deny: newDeny.length === 0 ? existing.deny : [...existing.deny, ...newDeny],
  });
}

/** Merge several effective maps into one, starting from the largest to copy the least. */
export function mergeEffective(maps: readonly ReadonlyMap<string, Bucket>[]): ReadonlyMap<string, Bucket> {
  if (maps.length === 1) return maps[0] as ReadonlyMap<string, Bucket>;
  const sorted = [...maps].sort((a, b) => b.size - a.size);
  const merged = new Map(sorted[0]);
  for (const map of sorted.slice(1)) {
    for (const [pattern, bucket] of map) addRules(merged, pattern, bucket.allow, bucket.deny);
  }
  return merged;
}

/** The result of compiling a policy's roles. */
export interface CompiledRoles {
  readonly roles: ReadonlyMap<string, CompiledRole>;
  /** Shape keys of every pattern in the policy (see shapes.ts). */
  readonly shapes: readonly number[];
  /** How many roles were compiled anew (the rest were reused from `previous`). */
  readonly recompiled: number;
}

/**
 * Compile validated roles (acyclic, parents known). Roles whose definition and ancestors are
 * unchanged since `previous` are reused as they are, so an update recompiles only what depends on it.
 */
export function compileRoles(
  roles: ReadonlyMap<string, NormalizedRole>,
  previous?: ReadonlyMap<string, CompiledRole>,
): CompiledRoles {
  const compiled = new Map<string, CompiledRole>();
  const shapes = new Set<number>();
  let recompiled = 0;

  const visit = (name: string): CompiledRole => {
    const done = compiled.get(name);
    if (done !== undefined) return done;
    const role = roles.get(name) as NormalizedRole;
    const parents = role.inherits.map(visit);
    const hash = createHash('sha256')
      .update(role.source)
      .update('\n')
      .update(parents.map((parent) => parent.hash).join(','))
      .digest('base64');
    const old = previous?.get(name);
    if (old !== undefined && old.hash === hash && old.scope === role.scope) {
      compiled.set(name, old);
      return old;
    }
    recompiled += 1;
    const effective =
      parents.length === 0
        ? new Map<string, Bucket>()
        : new Map(mergeEffective(parents.map((p) => p.effective)));
    const own = new Map<string, { allow: Rule[]; deny: Rule[] }>();
    for (const effect of ['allow', 'deny'] as const) {
      for (const rule of role[effect]) {
        let entry = own.get(rule.pattern);
        if (entry === undefined) {
          entry = { allow: [], deny: [] };
          own.set(rule.pattern, entry);
        }
        entry[effect].push(makeRule(name, rule, effect));
      }
    }
    for (const [pattern, entry] of own) addRules(effective, pattern, entry.allow, entry.deny);
    const result: CompiledRole = { name, scope: role.scope, hash, effective };
    compiled.set(name, result);
    return result;
  };

  // Parents first, iteratively along each chain so deep hierarchies cannot overflow the stack.
  for (const name of topologicalOrder(roles)) visit(name);
  for (const role of roles.values()) {
    for (const rule of [...role.allow, ...role.deny]) shapes.add(shapeOf(rule.segments));
  }
  return { roles: compiled, shapes: [...shapes].sort((a, b) => a - b), recompiled };
}

function topologicalOrder(roles: ReadonlyMap<string, NormalizedRole>): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  for (const start of roles.keys()) {
    if (placed.has(start)) continue;
    const stack: Array<{ name: string; next: number }> = [{ name: start, next: 0 }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as { name: string; next: number };
      const parents = roles.get(frame.name)?.inherits ?? [];
      const parent = parents[frame.next];
      if (parent === undefined) {
        stack.pop();
        if (!placed.has(frame.name)) {
          placed.add(frame.name);
          order.push(frame.name);
        }
      } else {
        frame.next += 1;
        if (!placed.has(parent)) stack.push({ name: parent, next: 0 });
      }
    }
  }
  return order;
}
