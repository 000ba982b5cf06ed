import { createEventBus, type SecurityEvent } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import {
  createRbac,
  type PolicyDocument,
  type PolicyTestSuite,
  parsePolicyTests,
  runPolicyTests,
} from '../src/index.js';
import { thrown } from './policy-admin-helpers.js';

const policy: PolicyDocument = {
  version: 1,
  roles: {
    customer: { allow: ['bot:chat', { permission: 'transcripts:read', when: 'owner' }] },
    agent: { inherits: ['customer'], allow: ['transcripts:read'], deny: ['transcripts:delete'] },
    reviewer: { allow: [{ permission: 'transcripts:export', when: 'business' }] },
  },
};

const passing: PolicyTestSuite = {
  tests: [
    { name: 'customers chat', subject: { roles: ['customer'] }, permission: 'bot:chat', expect: 'allow' },
    {
      name: 'customers read their own transcripts',
      subject: { id: 'ana', roles: ['customer'] },
      permission: 'transcripts:read',
      resource: { ownerId: 'ana' },
      expect: 'allow',
      reason: 'granted',
    },
    {
      name: 'not those of others',
      subject: { id: 'ana', roles: ['customer'] },
      permission: 'transcripts:read',
      resource: { ownerId: 'bo' },
      expect: 'deny',
      reason: 'condition-failed',
    },
    {
      subject: { roles: ['agent'] },
      permission: 'transcripts:delete',
      expect: 'deny',
      reason: 'denied-by-rule',
    },
    {
      name: 'tenant roles stay in their tenant',
      subject: { roles: ['agent@acme'] },
      permission: 'transcripts:read',
      resource: { tenantId: 'globex' },
      expect: 'deny',
      reason: 'tenant-mismatch',
    },
  ],
};

describe('runPolicyTests', () => {
  it('passes a suite whose expectations hold, with exact counts and decisions', () => {
    const report = runPolicyTests(policy, passing, { conditions: { business: () => true } });
    expect(report.passed).toBe(5);
    expect(report.failed).toBe(0);
    expect(report.results.map((result) => result.name)).toEqual([
      'customers chat',
      'customers read their own transcripts',
      'not those of others',
      'tests[3]',
      'tenant roles stay in their tenant',
    ]);
    expect(report.results[3]).toEqual({
      name: 'tests[3]',
      expected: 'deny',
      expectedReason: 'denied-by-rule',
      decision: { allowed: false, reason: 'denied-by-rule', role: 'agent', rule: 'transcripts:delete' },
      ok: true,
    });
    expect(report.results.every((result) => result.ok)).toBe(true);
  });

  it('reports each failing test, including a right outcome for the wrong reason', () => {
    const report = runPolicyTests(
      policy,
      {
        tests: [
          { name: 'ok', subject: { roles: ['agent'] }, permission: 'transcripts:read', expect: 'allow' },
          {
            name: 'wrong outcome',
            subject: { roles: ['customer'] },
            permission: 'transcripts:delete',
            expect: 'allow',
          },
          {
            name: 'wrong reason',
            subject: { roles: ['customer'] },
            permission: 'transcripts:delete',
            expect: 'deny',
            reason: 'denied-by-rule',
          },
          {
            name: 'ok too',
            subject: { roles: [] },
            permission: 'bot:chat',
            expect: 'deny',
            reason: 'no-grant',
          },
          {
            name: 'malformed permission',
            subject: { roles: ['agent'] },
            permission: 'a::b',
            expect: 'allow',
          },
        ],
      },
      { conditions: { business: () => true } },
    );
    expect(report.passed).toBe(2);
    expect(report.failed).toBe(3);
    expect(report.results.map((result) => [result.name, result.ok])).toEqual([
      ['ok', true],
      ['wrong outcome', false],
      ['wrong reason', false],
      ['ok too', true],
      ['malformed permission', false],
    ]);
    expect(report.results[2]?.decision).toEqual({ allowed: false, reason: 'no-grant' });
    expect(report.results[4]?.decision.reason).toBe('invalid-permission');
  });

  it('runs against a compiled Rbac with its own conditions, tagging emitted events as policy tests', () => {
    const bus = createEventBus();
    const events: SecurityEvent[] = [];
    bus.onAny((event) => {
      events.push(event);
    });
    const rbac = createRbac(policy, { bus, conditions: { business: () => false } });
    const report = runPolicyTests(rbac, {
      tests: [
        {
          subject: { roles: ['reviewer'] },
          permission: 'transcripts:export',
          resource: { id: 't1' },
          expect: 'deny',
          reason: 'condition-failed',
        },
      ],
    });
    expect(report).toMatchObject({ passed: 1, failed: 0 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'access.denied',
      channel: 'policy-test',
      permission: 'transcripts:export',
    });
  });

  it('refuses an invalid policy document with CONFIG_INVALID', () => {
    const bad = { version: 1, roles: { a: { allow: ['x::y'] } } } as PolicyDocument;
    const error = thrown(() => runPolicyTests(bad, passing));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.issues?.map((issue) => issue.path)).toEqual(['roles.a.allow[0]']);
    // a condition the policy uses but the options do not register
    expect(thrown(() => runPolicyTests(policy, passing)).code).toBe('CONFIG_INVALID');
  });

  it('refuses rbac options next to a compiled Rbac, rather than ignoring them', () => {
    const rbac = createRbac({ version: 1, roles: { a: { allow: ['x:y'] } } });
    expect(thrown(() => runPolicyTests(rbac, passing, { conditions: {} })).code).toBe('ARGUMENT_INVALID');
  });

  it('refuses malformed suites with CONFIG_INVALID naming each path', () => {
    const cases: [unknown, string[]][] = [
      [{}, ['tests']],
      [{ tests: [] }, ['tests']],
      [{ tests: [{ subject: { roles: ['a'] }, permission: 'x:y', expect: 'maybe' }] }, ['tests[0].expect']],
      [
        { tests: [{ subject: { roles: 'admin' }, permission: 'x:y', expect: 'allow' }] },
        ['tests[0].subject.roles'],
      ],
      [
        { tests: [{ subject: { roles: [] }, permission: 'x:y', expected: 'allow' }] },
        ['tests[0].expect', 'tests[0]'],
      ],
      [
        { tests: [{ subject: { roles: [] }, permission: 'x:y', expect: 'allow', reason: 'no-grant' }] },
        ['tests[0].reason'],
      ],
      [
        { tests: [{ subject: { roles: [] }, permission: 'x:y', expect: 'deny', reason: 'because' }] },
        ['tests[0].reason'],
      ],
      [
        { tests: [{ subject: { roles: [] }, permission: 'x:y', expect: 'deny', resource: 'doc-1' }] },
        ['tests[0].resource'],
      ],
      [{ tests: [{ subject: { roles: [] }, permission: 'x:y', expect: 'deny' }], extra: true }, ['']],
      [null, ['']],
    ];
    for (const [suite, paths] of cases) {
      const error = thrown(() => runPolicyTests(policy, suite as PolicyTestSuite));
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.issues?.map((issue) => issue.path)).toEqual(paths);
    }
  });
});

