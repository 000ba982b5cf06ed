import { createEventBus, type SecurityEvent } from '@secbot/core';
import { createManualClock } from '@secbot/test-utils';
import { describe, expect, it } from 'vitest';
import {
  createPolicyAdmin,
  createRbac,
  memoryPolicyHistory,
  type PolicyAdminOptions,
  type PolicyChange,
  type PolicyDocument,
  type PolicyHistoryStore,
  policyPermissions,
} from '../src/index.js';
import {
  ana,
  basePolicy,
  bo,
  cy,
  eve,
  isDeepFrozen,
  rejection,
  root,
  slowStore,
  thrown,
  withGrant,
} from './policy-admin-helpers.js';

const exportPolicy = withGrant(basePolicy, 'agent', 'transcripts:export');
const searchPolicy = withGrant(basePolicy, 'agent', 'transcripts:search');

function setup(options: Omit<PolicyAdminOptions, 'rbac'> = {}) {
  const clock = createManualClock(Date.UTC(2026, 0, 1));
  let next = 0;
  const rbac = createRbac(basePolicy);
  const admin = createPolicyAdmin({ rbac, now: clock.now, generateId: () => `chg-${++next}`, ...options });
  return { rbac, admin, clock };
}

describe('createPolicyAdmin: the four-eyes flow', () => {
  it('proposes, approves and applies a change, recording who, when and the versions', async () => {
    const { rbac, admin, clock } = setup();
    const v0 = rbac.version;
    expect(rbac.can(eve, 'transcripts:export')).toBe(false);

    const proposed = await admin.propose({ policy: exportPolicy, by: ana, reason: 'audits need exports' });
    expect(proposed).toEqual({
      id: 'chg-1',
      status: 'pending',
      baseVersion: v0,
      proposedBy: 'ana',
      reason: 'audits need exports',
      policy: exportPolicy,
      diff: {
        rolesAdded: [],
        rolesRemoved: [],
        grantsAdded: [{ role: 'agent', effect: 'allow', grant: 'transcripts:export' }],
        grantsRemoved: [],
        inheritsAdded: [],
        inheritsRemoved: [],
        scopesChanged: [],
      },
      approvals: [],
      rejections: [],
      createdAt: Date.UTC(2026, 0, 1),
    });
    // nothing is in force yet
    expect(rbac.version).toBe(v0);
    expect(rbac.can(eve, 'transcripts:export')).toBe(false);

    clock.advance(1000);
    const approved = await admin.approve('chg-1', bo);
    expect(approved.status).toBe('approved');
    expect(approved.approvals).toEqual([{ by: 'bo', at: Date.UTC(2026, 0, 1) + 1000 }]);

    clock.advance(1000);
    const applied = await admin.apply('chg-1', ana);
    expect(applied.status).toBe('applied');
    expect(applied.appliedAt).toBe(Date.UTC(2026, 0, 1) + 2000);
    expect(applied.appliedBy).toBe('ana');
    expect(applied.sequence).toBe(1);
    expect(applied.appliedVersion).toBe(rbac.version);
    expect(rbac.version).not.toBe(v0);
    expect(rbac.can(eve, 'transcripts:export')).toBe(true);
    expect(rbac.policy).toEqual(exportPolicy);

    expect(await admin.get('chg-1')).toEqual(applied);
    expect(await admin.history()).toEqual([applied]);
    expect(await admin.list({ status: 'pending' })).toEqual([]);
  });

  it('emits proposed, approved and applied, in order, with exact payloads', async () => {
    const bus = createEventBus();
    const events: SecurityEvent[] = [];
    bus.onAny((event) => {
      events.push(event);
    });
    const { rbac, admin, clock } = setup({ bus, requiredApprovals: 2 });
    const t0 = clock.now();
    const v0 = rbac.version;
    const change = await admin.propose({
      policy: {
        version: 1,
        roles: {
          ...basePolicy.roles,
          agent: { inherits: ['auditor'], allow: ['transcripts:read'] },
          auditor: { allow: ['audit:read'], deny: ['audit:delete'] },
        },
      },
      by: ana,
      reason: 'split auditor out',
    });
    clock.advance(1);
    await admin.approve(change.id, bo);
    clock.advance(1);
    await admin.approve(change.id, cy);
    clock.advance(1);
    await admin.apply(change.id, ana);

    const diff = {
      rolesAdded: ['auditor'],
      rolesRemoved: [],
      grantsAdded: [
        { role: 'auditor', effect: 'allow', grant: 'audit:read' },
        { role: 'auditor', effect: 'deny', grant: 'audit:delete' },
      ],
      grantsRemoved: [{ role: 'agent', effect: 'allow', grant: 'transcripts:delete when owner' }],
      inheritsAdded: [{ role: 'agent', parent: 'auditor' }],
      inheritsRemoved: [],
      scopesChanged: [],
    };
    expect(events.map((event) => event.type)).toEqual([
      'policy.change.proposed',
      'policy.change.approved',
      'policy.change.approved',
      'policy.change.applied',
    ]);
    // stamped with the admin's clock, like the records
    expect(events.map((event) => event.ts)).toEqual([t0, t0 + 1, t0 + 2, t0 + 3]);
    expect(events[0]).toMatchObject({ changeId: 'chg-1', by: 'ana', baseVersion: v0, diff });
    expect(events[1]).toMatchObject({ changeId: 'chg-1', by: 'bo', approvals: 1, required: 2 });
    expect(events[2]).toMatchObject({ changeId: 'chg-1', by: 'cy', approvals: 2, required: 2 });
    expect(events[3]).toMatchObject({
      changeId: 'chg-1',
      proposedBy: 'ana',
      approvedBy: ['bo', 'cy'],
      fromVersion: v0,
      toVersion: rbac.version,
      diff,
    });
    expect(rbac.version).not.toBe(v0);
  });

  it('names the permissions it checks', () => {
    expect(policyPermissions).toEqual({
      propose: 'policy:propose',
      approve: 'policy:approve',
      apply: 'policy:apply',
    });
  });
});

