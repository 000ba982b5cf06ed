// The peers, each configured from the same library-neutral roles (policies.ts) in what we take to be
// its best setup, and each exposed as `(query) => boolean` over the same prebuilt query objects.
import { type AnyMongoAbility, createMongoAbility } from '@casl/ability';
import { AccessControl, type IGrantsList } from 'accesscontrol';
import {
  type CachedEnforcer,
  type Enforcer,
  newCachedEnforcer,
  newEnforcer,
  newModelFromString,
} from 'casbin';
import { type BenchSubject, closures, expand, type Query, type RoleSpec, type Scenario } from './policies.js';

/** A decision with the library's own account of why (a rule, a policy line, a reason code). */
export interface Explained {
  readonly allowed: boolean;
  readonly by: unknown;
}

/** A peer, ready: its name, how it answers one query, and how it answers with an explanation. */
export interface Peer {
  readonly name: string;
  readonly decide: (query: Query) => boolean;
  /** Label of the explaining call. */
  readonly explainName: string;
  readonly explain: (query: Query) => Explained;
}

const roleSetKey = (subject: BenchSubject): string => [...new Set(subject.roles)].sort().join('+');

// ---------------------------------------------------------------------------------------------
// CASL (@casl/ability). CASL has no role hierarchy and no notion of roles at all: an Ability is a
// list of rules where a later rule overrides an earlier one. So we flatten each role (its own rules
// plus all its ancestors') and put every allow first and every deny (an `inverted` rule, i.e.
// `cannot`) after them, which gives deny-overrides within the Ability. Wildcards map natively:
// `*` action -> 'manage', `*` resource -> 'all'.
// ---------------------------------------------------------------------------------------------
interface CaslRule {
  action: string;
  subject: string;
  inverted?: boolean;
}

const caslRule = (pattern: string, inverted: boolean): CaslRule => {
  const [resource = '*', action = '*'] = pattern.split(':');
  return {
    action: action === '*' ? 'manage' : action,
    subject: resource === '*' ? 'all' : resource,
    ...(inverted ? { inverted: true } : {}),
  };
};

/** Flattens role sets into CASL rules: allows of every role held or inherited, then their denies. */
function flattener(scenario: Scenario): (roleNames: Iterable<string>) => CaslRule[] {
  const closure = closures(scenario.roles);
  const byName = new Map(scenario.roles.map((role) => [role.name, role]));
  return (roleNames) => flattenedRules(roleNames, closure, byName);
}

function flattenedRules(
  roleNames: Iterable<string>,
  closure: ReadonlyMap<string, ReadonlySet<string>>,
  byName: ReadonlyMap<string, RoleSpec>,
): CaslRule[] {
  const names = new Set<string>();
  for (const held of roleNames) for (const n of closure.get(held) ?? []) names.add(n);
  const roles = [...names].map((n) => byName.get(n) as RoleSpec);
  return [
    ...roles.flatMap((role) => role.allow.map((p) => caslRule(p, false))),
    ...roles.flatMap((role) => role.deny.map((p) => caslRule(p, true))),
  ];
}

/**
 * CASL, one Ability per role. A subject with several roles is allowed iff some role's Ability has a
 * relevant allow rule and no role's Ability has a relevant inverted (deny) rule: `relevantRuleFor`
 * returns the highest-priority matching rule, which is a deny whenever one matches (denies come last).
 * Nothing per subject, so it is also what a subject never seen before costs.
 */
export function caslPerRole(scenario: Scenario): Peer {
  const flatten = flattener(scenario);
  const abilities = new Map<string, AnyMongoAbility>();
  for (const role of scenario.roles) abilities.set(role.name, createMongoAbility(flatten([role.name])));
  return {
    name: 'CASL, Ability per role (combined per check)',
    explainName: 'CASL per role, relevantRuleFor',
    decide: (query) => {
      let allowed = false;
      for (const role of query.subject.roles) {
        const rule = (abilities.get(role) as AnyMongoAbility).relevantRuleFor(query.action, query.resource);
        if (rule !== null) {
          if (rule.inverted) return false;
          allowed = true;
        }
      }
      return allowed;
    },
    explain: (query) => {
      let allow: unknown;
      for (const role of query.subject.roles) {
        const rule = (abilities.get(role) as AnyMongoAbility).relevantRuleFor(query.action, query.resource);
        if (rule !== null) {
          if (rule.inverted) return { allowed: false, by: rule };
          allow ??= rule;
        }
      }
      return { allowed: allow !== undefined, by: allow };
    },
  };
}

/**
 * CASL, one Ability per distinct role set, built up front for the subject pool and found per subject
 * through a WeakMap (as our engine finds its compiled role set through the subject's roles array).
 */
