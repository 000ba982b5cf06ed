import { isSecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { builtinRuleIds, builtinRules } from '../../src/detect/builtin-rules.js';
import { parseRules } from '../../src/detect/parse-rules.js';
import { harness, minute } from './helpers.js';

const fail = (username: string, ip: string, code = 'AUTH_INVALID_CREDENTIALS') => ({ username, ip, code });

describe('builtinRules', () => {
  it('returns valid rules with unique ids, each with a severity and a title', () => {
    const rules = builtinRules();
    expect(rules.length).toBeGreaterThanOrEqual(10);
    expect(parseRules(rules).map((r) => r.id)).toEqual(builtinRuleIds);
  });

  it('applies overrides and disables by id; refuses unknown ids and fields of another kind', () => {
    const rules = builtinRules({
      disable: ['admin.off-hours'],
      overrides: { 'auth.brute-force.user': { count: 10 } },
    });
    expect(rules.find((r) => r.id === 'admin.off-hours')).toBeUndefined();
    expect(rules.find((r) => r.id === 'auth.brute-force.user')).toMatchObject({ count: 10 });
    for (const bad of [
      { disable: ['auth.nope'] },
      { overrides: { 'auth.nope': { count: 1 } } },
      { overrides: { 'auth.brute-force.user': { factor: 3 } } },
      { overrides: { 'auth.brute-force.user': { count: -1 } } },
      { allow: { cidrs: ['300.0.0.0/8'] } },
    ]) {
      let error: unknown;
      try {
        builtinRules(bad as never);
      } catch (e) {
        error = e;
      }
      expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
    }
  });
});

describe('built-in rules fire on their attacks', () => {
  it('auth.brute-force.user: 5 failures for one user in 5 minutes', () => {
    const h = harness(builtinRules());
    for (let i = 0; i < 4; i++) h.emit('auth.failure', fail('ana', `192.0.2.${i}`));
    expect(h.of('auth.brute-force.user')).toHaveLength(0);
    h.emit('auth.failure', fail('ana', '192.0.2.9'));
    expect(h.of('auth.brute-force.user')[0]).toMatchObject({
      groupKey: 'username=ana',
      count: 5,
      severity: 'high',
    });
    expect(h.of('auth.brute-force.user')[0]?.mitre).toEqual(['T1110.001']);
  });

  it('auth.brute-force.ip: 20 failures from one IPv6 /64, whatever the host part', () => {
    const h = harness(builtinRules());
    for (let i = 0; i < 20; i++)
      h.emit('auth.failure', fail(`u${i % 3}`, `2001:db8:1:2::${(i + 1).toString(16)}`));
    expect(h.of('auth.brute-force.ip')[0]?.groupKey).toBe('ip=2001:db8:1:2::/64');
  });

  it('auth.password-spraying: 10 distinct users from one address', () => {
    const h = harness(builtinRules());
    for (let i = 0; i < 10; i++) h.emit('auth.failure', fail(`user${i}`, '203.0.113.5'));
    expect(h.of('auth.password-spraying')[0]).toMatchObject({ count: 10, groupKey: 'ip=203.0.113.5' });
    expect(h.of('auth.brute-force.user')).toHaveLength(0);
  });

  it('auth.failures-then-success: 5 failures then a success from the same address', () => {
    const h = harness(builtinRules());
    for (let i = 0; i < 5; i++) h.emit('auth.failure', fail('ana', '198.51.100.7'));
    h.emit('auth.success', { actor: { id: 'ana' }, ip: '198.51.100.8' });
    expect(h.of('auth.failures-then-success')).toHaveLength(0);
    h.emit('auth.success', { actor: { id: 'ana' }, ip: '198.51.100.7' });
    expect(h.of('auth.failures-then-success')[0]).toMatchObject({ severity: 'critical', count: 6 });
  });

  it('auth.token-replay and auth.revoked-token-use', () => {
    const h = harness(builtinRules());
    h.emit('token.redeemed', { jti: 'j1' });
    h.emit('token.redeemed', { jti: 'j2' });
    expect(h.of('auth.token-replay')).toHaveLength(0);
    h.clock.advance(60 * minute);
    h.emit('token.redeemed', { jti: 'j1', ip: '192.0.2.1' });
    expect(h.of('auth.token-replay')[0]?.groupKey).toBe('jti=j1');
    h.emit('auth.failure', { code: 'AUTH_TOKEN_REVOKED', ip: '192.0.2.1' });
    h.emit('auth.failure', { code: 'AUTH_TOKEN_REVOKED', ip: '192.0.2.1' }); // cooldown
    expect(h.of('auth.revoked-token-use')).toHaveLength(1);
  });

  it('rbac.denials.burst and rbac.denials.spike', () => {
    const h = harness(builtinRules());
    for (let i = 0; i < 10; i++)
      h.emit('access.denied', { actor: { id: 'eve' }, tenantId: 't1', permission: 'x:y' });
    expect(h.of('rbac.denials.burst')[0]?.groupKey).toBe('actor.id=eve');
    expect(h.of('rbac.denials.spike')[0]).toMatchObject({ groupKey: 'tenantId=t1', count: 10 });
  });

  it('rbac.self-grant fires only when actor and subject are the same', () => {
    const h = harness(builtinRules());
    h.emit('role.granted', { actor: { id: 'root' }, subject: { id: 'eve' }, role: 'admin' });
    expect(h.of('rbac.self-grant')).toHaveLength(0);
    h.emit('role.granted', { actor: { id: 'eve' }, subject: { id: 'eve' }, role: 'admin' });
    expect(h.of('rbac.self-grant')[0]?.summary).toBe('eve granted role admin to themselves');
  });

  it('rbac.admin-after-role-change and data.export-after-role-change', () => {
    const h = harness(builtinRules());
    h.clock.set(Date.UTC(2026, 0, 5, 10)); // a Monday, business hours
    h.emit('role.granted', { actor: { id: 'root' }, subject: { id: 'eve' }, role: 'admin' });
    h.clock.advance(10 * minute);
    h.emit('access.granted', { actor: { id: 'eve' }, permission: 'users:delete', role: 'admin' });
    expect(h.of('rbac.admin-after-role-change')[0]?.groupKey).toBe('actor.id=eve');
    for (let i = 0; i < 10; i++)
      h.emit('access.granted', { actor: { id: 'eve' }, permission: 'transcripts:export' });
    expect(h.of('data.export-after-role-change')).toHaveLength(1);
    expect(h.of('admin.off-hours')).toHaveLength(0);
  });

  it('data.mass-export: 20 exports in 10 minutes', () => {
    const h = harness(builtinRules());
    for (let i = 0; i < 20; i++)
      h.emit('access.granted', { actor: { id: 'bob' }, permission: 'transcripts:export' });
    expect(h.of('data.mass-export')[0]?.count).toBe(20);
  });

  it('admin.off-hours: Sunday night admin access, in the tenant time zone', () => {
    const h = harness(builtinRules(), { timezones: { acme: 'Asia/Tokyo' } });
    h.clock.set(Date.UTC(2026, 0, 5, 1)); // Monday 10:00 in Tokyo, Monday 01:00 UTC
    h.emit('access.granted', { actor: { id: 'a' }, role: 'admin', tenantId: 'acme', permission: 'p' });
    expect(h.of('admin.off-hours')).toHaveLength(0);
    h.emit('access.granted', { actor: { id: 'b' }, role: 'admin', tenantId: 'other', permission: 'p' });
    expect(h.of('admin.off-hours').map((a) => a.groupKey)).toEqual(['actor.id=b']);
  });

  it('policy.unapproved-change: applied with an empty approvedBy', () => {
    const h = harness(builtinRules());
    h.emit('policy.change.applied', { changeId: 'c1', proposedBy: 'ana', approvedBy: ['bob'] });
    expect(h.of('policy.unapproved-change')).toHaveLength(0);
    h.emit('policy.change.applied', { changeId: 'c2', proposedBy: 'ana', approvedBy: [] });
    h.emit('policy.change.applied', { changeId: 'c3', proposedBy: 'ana' });
    expect(h.of('policy.unapproved-change').map((a) => a.groupKey)).toEqual(['changeId=c2', 'changeId=c3']);
  });

  it('audit.chain-broken and crypto.decrypt-failures', () => {
    const h = harness(builtinRules());
    h.emit('audit.chain_broken', { seq: 41, reason: 'mac-mismatch', source: 'audit.log' });
    expect(h.of('audit.chain-broken')[0]?.summary).toBe(
      'The audit chain of audit.log is broken at line 41 (mac-mismatch)',
    );
    for (let i = 0; i < 3; i++)
      h.emit('crypto.decrypt_failed', { code: 'CRYPTO_DECRYPT_FAILED', tenantId: 't1' });
    expect(h.of('crypto.decrypt-failures')).toHaveLength(1);
  });

  it('message.prompt-injection: from message.redacted findings and injection.detected', () => {
    const h = harness(builtinRules());
    h.emit('message.redacted', { ip: '192.0.2.1', findings: [{ type: 'EMAIL', count: 1 }] });
    h.emit('message.redacted', {
      ip: '192.0.2.1',
      findings: [
        { type: 'EMAIL', count: 1 },
        { type: 'PROMPT_INJECTION', count: 1 },
      ],
    });
    h.emit('injection.detected', { ip: '192.0.2.1' });
    expect(h.of('message.prompt-injection')).toHaveLength(0);
    h.emit('injection.detected', { ip: '192.0.2.1' });
    expect(h.of('message.prompt-injection')[0]?.count).toBe(3);
  });
});

describe('alerts.repeat-offender', () => {
  it('escalates a rule that keeps alerting for one group, and never feeds on its own alerts', () => {
    const h = harness(builtinRules());
    let raised = 0;
    // The composition: every alert goes back onto the bus as alert.raised, which the detector observes.
    const relay = (alert: {
      id: string;
      ruleId: string;
      groupKey: string;
      severity: string;
      status: string;
    }) => {
      if (alert.status !== 'firing' || raised++ > 1000) return;
      h.detector.observe({
        type: 'alert.raised',
        ts: h.clock.now(),
        alertId: alert.id,
        ruleId: alert.ruleId,
        groupKey: alert.groupKey,
        severity: alert.severity,
      });
    };
    const original = h.alerts.push.bind(h.alerts);
    h.alerts.push = (...alerts) => {
      const n = original(...alerts);
      for (const alert of alerts) relay(alert);
      return n;
    };
    for (let round = 0; round < 3; round++) {
      h.emit('audit.chain_broken', { seq: round, reason: 'r', source: 'a.log' });
      h.clock.advance(minute);
    }
    expect(h.of('audit.chain-broken')).toHaveLength(3);
    expect(h.of('alerts.repeat-offender')).toHaveLength(1);
    expect(h.of('alerts.repeat-offender')[0]).toMatchObject({ severity: 'critical', count: 3 });
    // Its own alert.raised went back in and was ignored: no loop, no second-order alert.
    expect(raised).toBe(4);
  });

  it('a user rule on alert.raised cannot loop either', () => {
    const h = harness([
      { id: 'echo', kind: 'every', title: 'Echo', severity: 'low', match: { type: 'alert.raised' } },
    ]);
    h.detector.observe({ type: 'alert.raised', ts: 1, ruleId: 'other' });
    for (let i = 0; i < 5; i++) {
      const alert = h.alerts.at(-1);
      h.detector.observe({ type: 'alert.raised', ts: 1, ruleId: alert?.ruleId });
    }
    expect(h.alerts).toHaveLength(1);
  });
});
