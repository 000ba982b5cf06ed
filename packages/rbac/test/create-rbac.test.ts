import { createEventBus, isSecbotError, type SecurityEvent } from '@secbot/core';
import { describe, expect, it, vi } from 'vitest';
import { createRbac, type PolicyDocument } from '../src/index.js';

const policy: PolicyDocument = {
  version: 1,
  roles: {
    guest: { allow: ['bot:chat'] },
    customer: { inherits: ['guest'], allow: [{ permission: 'transcripts:read', when: 'owner' }] },
    agent: {
      inherits: ['customer'],
      allow: ['transcripts:*', 'bot:command:*'],
      deny: ['transcripts:delete', 'transcripts:read:ssn'],
    },
    supervisor: { inherits: ['agent'], allow: ['audit:search', 'transcripts:delete'] },
    admin: { scope: 'platform', allow: ['*'], deny: ['audit:delete'] },
  },
};

const sub = (roles: string[], extra: { id?: string; tenantId?: string } = {}) => ({ roles, ...extra });

describe('decisions', () => {
  const rbac = createRbac(policy);

  it('denies by default: no roles, unknown roles, unknown permissions', () => {
    expect(rbac.check(sub([]), 'bot:chat')).toEqual({ allowed: false, reason: 'no-grant' });
    expect(rbac.can(sub(['ghost']), 'bot:chat')).toBe(false);
    expect(rbac.can(sub(['guest']), 'billing:read')).toBe(false);
  });

  it('inherits grants transitively and explains which role and rule decided', () => {
    expect(rbac.check(sub(['supervisor']), 'bot:chat')).toEqual({
      allowed: true,
      reason: 'granted',
      role: 'guest',
      rule: 'bot:chat',
    });
    expect(rbac.check(sub(['agent']), 'transcripts:export')).toMatchObject({
      allowed: true,
      role: 'agent',
      rule: 'transcripts:*',
    });
  });

  it('lets deny override allow at any depth of inheritance', () => {
    // agent denies transcripts:delete; supervisor inherits that deny, so its own allow loses
    expect(rbac.check(sub(['supervisor']), 'transcripts:delete')).toEqual({
      allowed: false,
      reason: 'denied-by-rule',
      role: 'agent',
      rule: 'transcripts:delete',
    });
    // a deny held through one role beats an allow held through another
    expect(rbac.can(sub(['admin', 'agent']), 'transcripts:delete')).toBe(false);
  });

  it('matches * per segment and covers deeper permissions by prefix', () => {
    expect(rbac.can(sub(['agent']), 'bot:command:export')).toBe(true);
    expect(rbac.can(sub(['agent']), 'bot:chat:extra')).toBe(true); // bot:chat covers its children
    expect(rbac.can(sub(['agent']), 'bot:admin')).toBe(false);
    expect(rbac.can(sub(['agent']), 'transcripts:read:text')).toBe(true);
    expect(rbac.can(sub(['agent']), 'transcripts:read:ssn')).toBe(false);
    expect(rbac.can(sub(['admin@*']), 'anything:at:all')).toBe(true);
    expect(rbac.can(sub(['admin@*']), 'audit:delete')).toBe(false);
  });

  it('treats malformed permissions as denied, never as a throw', () => {
    for (const permission of [
      '',
      ':',
      'a::b',
      '*',
      'transcripts:*',
      'a b:c',
      'x'.repeat(300),
      'a:b:c:d:e:f',
      '\u0000:x',
    ]) {
      expect(rbac.check(sub(['admin@*']), permission).allowed, JSON.stringify(permission)).toBe(false);
    }
    expect(rbac.check(sub(['admin@*']), 'a b:c').reason).toBe('invalid-permission');
    expect(rbac.can(null as never, 'bot:chat')).toBe(false);
    expect(rbac.can({ roles: 'admin' } as never, 'bot:chat')).toBe(false);
    expect(rbac.can({ roles: [42, null, 'guest'] } as never, 'bot:chat')).toBe(true);
    expect(rbac.can(sub(['guest']), 42 as never)).toBe(false);
  });

  it('authorize throws RBAC_DENIED with the explanation for logs and a generic public message', () => {
    expect(() => rbac.authorize(sub(['agent']), 'transcripts:export')).not.toThrow();
    try {
      rbac.authorize(sub(['supervisor']), 'transcripts:delete');
      expect.unreachable();
    } catch (error) {
      expect(isSecbotError(error, 'RBAC_DENIED')).toBe(true);
      expect((error as Error).message).toContain('denied-by-rule');
      expect((error as Error).message).toContain('agent');
      expect((error as { publicMessage: string }).publicMessage).toBe('Forbidden');
    }
  });

  it('returns the same frozen decision objects, so callers cannot tamper with cached answers', () => {
    const decision = rbac.check(sub(['guest']), 'bot:chat');
    expect(Object.isFrozen(decision)).toBe(true);
    expect(rbac.check(sub(['guest']), 'bot:chat')).toBe(decision);
  });
});