describe('createPolicyAdmin: hostile paths', () => {
  it('refuses self-approval with POLICY_SELF_APPROVAL', async () => {
    const { admin } = setup();
    const change = await admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    const error = await rejection(admin.approve(change.id, { ...ana, roles: ['proposer', 'approver'] }));
    expect(error.code).toBe('POLICY_SELF_APPROVAL');
    expect(error.status).toBe(403);
    expect((await admin.get(change.id)).approvals).toEqual([]);
  });

  it('refuses self-approval even when the proposer holds every role', async () => {
    const { admin, rbac } = setup();
    expect(rbac.can(root, 'policy:approve')).toBe(true);
    const change = await admin.propose({ policy: exportPolicy, by: root, reason: 'x' });
    expect((await rejection(admin.approve(change.id, root))).code).toBe('POLICY_SELF_APPROVAL');
    // nor can the proposer apply it unapproved
    expect((await rejection(admin.apply(change.id, root))).code).toBe('POLICY_CHANGE_UNAPPROVED');
    expect((await admin.get(change.id)).status).toBe('pending');
  });

  it('refuses proposal and approval without the permission, with RBAC_DENIED', async () => {
    const { admin } = setup();
    const denied = await rejection(admin.propose({ policy: exportPolicy, by: eve, reason: 'x' }));
    expect(denied.code).toBe('RBAC_DENIED');
    expect(denied.message).toContain('policy:propose');
    expect(await admin.list()).toEqual([]);

    const change = await admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    const error = await rejection(admin.approve(change.id, eve));
    expect(error.code).toBe('RBAC_DENIED');
    expect(error.message).toContain('policy:approve');
    // a proposer-only role cannot approve someone else's change either
    const other = await admin.propose({ policy: searchPolicy, by: root, reason: 'y' });
    expect((await rejection(admin.approve(other.id, ana))).code).toBe('RBAC_DENIED');
    expect((await rejection(admin.reject(other.id, eve, 'no'))).code).toBe('RBAC_DENIED');
    expect((await admin.get(other.id)).status).toBe('pending');
  });

  it('refuses apply without policy:apply even for an approved change', async () => {
    const { admin, rbac } = setup();
    const v0 = rbac.version;
    const change = await admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    await admin.approve(change.id, bo);
    expect((await rejection(admin.apply(change.id, eve))).code).toBe('RBAC_DENIED');
    expect(rbac.version).toBe(v0);
  });

  it('counts one person once: a second approval by the same person is POLICY_CHANGE_CONFLICT', async () => {
    const { admin } = setup({ requiredApprovals: 2 });
    const change = await admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    await admin.approve(change.id, bo);
    const error = await rejection(admin.approve(change.id, { ...bo, roles: ['approver', 'superadmin'] }));
    expect(error.code).toBe('POLICY_CHANGE_CONFLICT');
    expect(error.status).toBe(409);
    const after = await admin.get(change.id);
    expect(after.status).toBe('pending');
    expect(after.approvals.map((approval) => approval.by)).toEqual(['bo']);
  });

  it('refuses to apply before enough approvals (requiredApprovals: 2)', async () => {
    const { admin, rbac } = setup({ requiredApprovals: 2 });
    expect(admin.requiredApprovals).toBe(2);
    const v0 = rbac.version;
    const change = await admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    expect((await rejection(admin.apply(change.id, ana))).code).toBe('POLICY_CHANGE_UNAPPROVED');
    await admin.approve(change.id, bo);
    expect((await admin.get(change.id)).status).toBe('pending');
    const error = await rejection(admin.apply(change.id, ana));
    expect(error.code).toBe('POLICY_CHANGE_UNAPPROVED');
    expect(error.message).toContain('1 of 2');
    expect(rbac.version).toBe(v0);
    await admin.approve(change.id, cy);
    const applied = await admin.apply(change.id, ana);
    expect(applied.status).toBe('applied');
    expect(rbac.version).toBe(applied.appliedVersion);
  });

  it('never approves or applies a rejected change, and reports the rejection', async () => {
    const bus = createEventBus();
    const events: SecurityEvent[] = [];
    bus.on('policy.change.rejected', (event) => {
      events.push(event);
    });
    const { admin, rbac, clock } = setup({ bus });
    const v0 = rbac.version;
    const change = await admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    clock.advance(5);
    const rejected = await admin.reject(change.id, bo, 'exports leak PII');
    expect(rejected.status).toBe('rejected');
    expect(rejected.rejections).toEqual([
      { by: 'bo', at: Date.UTC(2026, 0, 1) + 5, reason: 'exports leak PII' },
    ]);
    expect((await rejection(admin.approve(change.id, cy))).code).toBe('POLICY_CHANGE_CONFLICT');
    expect((await rejection(admin.apply(change.id, ana))).code).toBe('POLICY_CHANGE_UNAPPROVED');
    expect((await rejection(admin.reject(change.id, cy, 'again'))).code).toBe('POLICY_CHANGE_CONFLICT');
    expect(rbac.version).toBe(v0);
    expect((await admin.get(change.id)).status).toBe('rejected');
    expect(events).toEqual([
      {
        type: 'policy.change.rejected',
        ts: Date.UTC(2026, 0, 1) + 5,
        changeId: change.id,
        by: 'bo',
        reason: 'exports leak PII',
      },
    ]);
  });

  it('lets an approver veto an approved change before it is applied', async () => {
    const { admin, rbac } = setup();
    const v0 = rbac.version;
    const change = await admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    await admin.approve(change.id, bo);
    await admin.reject(change.id, cy, 'second thoughts');
    expect((await rejection(admin.apply(change.id, ana))).code).toBe('POLICY_CHANGE_UNAPPROVED');
    expect(rbac.version).toBe(v0);
  });

  it('refuses to apply a change twice, and to reject an applied one', async () => {
    const { admin } = setup();
    const change = await admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    await admin.approve(change.id, bo);
    await admin.apply(change.id, ana);
    expect((await rejection(admin.apply(change.id, ana))).code).toBe('POLICY_CHANGE_CONFLICT');
    expect((await rejection(admin.reject(change.id, bo, 'late'))).code).toBe('POLICY_CHANGE_CONFLICT');
    expect((await rejection(admin.approve(change.id, cy))).code).toBe('POLICY_CHANGE_CONFLICT');
    expect(await admin.history()).toHaveLength(1);
  });

  it('refuses a change proposed against an older policy, naming both versions', async () => {
    const { admin, rbac } = setup();
    const v0 = rbac.version;
    const first = await admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    const second = await admin.propose({ policy: searchPolicy, by: ana, reason: 'y' });
    expect(second.baseVersion).toBe(v0);
    await admin.approve(first.id, bo);
    await admin.approve(second.id, bo);
    await admin.apply(first.id, ana);
    const v1 = rbac.version;
    const error = await rejection(admin.apply(second.id, ana));
    expect(error.code).toBe('POLICY_CHANGE_CONFLICT');
    expect(error.message).toContain(v0);
    expect(error.message).toContain(v1);
    expect(rbac.version).toBe(v1);
    expect(rbac.can(eve, 'transcripts:search')).toBe(false);
    expect((await admin.get(second.id)).status).toBe('approved');
  });

  it('answers POLICY_CHANGE_NOT_FOUND for an unknown id on every operation', async () => {
    const { admin } = setup();
    for (const attempt of [
      admin.approve('nope', bo),
      admin.reject('nope', bo, 'x'),
      admin.apply('nope', ana),
      admin.get('nope'),
    ]) {
      const error = await rejection(attempt);
      expect(error.code).toBe('POLICY_CHANGE_NOT_FOUND');
      expect(error.status).toBe(404);
    }
  });

  it('refuses a proposal that changes nothing with POLICY_CHANGE_CONFLICT', async () => {
    const { admin } = setup();
    const same = structuredClone(basePolicy) as PolicyDocument;
    expect((await rejection(admin.propose({ policy: same, by: ana, reason: 'x' }))).code).toBe(
      'POLICY_CHANGE_CONFLICT',
    );
    expect(await admin.list()).toEqual([]);
  });

  it('refuses an invalid policy with CONFIG_INVALID naming the path, before recording anything', async () => {
    const { admin } = setup();
    const bad = withGrant(basePolicy, 'agent', 'transcripts::read');
    const error = await rejection(admin.propose({ policy: bad, by: ana, reason: 'x' }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.issues?.map((issue) => issue.path)).toEqual(['roles.agent.allow[2]']);

    const cycle: PolicyDocument = {
      version: 1,
      roles: { ...basePolicy.roles, a: { inherits: ['b'] }, b: { inherits: ['a'] } },
    };
    expect((await rejection(admin.propose({ policy: cycle, by: ana, reason: 'x' }))).code).toBe(
      'CONFIG_INVALID',
    );
    const notPolicy = { version: 2, roles: [] } as unknown as PolicyDocument;
    const shape = await rejection(admin.propose({ policy: notPolicy, by: ana, reason: 'x' }));
    expect(shape.code).toBe('CONFIG_INVALID');
    expect(shape.issues?.map((issue) => issue.path)).toEqual(['version', 'roles']);
    expect(await admin.list()).toEqual([]);
  });

  it('checks conditions: known ones pass, an unknown one is refused at proposal', async () => {
    const { admin } = setup();
    // `owner` is built in and already used; proposing another grant with it is fine
    const fine = withGrant(basePolicy, 'proposer', 'x:y');
    await admin.propose({ policy: fine, by: ana, reason: 'ok' });
    const typo: PolicyDocument = {
      version: 1,
      roles: { ...basePolicy.roles, agent: { allow: [{ permission: 'transcripts:read', when: 'ownr' }] } },
    };
    const error = await rejection(admin.propose({ policy: typo, by: ana, reason: 'x' }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.issues?.map((issue) => issue.path)).toEqual(['roles.agent.allow[0].when']);
    expect(error.message).toContain('unknown condition "ownr"');
  });

  it('compiles proposals with the rbac options through `validate`', async () => {
    const conditions = { businessHours: () => true };
    const rbac = createRbac(basePolicy, { conditions });
    const admin = createPolicyAdmin({
      rbac,
      validate: (policy) => {
        createRbac(policy, { conditions });
      },
    });
    const hours: PolicyDocument = {
      version: 1,
      roles: {
        ...basePolicy.roles,
        agent: { allow: [{ permission: 'transcripts:read', when: 'businessHours' }] },
      },
    };
    const change = await admin.propose({ policy: hours, by: ana, reason: 'x' });
    await admin.approve(change.id, bo);
    await admin.apply(change.id, ana);
    expect(rbac.can(eve, 'transcripts:read', { id: 't1' })).toBe(true);

    const unknown: PolicyDocument = {
      version: 1,
      roles: {
        ...basePolicy.roles,
        agent: { allow: [{ permission: 'transcripts:read', when: 'weekends' }] },
      },
    };
    expect((await rejection(admin.propose({ policy: unknown, by: ana, reason: 'x' }))).code).toBe(
      'CONFIG_INVALID',
    );
  });

  it('wraps a validate hook that throws a plain error in CONFIG_INVALID', async () => {
    const rbac = createRbac(basePolicy);
    const admin = createPolicyAdmin({
      rbac,
      validate: () => {
        throw new Error('suite failed');
      },
    });
    const error = await rejection(admin.propose({ policy: exportPolicy, by: ana, reason: 'x' }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.issues).toEqual([{ path: 'policy', message: 'refused by the validate option' }]);
  });

  it('compiles every proposal with the rbac own conditions: a permissive validate cannot let a broken policy through', async () => {
    const rbac = createRbac(basePolicy);
    const admin = createPolicyAdmin({ rbac, validate: () => undefined });
    const v0 = rbac.version;
    const error = await rejection(
      admin.propose({
        policy: {
          version: 1,
          roles: {
            ...basePolicy.roles,
            agent: { allow: [{ permission: 'transcripts:read', when: 'weekends' }] },
          },
        },
        by: ana,
        reason: 'x',
      }),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('unknown condition "weekends"');
    expect(rbac.version).toBe(v0);
    expect(await admin.list()).toEqual([]);
  });

  it('refuses a proposal with a grant outside the rbac permission vocabulary', async () => {
    const rbac = createRbac(basePolicy, {
      permissions: [
        'transcripts:read',
        'transcripts:export',
        'transcripts:delete',
        'policy:propose',
        'policy:approve',
        'policy:apply',
      ],
    });
    const admin = createPolicyAdmin({ rbac });
    const error = await rejection(
      admin.propose({ policy: withGrant(basePolicy, 'agent', 'transcipts:export'), by: ana, reason: 'typo' }),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('grant "transcipts:export" matches no known permission');
  });

  it('refuses malformed actors and proposals with ARGUMENT_INVALID', async () => {
    const { admin } = setup();
    const noId = { roles: ['proposer'] } as unknown as typeof ana;
    const error = await rejection(admin.propose({ policy: exportPolicy, by: noId, reason: 'x' }));
    expect(error.code).toBe('ARGUMENT_INVALID');
    expect(error.issues?.map((issue) => issue.path)).toEqual(['by.id']);
    expect(
      (await rejection(admin.propose({ policy: exportPolicy, by: { ...ana, id: '' }, reason: 'x' }))).code,
    ).toBe('ARGUMENT_INVALID');
    const blank = await rejection(admin.propose({ policy: exportPolicy, by: ana, reason: '   ' }));
    expect(blank.issues?.map((issue) => issue.path)).toEqual(['reason']);
    const change = await admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    expect((await rejection(admin.approve(change.id, { id: 'bo' } as typeof bo))).code).toBe(
      'ARGUMENT_INVALID',
    );
    expect((await rejection(admin.reject(change.id, bo, ''))).code).toBe('ARGUMENT_INVALID');
    expect((await rejection(admin.get(42 as unknown as string))).code).toBe('ARGUMENT_INVALID');
  });

  it('keeps history immune to later mutation of the proposed policy and of returned records', async () => {
    const { admin } = setup();
    const policy = structuredClone(exportPolicy) as {
      version: 1;
      roles: Record<string, { allow: string[] }>;
    };
    const change = await admin.propose({ policy, by: ana, reason: 'x' });
    policy.roles.agent?.allow.push('everything:*');
    expect(isDeepFrozen(change)).toBe(true);
    expect(() => {
      (change.approvals as { by: string; at: number }[]).push({ by: 'ana', at: 0 });
    }).toThrow(TypeError);
    const stored = await admin.get(change.id);
    expect(stored.policy).toEqual(exportPolicy);
    await admin.approve(change.id, bo);
    const applied = await admin.apply(change.id, ana);
    expect(applied.policy).toEqual(exportPolicy);
  });
});

describe('createPolicyAdmin: exclusive control of the rbac', () => {
  it('makes rbac.update() refuse with POLICY_CHANGE_UNAPPROVED once an admin controls it', () => {
    const rbac = createRbac(basePolicy);
    const v1 = rbac.update(searchPolicy).version; // ungoverned: allowed
    createPolicyAdmin({ rbac });
    const error = thrown(() => rbac.update(exportPolicy));
    expect(error.code).toBe('POLICY_CHANGE_UNAPPROVED');
    expect(rbac.version).toBe(v1);
  });

  it('refuses a second admin on the same rbac with CONFIG_INVALID', () => {
    const rbac = createRbac(basePolicy);
    createPolicyAdmin({ rbac });
    const error = thrown(() => createPolicyAdmin({ rbac }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.issues?.map((issue) => issue.path)).toEqual(['rbac']);
  });

  it('refuses invalid options with CONFIG_INVALID naming the path, without taking the rbac', () => {
    const rbac = createRbac(basePolicy);
    for (const [options, path] of [
      [{ requiredApprovals: 0 }, 'requiredApprovals'],
      [{ requiredApprovals: 1.5 }, 'requiredApprovals'],
      [{ history: {} }, 'history'],
      [{ now: 5 }, 'now'],
    ] as const) {
      const error = thrown(() => createPolicyAdmin({ rbac, ...(options as object) }));
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.issues?.map((issue) => issue.path)).toEqual([path]);
    }
    const fake = thrown(() => createPolicyAdmin({ rbac: { ...rbac, version: rbac.version } }));
    expect(fake.code).toBe('CONFIG_INVALID');
    expect(fake.issues?.map((issue) => issue.path)).toEqual(['rbac']);
    // still ungoverned
    expect(rbac.update(exportPolicy).version).toBe(rbac.version);
  });
});

describe('createPolicyAdmin: concurrency', () => {
  it('lets exactly one of two concurrent applies on the same base win', async () => {
    const clock = createManualClock();
    let next = 0;
    const rbac = createRbac(basePolicy);
    const admin = createPolicyAdmin({
      rbac,
      history: slowStore(memoryPolicyHistory()),
      now: clock.now,
      generateId: () => `chg-${++next}`,
    });
    const v0 = rbac.version;
    const first = await admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    const second = await admin.propose({ policy: searchPolicy, by: ana, reason: 'y' });
    await Promise.all([admin.approve(first.id, bo), admin.approve(second.id, bo)]);

    const outcomes = await Promise.allSettled([admin.apply(second.id, ana), admin.apply(first.id, ana)]);
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'POLICY_CHANGE_CONFLICT' });
    // calls are served in order: the first call wins
    const winner = (won[0] as PromiseFulfilledResult<PolicyChange>).value;
    expect(winner.id).toBe(second.id);
    expect(rbac.version).toBe(winner.appliedVersion);
    expect(rbac.version).not.toBe(v0);
    expect(rbac.can(eve, 'transcripts:search')).toBe(true);
    expect(rbac.can(eve, 'transcripts:export')).toBe(false);
    expect((await admin.history()).map((change) => change.id)).toEqual([second.id]);
  });

  it('counts concurrent approvals by one person once', async () => {
    const rbac = createRbac(basePolicy);
    const admin = createPolicyAdmin({
      rbac,
      history: slowStore(memoryPolicyHistory()),
      requiredApprovals: 2,
    });
    const change = await admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    const outcomes = await Promise.allSettled([admin.approve(change.id, bo), admin.approve(change.id, bo)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'POLICY_CHANGE_CONFLICT' });
    const after = await admin.get(change.id);
    expect(after.approvals).toHaveLength(1);
    expect(after.status).toBe('pending');
  });

  it('keeps serving calls after one fails', async () => {
    const { admin } = setup();
    const failed = admin.approve('nope', bo);
    const proposed = admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    expect((await rejection(failed)).code).toBe('POLICY_CHANGE_NOT_FOUND');
    expect((await proposed).status).toBe('pending');
  });
});

describe('createPolicyAdmin: history', () => {
  it('lists by status and returns applied changes oldest first, even within one millisecond', async () => {
    const { admin } = setup();
    const a = await admin.propose({ policy: exportPolicy, by: ana, reason: 'a' });
    await admin.approve(a.id, bo);
    await admin.apply(a.id, ana);
    // b reverts a, then c (proposed before b... against the policy a produced) is applied
    const b = await admin.propose({ policy: basePolicy, by: ana, reason: 'revert' });
    const c = await admin.propose({ policy: searchPolicy, by: ana, reason: 'c' });
    await admin.approve(b.id, bo);
    await admin.apply(b.id, ana);
    await admin.reject(c.id, bo, 'stale anyway');
    const d = await admin.propose({ policy: searchPolicy, by: ana, reason: 'd' });
    await admin.approve(d.id, cy);
    await admin.apply(d.id, ana);

    expect((await admin.history()).map((change) => [change.id, change.sequence])).toEqual([
      [a.id, 1],
      [b.id, 2],
      [d.id, 3],
    ]);
    expect((await admin.list()).map((change) => change.id)).toEqual([a.id, b.id, c.id, d.id]);
    expect((await admin.list({ status: 'rejected' })).map((change) => change.id)).toEqual([c.id]);
  });

  it('re-applies the approval rule to stored changes: raising requiredApprovals holds back approved ones', async () => {
    const history = memoryPolicyHistory();
    const first = createPolicyAdmin({ rbac: createRbac(basePolicy), history });
    const change = await first.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    await first.approve(change.id, bo);
    expect((await first.get(change.id)).status).toBe('approved');

    // a restart with a stricter rule, over the same history and the same policy
    const rbac = createRbac(basePolicy);
    const second = createPolicyAdmin({ rbac, history, requiredApprovals: 2 });
    expect((await second.get(change.id)).status).toBe('pending');
    expect((await second.list({ status: 'approved' })).length).toBe(0);
    const error = await rejection(second.apply(change.id, ana));
    expect(error.code).toBe('POLICY_CHANGE_UNAPPROVED');
    await second.approve(change.id, cy);
    expect((await second.apply(change.id, ana)).status).toBe('applied');
  });

  it('does not trust a stored record that claims approval without approvals', async () => {
    const history = memoryPolicyHistory();
    const rbac = createRbac(basePolicy);
    const admin = createPolicyAdmin({ rbac, history });
    const change = await admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    await history.save({ ...change, status: 'approved' });
    const v0 = rbac.version;
    expect((await rejection(admin.apply(change.id, ana))).code).toBe('POLICY_CHANGE_UNAPPROVED');
    expect(rbac.version).toBe(v0);
  });

  it('restores the previous policy when the history cannot record an applied change', async () => {
    const inner = memoryPolicyHistory();
    const failing: PolicyHistoryStore = {
      get: (id) => inner.get(id),
      list: () => inner.list(),
      async save(change) {
        if (change.status === 'applied') throw new Error('disk full');
        await inner.save(change);
      },
    };
    const rbac = createRbac(basePolicy);
    const events: string[] = [];
    const bus = createEventBus();
    bus.onAny((event) => {
      events.push(event.type);
    });
    const admin = createPolicyAdmin({ rbac, history: failing, bus });
    const v0 = rbac.version;
    const change = await admin.propose({ policy: exportPolicy, by: ana, reason: 'x' });
    await admin.approve(change.id, bo);
    await expect(admin.apply(change.id, ana)).rejects.toThrow('disk full');
    expect(rbac.version).toBe(v0);
    expect(rbac.can(eve, 'transcripts:export')).toBe(false);
    expect((await admin.get(change.id)).status).toBe('approved');
    expect(events).toEqual(['policy.change.proposed', 'policy.change.approved']);
  });
});
