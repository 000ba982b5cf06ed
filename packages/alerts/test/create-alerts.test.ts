import { createEventBus, type SecurityEvent } from '@secbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertChannel } from '../src/alert-channel.js';
import { verifyWebhook } from '../src/channels/http/verify-webhook.js';
import { webhookChannel } from '../src/channels/http/webhook-channel.js';
import { createAlerts, detectionEventFromAudit } from '../src/create-alerts.js';
import { builtinRules } from '../src/detect/builtin-rules.js';
import { type Receiver, startReceiver } from './channels/http/receiver.js';

/** A channel that accepts everything and keeps nothing. */
const quiet: AlertChannel = { name: 'quiet', send: async () => undefined };
const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const receivers: Receiver[] = [];
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('createAlerts: from the bus to a person', () => {
  it('a password guesser on the bus becomes one signed webhook notification and an alert.raised event', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const bus = createEventBus();
    const raised: SecurityEvent<'alert.raised'>[] = [];
    bus.on('alert.raised', (event) => {
      raised.push(event);
    });
    const alerts = createAlerts({
      bus,
      notifier: {
        route: { receiver: 'soc', groupWaitMs: 0 },
        receivers: { soc: [webhookChannel({ url: receiver.url, secret })] },
      },
    });
    for (let i = 0; i < 7; i++) {
      bus.emit('auth.failure', {
        provider: 'local',
        method: 'password',
        code: 'AUTH_INVALID_CREDENTIALS',
        username: 'alice',
        ip: '203.0.113.9',
        detail: 'typed password hunter2 into the user field', // free text never leaves
      });
    }
    await until(() => receiver.requests.length >= 1);
    await alerts.close();

    const bruteForce = raised.filter((event) => event.ruleId === 'auth.brute-force.user');
    expect(bruteForce).toHaveLength(1); // once, however many failures follow
    const request = receiver.requests[0];
    const verify = verifyWebhook({ secrets: [secret] });
    const payload = (await verify(request?.headers ?? {}, request?.body ?? '')) as {
      alerts: { ruleId: string; count: number; samples: Record<string, unknown>[] }[];
    };
    const alert = payload.alerts.find((a) => a.ruleId === 'auth.brute-force.user');
    expect(alert?.count).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(payload)).not.toContain('hunter2'); // samples keep allow-listed fields only
    expect(alert?.samples[0]).toMatchObject({ type: 'auth.failure', username: 'alice' });
  });

  it('alerts announced on the bus feed the repeat-offender rule, after the evaluation that raised them', async () => {
    let t = 1_700_000_000_000;
    const now = () => t;
    const bus = createEventBus({ now });
    const seen: string[] = [];
    bus.on('alert.raised', (event) => {
      seen.push(event.ruleId);
    });
    const alerts = createAlerts({
      bus,
      now,
      notifier: { route: { receiver: 'none' }, receivers: { none: [quiet] } },
    });
    // three bursts against one account, 11 minutes apart (past the 5-minute window and the
    // 10-minute cooldown), all within the hour the repeat-offender rule looks at
    for (let burst = 0; burst < 3; burst++) {
      for (let i = 0; i < 5; i++) {
        bus.emit('auth.failure', {
          provider: 'local',
          method: 'password',
          code: 'AUTH_INVALID_CREDENTIALS',
          username: 'alice',
          ip: '198.51.100.4',
        });
      }
      await Promise.resolve(); // the announcement is a microtask
      t += 11 * 60_000;
      alerts.detector.tick();
    }
    await alerts.close();
    expect(seen.filter((rule) => rule === 'auth.brute-force.user')).toHaveLength(3);
    expect(seen).toContain('alerts.repeat-offender');
    expect(seen.filter((rule) => rule === 'alerts.repeat-offender')).toHaveLength(1); // never about itself
  });

  it('rules run over an audit trail through detectionEventFromAudit', () => {
    const fired: string[] = [];
    const bus = createEventBus();
    const alerts = createAlerts({
      bus,
      rules: builtinRules(),
      notifier: { route: { receiver: 'none' }, receivers: { none: [quiet] } },
      detector: {},
    });
    // what @secbot/audit records for an unapproved policy change (auditEventFromSecurityEvent)
    const line = {
      actor: { id: 'mallory' },
      action: 'policy.change.applied',
      outcome: 'success',
      target: { type: 'policy-change', id: 'chg-9' },
      details: { eventTs: 1_700_000_000_000, proposedBy: 'mallory', approvedBy: [], changeId: 'chg-9' },
    };
    const event = detectionEventFromAudit(line, 1_700_000_000_500);
    expect(event).toMatchObject({ type: 'policy.change.applied', ts: 1_700_000_000_000, approvedBy: [] });
    bus.on('alert.raised', (e) => {
      fired.push(e.ruleId);
    });
    alerts.observe(event);
    expect(alerts.notifier.stats().alerts).toBeGreaterThanOrEqual(1);
    return alerts.close();
  });

  it('refuses bad options with CONFIG_INVALID naming the path', () => {
    expect(() =>
      createAlerts({ bus: {} as never, notifier: { route: { receiver: 'x' }, receivers: { x: [quiet] } } }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() =>
      createAlerts({
        bus: createEventBus(),
        tickIntervalMs: 1,
        notifier: { route: { receiver: 'x' }, receivers: { x: [quiet] } },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        issues: [expect.objectContaining({ path: 'tickIntervalMs' })],
      }),
    );
    expect(() =>
      createAlerts({
        bus: createEventBus(),
        notifier: { route: { receiver: 'missing' }, receivers: { x: [quiet] } },
      }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('detectionEventFromAudit never lets details override the event type, time or prototype', () => {
    const details = JSON.parse('{"type":"auth.success","ts":1,"__proto__":{"polluted":true},"jti":"t1"}');
    const event = detectionEventFromAudit(
      { actor: { id: 'u1', tenantId: 'acme' }, action: 'token.redeemed', outcome: 'success', details },
      42,
    );
    expect(event).toMatchObject({ type: 'token.redeemed', ts: 42, jti: 't1', tenantId: 'acme' });
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