describe('parsePolicyTests', () => {
  it('reads YAML', () => {
    const suite = parsePolicyTests(`
tests:
  - name: agents cannot delete
    subject: { roles: [agent] }
    permission: transcripts:delete
    expect: deny
    reason: denied-by-rule
  - subject:
      id: ana
      roles: [customer]
    permission: transcripts:read
    resource: { ownerId: ana }
    expect: allow
`);
    expect(suite.tests).toHaveLength(2);
    expect(runPolicyTests(policy, suite, { conditions: { business: () => true } })).toMatchObject({
      passed: 2,
      failed: 0,
    });
  });

  it('reads JSON', () => {
    const suite = parsePolicyTests(JSON.stringify(passing));
    expect(suite).toEqual(passing);
  });

  it('refuses text that is not a suite with CONFIG_INVALID', () => {
    expect(thrown(() => parsePolicyTests('tests: [unclosed')).code).toBe('CONFIG_INVALID');
    expect(thrown(() => parsePolicyTests('tests:\n  - a\ntests: []\n')).code).toBe('CONFIG_INVALID');
    const shape = thrown(() =>
      parsePolicyTests('tests:\n  - subject: { roles: [a] }\n    permission: x:y\n'),
    );
    expect(shape.issues?.map((issue) => issue.path)).toEqual(['tests[0].expect']);
    expect(thrown(() => parsePolicyTests('x'.repeat(10 * 1024 * 1024 + 1))).code).toBe('CONFIG_INVALID');
    expect(thrown(() => parsePolicyTests(42 as unknown as string)).code).toBe('CONFIG_INVALID');
  });

  it('refuses a YAML alias bomb', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 150; i++) lines.push(`b${i}: &b${i} [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]`);
    expect(thrown(() => parsePolicyTests(lines.join('\n'))).code).toBe('CONFIG_INVALID');
  });
});