export function caslPerRoleSet(scenario: Scenario): Peer {
  const flatten = flattener(scenario);
  const byKey = new Map<string, AnyMongoAbility>();
  const bySubject = new WeakMap<BenchSubject, AnyMongoAbility>();
  for (const subject of scenario.subjects) {
    const key = roleSetKey(subject);
    let ability = byKey.get(key);
    if (ability === undefined) {
      ability = createMongoAbility(flatten(subject.roles));
      byKey.set(key, ability);
    }
    bySubject.set(subject, ability);
  }
  return {
    name: 'CASL, Ability per role set (prebuilt)',
    explainName: 'CASL per role set, relevantRuleFor',
    decide: (query) => (bySubject.get(query.subject) as AnyMongoAbility).can(query.action, query.resource),
    explain: (query) => {
      const rule = (bySubject.get(query.subject) as AnyMongoAbility).relevantRuleFor(
        query.action,
        query.resource,
      );
      return { allowed: rule !== null && !rule.inverted, by: rule };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// casbin: the RBAC model with role inheritance (g = _, _) and the deny-override effect. casbin has
// no wildcard in plain `==` matching, so each grant is expanded to the concrete resource/action
// pairs it covers in this universe (faster than keyMatch on every policy line, and equivalent here).
// Subjects are users with one `g` line per held role, roles inherit their parents through `g` lines.
// The matcher tests the cheap equalities before g() so most lines short-circuit.
// ---------------------------------------------------------------------------------------------
export const casbinModel = `
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act, eft

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = r.obj == p.obj && r.act == p.act && g(r.sub, p.sub)
`;

/** casbin policy lines (`p`) and role lines (`g`) for a scenario. */
export function casbinLines(scenario: Scenario): { p: string[][]; g: string[][] } {
  const p: string[][] = [];
  for (const role of scenario.roles) {
    for (const [effect, patterns] of [
      ['allow', role.allow],
      ['deny', role.deny],
    ] as const) {
      const seen = new Set<string>();
      for (const pattern of patterns) {
        for (const [resource, action] of expand(pattern, scenario.resources, scenario.actions)) {
          const key = `${resource}:${action}`;
          if (seen.has(key)) continue;
          seen.add(key);
          p.push([role.name, resource, action, effect]);
        }
      }
    }
  }
  const g: string[][] = [];
  for (const role of scenario.roles) for (const parent of role.parents) g.push([role.name, parent]);
  for (const subject of scenario.subjects) for (const role of subject.roles) g.push([subject.id, role]);
  return { p, g };
}

/**
 * casbin loaded with `newEnforcer(model)` + `addPolicies` + `addGroupingPolicies` from arrays: about
 * 20x faster than parsing the same lines from CSV text through a StringAdapter (measured: ~25 ms
 * against ~500 ms for the large policy), so that is the setup we time.
 */
export async function casbinEnforcer(lines: { p: string[][]; g: string[][] }): Promise<Enforcer> {
  const enforcer = await newEnforcer(newModelFromString(casbinModel));
  await enforcer.addPolicies(lines.p);
  await enforcer.addGroupingPolicies(lines.g);
  return enforcer;
}

/**
 * The same, as casbin's CachedEnforcer: its (async only) `enforce` memoizes each decision by the
 * request's strings joined, so a repeated query costs a Map lookup plus an await.
 */
export async function casbinCachedEnforcer(lines: { p: string[][]; g: string[][] }): Promise<CachedEnforcer> {
  const enforcer = await newCachedEnforcer(newModelFromString(casbinModel));
  await enforcer.addPolicies(lines.p);
  await enforcer.addGroupingPolicies(lines.g);
  return enforcer;
}

export function casbinPeer(enforcer: Enforcer): Peer {
  return {
    name: 'casbin, enforceSync (deny-override)',
    explainName: 'casbin, enforceExSync (rule that decided)',
    decide: (query) => enforcer.enforceSync(query.subject.id, query.resource, query.action),
    explain: (query) => {
      const [allowed, line] = enforcer.enforceExSync(query.subject.id, query.resource, query.action);
      return { allowed, by: line };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// accesscontrol (v3). v3 does have deny rules (`effect: 'deny'`), and deny wins over grants within
// one role's inheritance chain ($extend). But a multi-role check, `can([a, b])`, unions the per-role
// results, so a deny in role a does not override an allow in role b, unlike ours. To give the same
// answers we register one synthetic role per distinct role set that $extends all its roles (the
// accesscontrol counterpart of CASL's Ability per role set) and check that one role. Wildcards
// are expanded: accesscontrol has no `*` resource (its categories are the bounded alternative).
// ---------------------------------------------------------------------------------------------
export function accessControlGrants(scenario: Scenario): {
  rows: IGrantsList;
  roleOf: WeakMap<BenchSubject, string>;
} {
  const rows: IGrantsList = [];
  for (const role of scenario.roles) {
    for (const [effect, patterns] of [
      ['grant', role.allow],
      ['deny', role.deny],
    ] as const) {
      const seen = new Set<string>();
      for (const pattern of patterns) {
        for (const [resource, action] of expand(pattern, scenario.resources, scenario.actions)) {
          const key = `${resource}:${action}`;
          if (seen.has(key)) continue;
          seen.add(key);
          rows.push({ role: role.name, resource, action: `${action}:any`, attributes: ['*'], effect });
        }
      }
    }
    if (role.parents.length > 0) rows.push({ role: role.name, $extend: [...role.parents] });
  }
  const roleOf = new WeakMap<BenchSubject, string>();
  const sets = new Map<string, string>();
  for (const subject of scenario.subjects) {
    const held = [...new Set(subject.roles)];
    if (held.length === 1) {
      roleOf.set(subject, held[0] as string);
      continue;
    }
    const key = roleSetKey(subject);
    let name = sets.get(key);
    if (name === undefined) {
      name = `set_${sets.size}`;
      sets.set(key, name);
      rows.push({ role: name, $extend: held });
    }
    roleOf.set(subject, name);
  }
  return { rows, roleOf };
}

export function accessControlPeer(input: { rows: IGrantsList; roleOf: WeakMap<BenchSubject, string> }): Peer {
  const ac = new AccessControl(input.rows);
  ac.lock(); // freezes the grants model, as its README advises (no measurable effect on checks here)
  const { roleOf } = input;
  return {
    name: 'accesscontrol 3, check() (role-set roles)',
    explainName: 'accesscontrol 3, check().reason',
    decide: (query) =>
      ac.check({ role: roleOf.get(query.subject) as string, resource: query.resource, action: query.action })
        .granted,
    explain: (query) => {
      const permission = ac.check({
        role: roleOf.get(query.subject) as string,
        resource: query.resource,
        action: query.action,
      });
      return { allowed: permission.granted, by: permission.reason };
    },
  };
}