describe('conditions', () => {
  it('grants with owner only on the subject own resources, and explains a failed condition', () => {
    const rbac = createRbac(policy);
    const ana = sub(['customer'], { id: 'ana' });
    expect(rbac.can(ana, 'transcripts:read', { ownerId: 'ana' })).toBe(true);
    expect(rbac.check(ana, 'transcripts:read', { ownerId: 'bob' })).toEqual({
      allowed: false,
      reason: 'condition-failed',
      role: 'customer',
      rule: 'transcripts:read when owner',
    });
    // without a resource, a conditional allow does not apply
    expect(rbac.can(ana, 'transcripts:read')).toBe(false);
    // a subject without an id owns nothing, even a resource without an owner
    expect(rbac.can(sub(['customer']), 'transcripts:read', {})).toBe(false);
  });

  it('runs a condition only when the decision depends on it', () => {
    const premium = vi.fn(() => true);
    const rbac = createRbac(
      {
        version: 1,
        roles: {
          user: { allow: [{ permission: 'reports:read', when: 'premium' }] },
          staff: { allow: ['reports:read'] },
          banned: { deny: ['reports:read'] },
        },
      },
      { conditions: { premium } },
    );
    expect(rbac.can(sub(['staff', 'user']), 'reports:read', {})).toBe(true);
    expect(rbac.can(sub(['banned', 'user']), 'reports:read', {})).toBe(false);
    expect(premium).not.toHaveBeenCalled();
    expect(rbac.can(sub(['user']), 'reports:read', { tier: 'gold' })).toBe(true);
    expect(premium).toHaveBeenCalledTimes(1);
  });

  it('fails closed when a condition throws: an allow fails, a deny holds', () => {
    const boom = () => {
      throw new Error('lookup failed');
    };
    const rbac = createRbac(
      {
        version: 1,
        roles: {
          a: { allow: [{ permission: 'x:read', when: 'boom' }] },
          b: { allow: ['x:read'], deny: [{ permission: 'x:read', when: 'boom' }] },
        },
      },
      { conditions: { boom } },
    );
    expect(rbac.check(sub(['a']), 'x:read', {}).reason).toBe('condition-failed');
    expect(rbac.check(sub(['b']), 'x:read', {}).reason).toBe('denied-by-rule');
    // a conditional deny with no resource to judge also holds
    expect(rbac.can(sub(['b']), 'x:read')).toBe(false);
  });
});

