import { isSecbotError } from '@secbot/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRbac, type Grant, type PolicyDocument, type RoleDefinition } from '../src/index.js';

// ---- the reference: the policy semantics written as plainly as possible, no compilation, no caches
type Res = { ownerId?: string; flag?: boolean } | undefined;
const conditions = { flag: (_subject: unknown, resource: { flag?: unknown }) => resource.flag === true };

function referenceCan(
  policy: PolicyDocument,
  roles: readonly string[],
  permission: string,
  resource: Res,
): boolean {
  const closure = new Set<string>();
  const visit = (name: string) => {
    if (closure.has(name) || !Object.hasOwn(policy.roles, name)) return;
    closure.add(name);
    for (const parent of policy.roles[name]?.inherits ?? []) visit(parent);
  };
  roles.forEach(visit);
  const p = permission.split(':');
  const covers = (grant: Grant) => {
    const g = (typeof grant === 'string' ? grant : grant.permission).split(':');
    return g.length <= p.length && g.every((segment, i) => segment === '*' || segment === p[i]);
  };
  const holds = (grant: Grant, failClosed: boolean) => {
    if (typeof grant === 'string') return true;
    if (resource === undefined) return failClosed;
    if (grant.when === 'owner') return resource.ownerId === 'u1';
    return resource.flag === true;
  };
  const rules = [...closure].map((name) => policy.roles[name] as RoleDefinition);
  if (rules.some((role) => (role.deny ?? []).some((grant) => covers(grant) && holds(grant, true))))
    return false;
  return rules.some((role) => (role.allow ?? []).some((grant) => covers(grant) && holds(grant, false)));
}

// ---- generators: small vocabularies so that grants and queries collide often
const segment = fc.constantFrom('a', 'b', '*');
const grantPattern = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join(':'));
const grant: fc.Arbitrary<Grant> = fc.oneof(
  { weight: 3, arbitrary: grantPattern },
  { weight: 1, arbitrary: fc.record({ permission: grantPattern, when: fc.constantFrom('owner', 'flag') }) },
);
const roleNames = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];
const policyArb: fc.Arbitrary<PolicyDocument> = fc
  .tuple(
    ...roleNames.map((_, i) =>
      fc.record({
        inherits: fc.subarray(roleNames.slice(0, i)),
        allow: fc.array(grant, { maxLength: 3 }),
        deny: fc.array(grant, { maxLength: 1 }),
      }),
    ),
  )
  .map((defs) => ({
    version: 1 as const,
    roles: Object.fromEntries(defs.map((def, i) => [roleNames[i] as string, def])),
  }));
const permission = fc
  .array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 3 })
  .map((s) => s.join(':'));
const resource: fc.Arbitrary<Res> = fc.option(
  fc.record({ ownerId: fc.constantFrom('u1', 'u2'), flag: fc.boolean() }),
  { nil: undefined },
);
const query = fc.record({ roles: fc.subarray(roleNames, { maxLength: 3 }), permission, resource });

const compiled = (policy: PolicyDocument) => createRbac(policy, { conditions });

describe('rbac properties (fast-check)', () => {
  it('decides exactly as the plain reference semantics, query after query (caches included)', () => {
    fc.assert(
      fc.property(policyArb, fc.array(query, { minLength: 1, maxLength: 40 }), (policy, queries) => {
        const rbac = compiled(policy);
        for (const q of queries) {
          const subject = { id: 'u1', roles: q.roles };
          const expected = referenceCan(policy, q.roles, q.permission, q.resource);
          expect(rbac.can(subject, q.permission, q.resource)).toBe(expected);
          expect(rbac.check(subject, q.permission, q.resource).allowed).toBe(expected);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never grants more after a deny is added', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.constantFrom(...roleNames),
        grant,
        fc.array(query, { maxLength: 30 }),
        (policy, role, deny, queries) => {
          const before = compiled(policy);
          const def = policy.roles[role] as RoleDefinition;
          const after = compiled({
            ...policy,
            roles: { ...policy.roles, [role]: { ...def, deny: [...(def.deny ?? []), deny] } },
          });
          for (const q of queries) {
            if (after.can({ id: 'u1', roles: q.roles }, q.permission, q.resource)) {
              expect(before.can({ id: 'u1', roles: q.roles }, q.permission, q.resource)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never grants more after an allow grant is removed', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.constantFrom(...roleNames),
        fc.nat(),
        fc.array(query, { maxLength: 30 }),
        (policy, role, pick, queries) => {
          const def = policy.roles[role] as RoleDefinition;
          const allow = def.allow ?? [];
          fc.pre(allow.length > 0);
          const before = compiled(policy);
          const index = pick % allow.length;
          const after = compiled({
            ...policy,
            roles: { ...policy.roles, [role]: { ...def, allow: allow.filter((_, i) => i !== index) } },
          });
          for (const q of queries) {
            if (after.can({ id: 'u1', roles: q.roles }, q.permission, q.resource)) {
              expect(before.can({ id: 'u1', roles: q.roles }, q.permission, q.resource)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lets a child role do everything its parent can, unless a deny of its own says otherwise', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.constantFrom(...roleNames),
        fc.array(grant, { maxLength: 3 }),
        fc.array(query, { maxLength: 30 }),
        (policy, parent, extraAllows, queries) => {
          const rbac = compiled({
            ...policy,
            roles: { ...policy.roles, child: { inherits: [parent], allow: extraAllows } },
          });
          for (const q of queries) {
            if (rbac.can({ id: 'u1', roles: [parent] }, q.permission, q.resource)) {
              expect(rbac.can({ id: 'u1', roles: ['child'] }, q.permission, q.resource)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('compiles a random document or refuses it with CONFIG_INVALID, never anything else', () => {
    const roleDef = fc.record(
      {
        inherits: fc.oneof(fc.array(fc.constantFrom('r0', 'r1', 'r2', 'ghost', '__proto__')), fc.anything()),
        allow: fc.oneof(fc.array(fc.oneof(grant, fc.string(), fc.anything())), fc.anything()),
        deny: fc.oneof(fc.array(fc.oneof(grant, fc.string())), fc.anything()),
        scope: fc.oneof(fc.constantFrom('tenant', 'platform'), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const doc = fc.oneof(
      fc.anything(),
      fc.record({
        version: fc.oneof(fc.constant(1), fc.anything()),
        roles: fc.oneof(
          fc.dictionary(fc.constantFrom('r0', 'r1', 'r2', '__proto__', 'bad name', 'constructor'), roleDef),
          fc.anything(),
        ),
      }),
    );
    fc.assert(
      fc.property(doc, (input) => {
        try {
          const rbac = createRbac(input as PolicyDocument);
          expect(typeof rbac.can({ roles: ['r0', 'r1'] }, 'a:b')).toBe('boolean');
        } catch (error) {
          expect(isSecbotError(error, 'CONFIG_INVALID'), String(error)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('answers a boolean for any string as a permission, and any value as subject or resource', () => {
    const rbac = compiled({
      version: 1,
      roles: { r0: { allow: ['*'] }, r1: { allow: [{ permission: 'a', when: 'owner' }] } },
    });
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.anything(), fc.anything(), (text, subject, res) => {
        expect(typeof rbac.can({ roles: ['r0', 'r1'] }, text)).toBe('boolean');
        expect(typeof rbac.can(subject as never, text, res as never)).toBe('boolean');
        expect(typeof rbac.check({ roles: ['r1'], id: 'x' }, text, res as never).allowed).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});
