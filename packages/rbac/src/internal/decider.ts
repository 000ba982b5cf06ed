import type { Decision } from '@secbot/core';
import { parsePermission } from '../permission.js';
import type { Condition, Subject } from '../subject.js';
import { type Bucket, type CompiledRole, mergeEffective, type Rule } from './compile.js';
import { candidatePatterns } from './shapes.js';

export const noGrant: Decision = Object.freeze({ allowed: false, reason: 'no-grant' });
export const invalidPermission: Decision = Object.freeze({ allowed: false, reason: 'invalid-permission' });

/** What a role set decides for one permission, before conditions: final, or depending on them. */
interface ConditionalPlan {
  readonly denies: readonly Rule[];
  readonly allow: Rule | undefined;
  readonly allows: readonly Rule[];
}
type Plan = Decision | ConditionalPlan;
const isFinal = (plan: Plan): plan is Decision => 'allowed' in plan;

const planCacheLimit = 10_000;
const roleSetCacheLimit = 10_000;
const candidateCacheLimit = 50_000;
const bindingCacheLimit = 10_000;
const noTenant = '';

/** The roles that apply to one check, merged, with a cache of plans by permission. */
class RoleSet {
  private readonly plans = new Map<string, Plan>();

  constructor(
    private readonly decider: Decider,
    private readonly effective: ReadonlyMap<string, Bucket>,
  ) {}

  plan(permission: string): Plan {
    const cached = this.plans.get(permission);
    if (cached !== undefined) return cached;
    const plan = this.build(permission);
    if (this.plans.size >= planCacheLimit) this.plans.clear();
    this.plans.set(permission, plan);
    return plan;
  }

  private build(permission: string): Plan {
    const candidates = this.decider.candidates(permission);
    if (candidates === undefined) return invalidPermission;
    const denies: Rule[] = [];
    const allows: Rule[] = [];
    let allow: Rule | undefined;
    for (const pattern of candidates) {
      const bucket = this.effective.get(pattern);
      if (bucket === undefined) continue;
      for (const rule of bucket.deny) {
        if (rule.when === undefined) return rule.decision;
        denies.push(rule);
      }
      for (const rule of bucket.allow) {
        if (rule.when === undefined) allow ??= rule;
        else allows.push(rule);
      }
    }
    if (denies.length === 0) {
      if (allow !== undefined) return allow.decision;
      if (allows.length === 0) return noGrant;
    }
    return { denies, allow, allows };
  }
}

/** How one subject's role bindings map onto tenants; built once per roles array. */
class Binding {
  private readonly perTenant = new Map<string, RoleSet>();
  readonly all: RoleSet;

  constructor(
    private readonly decider: Decider,
    private readonly snapshot: readonly string[],
    private readonly tenantId: string | undefined,
    private readonly byTenant: ReadonlyMap<string, readonly string[]>,
    private readonly platform: readonly string[],
  ) {
    const every = new Set(platform);
    for (const names of byTenant.values()) for (const name of names) every.add(name);
    this.all = decider.roleSet([...every]);
  }

  /** Whether this binding was built from these very roles and tenant. */
  matches(roles: readonly string[], tenantId: string | undefined): boolean {
    if (tenantId !== this.tenantId || roles.length !== this.snapshot.length) return false;
    for (let i = 0; i < roles.length; i++) if (roles[i] !== this.snapshot[i]) return false;
    return true;
  }

  forTenant(tenant: string | undefined): RoleSet {
    if (tenant === undefined) return this.all;
    let set = this.perTenant.get(tenant);
    if (set === undefined) {
      set = this.decider.roleSet([...(this.byTenant.get(tenant) ?? []), ...this.platform]);
      if (this.perTenant.size >= 64) this.perTenant.clear();
      this.perTenant.set(tenant, set);
    }
    return set;
  }
}

/** Everything derived from one compiled policy, with its caches. Replaced whole on update. */
export class Decider {
  private readonly bindings = new WeakMap<readonly string[], Binding>();
  private readonly bindingsByContent = new Map<string, Binding>();
  private readonly roleSets = new Map<string, RoleSet>();
  private readonly candidateCache = new Map<string, string[] | null>();

  constructor(
    readonly roles: ReadonlyMap<string, CompiledRole>,
    private readonly shapes: readonly number[],
    private readonly conditions: ReadonlyMap<string, Condition<object>>,
  ) {}