describe('tenant scopes', () => {
  const rbac = createRbac(policy);

  it('lets a role held in tenant A grant nothing on a resource of tenant B', () => {
    const acmeAgent = sub(['agent'], { tenantId: 'acme' });
    expect(rbac.can(acmeAgent, 'transcripts:export', { tenantId: 'acme' })).toBe(true);
    expect(rbac.check(acmeAgent, 'transcripts:export', { tenantId: 'globex' })).toEqual({
      allowed: false,
      reason: 'tenant-mismatch',
      role: 'agent',
      rule: 'transcripts:*',
    });
  });

  it('binds qualified roles to their tenant', () => {
    const consultant = sub(['agent@globex', 'guest@acme']);
    expect(rbac.can(consultant, 'transcripts:export', { tenantId: 'globex' })).toBe(true);
    expect(rbac.can(consultant, 'transcripts:export', { tenantId: 'acme' })).toBe(false);
    expect(rbac.can(consultant, 'bot:chat', { tenantId: 'acme' })).toBe(true);
  });

  it('grants across tenants only to a platform role bound explicitly with @*', () => {
    expect(rbac.can(sub(['admin@*']), 'billing:write', { tenantId: 'globex' })).toBe(true);
    // a platform role held in one tenant acts only there
    expect(rbac.can(sub(['admin'], { tenantId: 'acme' }), 'billing:write', { tenantId: 'globex' })).toBe(
      false,
    );
    // a tenant role cannot be made cross-tenant by writing @*
    expect(rbac.can(sub(['agent@*']), 'transcripts:export', { tenantId: 'globex' })).toBe(false);
    expect(rbac.can(sub(['agent@*']), 'transcripts:export')).toBe(false);
  });

  it('does not let roles held in no tenant act on tenant resources', () => {
    expect(rbac.can(sub(['agent']), 'transcripts:export')).toBe(true);
    expect(rbac.can(sub(['agent']), 'transcripts:export', { tenantId: 'acme' })).toBe(false);
  });
});

describe('field-level reads', () => {
  it('lists the fields a subject may read, honouring field denies', () => {
    const rbac = createRbac(policy);
    const fields = ['text', 'ssn', 'email', 'bad field'] as const;
    expect(rbac.allowedFields(sub(['agent']), 'transcripts:read', fields)).toEqual(['text', 'email']);
    expect(rbac.allowedFields(sub(['guest']), 'transcripts:read', fields)).toEqual([]);
    expect(
      rbac.allowedFields(sub(['customer'], { id: 'c' }), 'transcripts:read', fields, { ownerId: 'c' }),
    ).toEqual(['text', 'ssn', 'email']);
  });
});

describe('roles arrays that change', () => {
  it('never serves a stale decision after the same roles array is mutated', () => {
    const rbac = createRbac(policy);
    const roles = ['admin@*'];
    const subject = { roles };
    expect(rbac.can(subject, 'billing:write')).toBe(true);
    roles[0] = 'guest';
    expect(rbac.can(subject, 'billing:write')).toBe(false);
    roles.push('agent');
    expect(rbac.can(subject, 'transcripts:export')).toBe(true);
    const tenantSubject = { roles: ['agent'], tenantId: 'acme' };
    expect(rbac.can(tenantSubject, 'x:y', { tenantId: 'acme' })).toBe(false);
    expect(rbac.can(tenantSubject, 'transcripts:read:text', { tenantId: 'acme' })).toBe(true);
    (tenantSubject as { tenantId: string }).tenantId = 'globex';
    expect(rbac.can(tenantSubject, 'transcripts:read:text', { tenantId: 'acme' })).toBe(false);
  });
});

describe('names that are JavaScript built-ins', () => {
  it('treats __proto__, constructor and prototype as ordinary role, resource and tenant names', () => {
    const doc = JSON.parse(
      '{"version":1,"roles":{"__proto__":{"allow":["constructor:read"]},"constructor":{"inherits":["__proto__"],"allow":["__proto__:write"]},"prototype":{}}}',
    ) as PolicyDocument;
    const rbac = createRbac(doc);
    expect(rbac.can(sub(['__proto__']), 'constructor:read')).toBe(true);
    expect(rbac.can(sub(['constructor']), 'constructor:read')).toBe(true);
    expect(rbac.can(sub(['constructor']), '__proto__:write')).toBe(true);
    expect(rbac.can(sub(['prototype']), 'constructor:read')).toBe(false);
    expect(rbac.can(sub(['toString', 'hasOwnProperty']), 'constructor:read')).toBe(false);
    expect(rbac.can(sub(['__proto__@__proto__']), 'constructor:read', { tenantId: '__proto__' })).toBe(true);
    expect(({} as Record<string, unknown>).allow).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('constructor:read');
  });
});

