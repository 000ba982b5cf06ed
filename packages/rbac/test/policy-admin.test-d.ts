import type { Principal } from '@secbot/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createPolicyAdmin,
  createRbac,
  type PolicyActor,
  type PolicyChange,
  type PolicyTestReport,
  policyPermissions,
  type Resource,
  runPolicyTests,
} from '../src/index.js';

describe('policy admin types', () => {
  it('governs an rbac with a permission vocabulary and an application resource type', () => {
    interface Transcript extends Resource {
      readonly ownerId: string;
    }
    const rbac = createRbac<
      'transcripts:read' | 'policy:propose' | 'policy:approve' | 'policy:apply',
      Transcript
    >(
      { version: 1, roles: { admin: { allow: ['policy:*'] } } },
      { permissions: ['transcripts:read', ...Object.values(policyPermissions)] },
    );
    const admin = createPolicyAdmin({ rbac });
    expectTypeOf(admin.approve).returns.resolves.toEqualTypeOf<PolicyChange>();
    expectTypeOf(runPolicyTests(rbac, { tests: [] })).toEqualTypeOf<PolicyTestReport>();
  });

  it('takes a Principal as the actor, and requires an id', () => {
    expectTypeOf<Principal>().toExtend<PolicyActor>();
    expectTypeOf<{ roles: string[] }>().not.toExtend<PolicyActor>();
  });

  it('hands out read-only records', () => {
    expectTypeOf<PolicyChange['approvals']>().toEqualTypeOf<
      readonly { readonly by: string; readonly at: number }[]
    >();
  });
});