  /** Decide, evaluating conditions when the plan depends on them. */
  decide(
    subject: Subject,
    permission: string,
    resource: object | undefined,
    tenant: string | undefined,
  ): Decision {
    const plan = this.binding(subject).forTenant(tenant).plan(permission);
    return isFinal(plan) ? plan : this.evaluate(plan, subject, resource);
  }

  /** The decision if tenant scoping were ignored (used only to explain a denial). */
  decideIgnoringTenant(subject: Subject, permission: string, resource: object | undefined): Decision {
    const plan = this.binding(subject).all.plan(permission);
    return isFinal(plan) ? plan : this.evaluate(plan, subject, resource);
  }

  candidates(permission: string): string[] | undefined {
    let cached = this.candidateCache.get(permission);
    if (cached === undefined) {
      const segments = parsePermission(permission, false);
      cached = segments === undefined ? null : candidatePatterns(segments, this.shapes);
      if (this.candidateCache.size >= candidateCacheLimit) this.candidateCache.clear();
      this.candidateCache.set(permission, cached);
    }
    return cached ?? undefined;
  }

  roleSet(names: readonly string[]): RoleSet {
    const known = [...new Set(names)].filter((name) => this.roles.has(name)).sort();
    const key = known.join('\n');
    let set = this.roleSets.get(key);
    if (set === undefined) {
      const maps = known.map((name) => (this.roles.get(name) as CompiledRole).effective);
      set = new RoleSet(this, maps.length === 0 ? new Map() : mergeEffective(maps));
      if (this.roleSets.size >= roleSetCacheLimit) this.roleSets.clear();
      this.roleSets.set(key, set);
    }
    return set;
  }

  private binding(subject: Subject): Binding {
    const roles: unknown = subject.roles;
    if (!Array.isArray(roles)) return this.bind([], subject.tenantId);
    const cached = this.bindings.get(roles);
    // The cache is keyed by the array, but checked against a copy of its contents: an application
    // that mutates a principal's roles array gets a fresh binding, never a stale one.
    if (cached?.matches(roles, subject.tenantId)) return cached;
    // A new array with roles seen before (a principal built per request) reuses their binding,
    // found by content, instead of building and caching another one.
    const key = `${subject.tenantId ?? ''}\u0000${roles.join('\u0000')}`;
    const known = this.bindingsByContent.get(key);
    if (known !== undefined) return known;
    const binding = this.bind(roles, subject.tenantId);
    if (this.bindingsByContent.size >= bindingCacheLimit) this.bindingsByContent.clear();
    this.bindingsByContent.set(key, binding);
    this.bindings.set(roles, binding);
    return binding;
  }

  private bind(roles: readonly string[], tenantId: string | undefined): Binding {
    const byTenant = new Map<string, string[]>();
    const platform: string[] = [];
    for (const entry of roles) {
      if (typeof entry !== 'string') continue;
      const at = entry.indexOf('@');
      const name = at === -1 ? entry : entry.slice(0, at);
      const tenant = at === -1 ? (tenantId ?? noTenant) : entry.slice(at + 1);
      if (tenant === '*') {
        if (this.roles.get(name)?.scope === 'platform') platform.push(name);
        continue;
      }
      const names = byTenant.get(tenant);
      if (names === undefined) byTenant.set(tenant, [name]);
      else names.push(name);
    }
    return new Binding(this, [...roles], tenantId, byTenant, platform);
  }

  private evaluate(plan: ConditionalPlan, subject: Subject, resource: object | undefined): Decision {
    for (const rule of plan.denies) {
      if (this.holds(rule, subject, resource, true)) return rule.decision;
    }
    if (plan.allow !== undefined) return plan.allow.decision;
    for (const rule of plan.allows) {
      if (this.holds(rule, subject, resource, false)) return rule.decision;
    }
    return plan.allows[0]?.failed ?? noGrant;
  }

  /** Run a rule's condition; without a resource, or when it throws, the fail-closed answer. */
  private holds(rule: Rule, subject: Subject, resource: object | undefined, failClosed: boolean): boolean {
    const condition = this.conditions.get(rule.when as string);
    if (condition === undefined || resource === undefined || resource === null) return failClosed;
    try {
      return condition(subject, resource) === true;
    } catch {
      return failClosed;
    }
  }
}