describe('events', () => {
  it('emits access.denied with actor, target, rule and request facts', () => {
    const bus = createEventBus({ now: () => 5 });
    const events: SecurityEvent[] = [];
    bus.onAny((event) => {
      events.push(event);
    });
    const rbac = createRbac(policy, { bus });
    rbac.can(sub(['guest'], { id: 'u1', tenantId: 'acme' }), 'bot:chat', { tenantId: 'acme' });
    rbac.can(
      sub(['supervisor'], { id: 'u2', tenantId: 'acme' }),
      'transcripts:delete',
      { type: 'transcript', id: 't9', tenantId: 'acme' },
      { requestId: 'r1', channel: 'http', ip: '192.0.2.1' },
    );
    expect(events).toEqual([
      {
        type: 'access.denied',
        ts: 5,
        actor: { id: 'u2', roles: ['supervisor'], tenantId: 'acme' },
        permission: 'transcripts:delete',
        target: { type: 'transcript', id: 't9' },
        reason: 'denied-by-rule',
        role: 'agent',
        rule: 'transcripts:delete',
        requestId: 'r1',
        channel: 'http',
        ip: '192.0.2.1',
        tenantId: 'acme',
      },
    ]);
  });

  it('samples access.granted at the configured rate', () => {
    const bus = createEventBus();
    let granted = 0;
    bus.on('access.granted', () => {
      granted += 1;
    });
    let n = 0;
    const rbac = createRbac(policy, { bus, grantedSampleRate: 0.25, random: () => (n++ % 4) / 4 });
    for (let i = 0; i < 100; i++) rbac.can(sub(['guest']), 'bot:chat');
    expect(granted).toBe(25);
  });
});

describe('update', () => {
  it('swaps the policy atomically, changes the version, and keeps the old one when the new is invalid', () => {
    const rbac = createRbac(policy);
    const before = rbac.version;
    expect(rbac.can(sub(['guest']), 'faq:read')).toBe(false);
    const next: PolicyDocument = {
      ...policy,
      roles: { ...policy.roles, guest: { allow: ['bot:chat', 'faq:read'] } },
    };
    const result = rbac.update(next);
    expect(result.version).not.toBe(before);
    expect(rbac.version).toBe(result.version);
    expect(rbac.can(sub(['guest']), 'faq:read')).toBe(true);
    expect(() => rbac.update({ version: 1, roles: { a: { inherits: ['missing'] } } })).toThrow(
      /unknown role "missing"/,
    );
    expect(rbac.version).toBe(result.version);
    expect(rbac.can(sub(['guest']), 'faq:read')).toBe(true);
  });

  it('recompiles only the changed role and the roles that inherit from it', () => {
    const rbac = createRbac(policy);
    // guest is inherited by customer, agent, supervisor: 4 roles change; admin is reused
    const next: PolicyDocument = {
      ...policy,
      roles: { ...policy.roles, guest: { allow: ['bot:chat', 'faq:read'] } },
    };
    expect(rbac.update(next).recompiled).toBe(4);
    // admin inherits nothing and nothing inherits admin: changing it recompiles it alone
    expect(
      rbac.update({ ...next, roles: { ...next.roles, admin: { scope: 'platform', allow: ['*'] } } })
        .recompiled,
    ).toBe(1);
    expect(rbac.update(rbac.policy).recompiled).toBe(0);
  });

  it('gives equal documents equal versions, whatever the key order', () => {
    const a = createRbac({ version: 1, roles: { x: { allow: ['a:b'], deny: ['c:d'] }, y: {} } });
    const b = createRbac({ roles: { y: {}, x: { deny: ['c:d'], allow: ['a:b'] } }, version: 1 });
    expect(a.version).toBe(b.version);
    expect(a.version).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('exposes the policy in force deep-frozen, unaffected by later changes to the input', () => {
    const input = structuredClone(policy) as { version: 1; roles: Record<string, { allow?: string[] }> };
    const rbac = createRbac(input as PolicyDocument);
    input.roles.guest?.allow?.push('secrets:read');
    expect(rbac.can(sub(['guest']), 'secrets:read')).toBe(false);
    expect(Object.isFrozen(rbac.policy.roles)).toBe(true);
    expect(() => {
      (rbac.policy.roles as Record<string, unknown>).evil = {};
    }).toThrow();
  });
});
