// Deterministic policies, subjects and query pools for the RBAC benchmark. Everything comes from a
// seeded PRNG (mulberry32), so every run, and every library, sees exactly the same policy and queries.
import type { PolicyDocument, Subject } from '@secbot/rbac';

/** mulberry32: a small, fast, seedable PRNG; returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

/**
 * A library-neutral role: its parents and its own grants as `resource:action` patterns, where either
 * segment may be `*`. Every peer is configured from this, ours from the equivalent PolicyDocument.
 */
export interface RoleSpec {
  readonly name: string;
  readonly parents: readonly string[];
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/** The subjects of a scenario: an id and role bindings, prebuilt once (what an app keeps per user). */
export interface BenchSubject extends Subject {
  readonly id: string;
  readonly roles: readonly string[];
}

/** One check: who, and `resource:action` (also split, as peers take the two separately). */
export interface Query {
  readonly subject: BenchSubject;
  readonly permission: string;
  readonly resource: string;
  readonly action: string;
}

export interface Scenario {
  readonly name: string;
  readonly resources: readonly string[];
  readonly actions: readonly string[];
  readonly roles: readonly RoleSpec[];
  readonly policy: PolicyDocument;
  readonly subjects: readonly BenchSubject[];
}

export const actions = ['read', 'write', 'delete', 'export'] as const;

/** The concrete `[resource, action]` pairs a pattern covers in this universe (wildcards expanded). */
export function expand(
  pattern: string,
  resources: readonly string[],
  acts: readonly string[],
): [string, string][] {
  const [resource = '*', action = '*'] = pattern.split(':');
  const rs = resource === '*' ? resources : [resource];
  const as = action === '*' ? acts : [action];
  return rs.flatMap((r) => as.map((a): [string, string] => [r, a]));
}

function toPolicy(roles: readonly RoleSpec[]): PolicyDocument {
  const out: Record<string, { inherits?: string[]; allow?: string[]; deny?: string[] }> = {};
  for (const role of roles) {
    out[role.name] = {
      ...(role.parents.length > 0 ? { inherits: [...role.parents] } : {}),
      ...(role.allow.length > 0 ? { allow: [...role.allow] } : {}),
      ...(role.deny.length > 0 ? { deny: [...role.deny] } : {}),
    };
  }
  return { version: 1, roles: out };
}

/** Every ancestor of each role, itself included (the roles whose grants it holds). */
export function closures(roles: readonly RoleSpec[]): Map<string, ReadonlySet<string>> {
  const byName = new Map(roles.map((role) => [role.name, role]));
  const memo = new Map<string, ReadonlySet<string>>();
  const visit = (name: string): ReadonlySet<string> => {
    const done = memo.get(name);
    if (done !== undefined) return done;
    const set = new Set([name]);
    for (const parent of byName.get(name)?.parents ?? []) for (const n of visit(parent)) set.add(n);
    memo.set(name, set);
    return set;
  };
  for (const role of roles) visit(role.name);
  return memo;
}

/**
 * Small policy: a chain guest < user < agent < supervisor < admin over 20 resources x 4 actions.
 * Each role adds some allows; agent and supervisor carry denies that their heirs inherit (deny
 * overrides, so admin's `*:delete` does not reach `billing:delete`); admin gets broad wildcards.
 */
export function smallScenario(): Scenario {
  const random = prng(20240611);
  const resources = [
    'billing',
    'transcripts',
    'users',
    'tickets',
    'reports',
    'settings',
    'profile',
    'messages',
    'contacts',
    'knowledge',
    'faq',
    'audit',
    'webhooks',
    'channels',
    'bots',
    'intents',
    'analytics',
    'exports',
    'teams',
    'tags',
  ];
  const some = (n: number, pool: readonly string[]): string[] => {
    const out = new Set<string>();
    while (out.size < n) out.add(pick(random, pool));
    return [...out];
  };
  const concrete = resources.flatMap((r) => actions.map((a) => `${r}:${a}`));
  const reads = resources.map((r) => `${r}:read`);
  const roles: RoleSpec[] = [
    { name: 'guest', parents: [], allow: ['faq:read', 'knowledge:read', ...some(2, reads)], deny: [] },
    {
      name: 'user',
      parents: ['guest'],
      allow: ['profile:*', 'messages:read', 'messages:write', ...some(4, concrete)],
      deny: [],
    },
    {
      name: 'agent',
      parents: ['user'],
      allow: ['tickets:*', 'contacts:*', 'transcripts:read', ...some(6, concrete)],
      deny: ['contacts:export', 'users:delete'],
    },
    {
      name: 'supervisor',
      parents: ['agent'],
      allow: ['billing:*', 'reports:*', 'teams:*', ...some(6, concrete)],
      deny: ['billing:delete'],
    },
    {
      name: 'admin',
      parents: ['supervisor'],
      allow: ['*:read', '*:write', '*:export', '*:delete'],
      deny: ['audit:delete', 'audit:write'],
    },
  ].map((role) => ({ ...role, allow: [...new Set(role.allow)].filter((p) => !role.deny.includes(p)) }));
  const subjects = roles.map((role, i) => ({ id: `s${i}`, roles: [role.name] }));
  return { name: 'small', resources, actions, roles, policy: toPolicy(roles), subjects };
}

/**
 * Large policy: 1,000 roles in a forest of depth 5 (level sizes 50/100/200/300/350; each role below
 * the roots inherits 1-2 roles of the level above), 10,000 grants in all (5 to ~20 per role, ~5%
 * of them denies), over 500 resources x 4 actions. Patterns are mostly `resource:action`, with some
 * `resource:*` and a handful of `*:action`. 1,000 subjects hold 1 to 3 roles each.
 */
export function largeScenario(): Scenario {
  const random = prng(1_000_003);
  const resources = Array.from({ length: 500 }, (_, i) => `res${String(i).padStart(3, '0')}`);
  const levels = [50, 100, 200, 300, 350];
  const names = levels.map((size, level) =>
    Array.from({ length: size }, (_, i) => `l${level}_${String(i).padStart(3, '0')}`),
  );
  const counts = new Map<string, number>();
  const all = names.flat();
  for (const name of all) counts.set(name, 5);
  for (let k = 0; k < 10_000 - 5 * all.length; k++) {
    const name = pick(random, all);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const roles: RoleSpec[] = [];
  names.forEach((level, depth) => {
    for (const name of level) {
      const parents = new Set<string>();
      if (depth > 0) {
        const above = names[depth - 1] as string[];
        const want = random() < 0.6 ? 1 : 2;
        while (parents.size < want) parents.add(pick(random, above));
      }
      const allow = new Set<string>();
      const deny = new Set<string>();
      const n = counts.get(name) ?? 0;
      while (allow.size + deny.size < n) {
        const resource = pick(random, resources);
        const isDeny = random() < 0.05;
        const shape = random();
        const pattern = isDeny
          ? shape < 0.1
            ? `${resource}:*`
            : `${resource}:${pick(random, actions)}`
          : shape < 0.0006
            ? `*:${pick(random, actions)}`
            : shape < 0.07
              ? `${resource}:*`
              : `${resource}:${pick(random, actions)}`;
        if (allow.has(pattern) || deny.has(pattern)) continue;
        (isDeny ? deny : allow).add(pattern);
      }
      roles.push({ name, parents: [...parents], allow: [...allow], deny: [...deny] });
    }
  });
  const subjects: BenchSubject[] = Array.from({ length: 1000 }, (_, i) => {
    const r = random();
    const want = r < 0.5 ? 1 : r < 0.8 ? 2 : 3;
    const held = new Set<string>();
    while (held.size < want) held.add(pick(random, all));
    return { id: `u${i}`, roles: [...held] };
  });
  return { name: 'large', resources, actions, roles, policy: toPolicy(roles), subjects };
}

/**
 * The reference semantics, written plainly: allowed iff some role the subject holds (or inherits)
 * allows a pattern covering the permission, and none denies one (deny overrides, across all held
 * roles and at any depth). Used to cross-check our engine before anything is timed.
 */
export function referenceDecider(scenario: Scenario): (subject: BenchSubject, permission: string) => boolean {
  const closure = closures(scenario.roles);
  const byName = new Map(scenario.roles.map((role) => [role.name, role]));
  const covers = (pattern: string, permission: string) => {
    const [pr, pa] = pattern.split(':');
    const [r, a] = permission.split(':');
    return (pr === '*' || pr === r) && (pa === undefined || pa === '*' || pa === a);
  };
  return (subject, permission) => {
    let allowed = false;
    for (const held of subject.roles) {
      for (const name of closure.get(held) ?? []) {
        const role = byName.get(name) as RoleSpec;
        if (role.deny.some((p) => covers(p, permission))) return false;
        if (!allowed && role.allow.some((p) => covers(p, permission))) allowed = true;
      }
    }
    return allowed;
  };
}

/**
 * A fixed pool of queries, `perSide` allowed and `perSide` denied by `decide`. Allowed ones are drawn
 * from what the subject's roles grant; half the denied ones from what they deny (so deny-overrides
 * is exercised, including a deny in one held role over an allow in another), half uniformly.
 */
export function queryPool(
  scenario: Scenario,
  decide: (subject: BenchSubject, permission: string) => boolean,
  perSide: number,
  seed: number,
): { allowed: Query[]; denied: Query[] } {
  const random = prng(seed);
  const closure = closures(scenario.roles);
  const byName = new Map(scenario.roles.map((role) => [role.name, role]));
  const grantsOf = (subject: BenchSubject, effect: 'allow' | 'deny'): [string, string][] => {
    const out: [string, string][] = [];
    for (const held of subject.roles) {
      for (const name of closure.get(held) ?? []) {
        for (const p of byName.get(name)?.[effect] ?? []) out.push(...expand(p, scenario.resources, actions));
      }
    }
    return out;
  };
  const make = (subject: BenchSubject, [resource, action]: [string, string]): Query => ({
    subject,
    permission: `${resource}:${action}`,
    resource,
    action,
  });
  const allowed: Query[] = [];
  const denied: Query[] = [];
  for (let guard = 0; (allowed.length < perSide || denied.length < perSide) && guard < 1e6; guard++) {
    const subject = pick(random, scenario.subjects);
    const side = random();
    if (side < 0.5 && allowed.length < perSide) {
      const pool = grantsOf(subject, 'allow');
      if (pool.length === 0) continue;
      const q = make(subject, pick(random, pool));
      if (decide(subject, q.permission)) allowed.push(q);
    } else if (denied.length < perSide) {
      const pool = side < 0.75 ? grantsOf(subject, 'deny') : [];
      const target =
        pool.length > 0
          ? pick(random, pool)
          : ([pick(random, scenario.resources), pick(random, actions)] as [string, string]);
      const q = make(subject, target);
      if (!decide(subject, q.permission)) denied.push(q);
    }
  }
  return { allowed, denied };
}

/** Every `(subject, permission)` pair of a small scenario, split by `decide`. */
export function exhaustivePool(
  scenario: Scenario,
  decide: (subject: BenchSubject, permission: string) => boolean,
): { allowed: Query[]; denied: Query[] } {
  const allowed: Query[] = [];
  const denied: Query[] = [];
  for (const subject of scenario.subjects) {
    for (const resource of scenario.resources) {
      for (const action of scenario.actions) {
        const q = { subject, permission: `${resource}:${action}`, resource, action };
        (decide(subject, q.permission) ? allowed : denied).push(q);
      }
    }
  }
  return { allowed, denied };
}
