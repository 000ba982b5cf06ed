import { isSecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import type { AlertChannel } from '../../src/alert-channel.js';
import { createNotifier } from '../../src/notify/create-notifier.js';
import type { NotifierOptions } from '../../src/notify/notifier-options.js';
import { alert, createFakeTime, recordingChannel } from './helpers.js';

function configError(options: unknown): { message: string; paths: string[] } {
  try {
    createNotifier(options as NotifierOptions);
  } catch (error) {
    if (!isSecbotError(error, 'CONFIG_INVALID')) throw error;
    return { message: error.message, paths: (error.issues ?? []).map((issue) => issue.path) };
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('routing', () => {
  it('takes the first matching child, goes on after one with continue, and falls back to the parent', async () => {
    const time = createFakeTime();
    const [root, pager, security, tenant, sms] = ['root', 'pager', 'security', 'tenant', 'sms'].map((name) =>
      recordingChannel(name, time.now),
    ) as ReturnType<typeof recordingChannel>[];
    const notifier = createNotifier({
      route: {
        receiver: 'root',
        groupWaitMs: 0,
        routes: [
          { match: { severity: 'critical' }, receiver: 'pager', continue: true },
          {
            match: { ruleId: ['auth.brute-force.user', 'auth.lockout.user'] },
            receiver: 'security',
            routes: [{ match: { tenantId: 'acme' }, receiver: 'tenant' }],
          },
          { match: { labelsRe: { ruleId: 'auth\\..*' } }, receiver: 'sms' },
        ],
      },
      receivers: { root: [root!], pager: [pager!], security: [security!], tenant: [tenant!], sms: [sms!] },
      now: time.now,
      timers: time.timers,
    });
    notifier.notify(alert({ ruleId: 'auth.brute-force.user', severity: 'critical', labels: { user: 'a' } }));
    notifier.notify(alert({ ruleId: 'auth.brute-force.user', labels: { user: 'b', tenantId: 'acme' } }));
    notifier.notify(alert({ ruleId: 'auth.mfa.fatigue', labels: { user: 'c' } }));
    notifier.notify(alert({ ruleId: 'rbac.denied.burst', labels: { user: 'd' } }));
    await time.advance(0);
    const users = (channel: {
      sent: { notification: { alerts: readonly { labels: Record<string, string> }[] } }[];
    }) => channel.sent.flatMap((sent) => sent.notification.alerts.map((a) => a.labels.user)).sort();
    expect(users(pager!)).toEqual(['a']);
    expect(users(security!)).toEqual(['a']); // continue: also the next matching sibling
    expect(users(tenant!)).toEqual(['b']); // the deepest matching route wins
    expect(users(sms!)).toEqual(['c']); // regex, anchored
    expect(users(root!)).toEqual(['d']); // nothing matched: the root's receiver
    expect(pager!.sent[0]?.notification.receiver).toBe('pager');
    await notifier.close();
  });

  it('children inherit the timing settings they leave out', async () => {
    const time = createFakeTime();
    const fast = recordingChannel('fast', time.now);
    const slow = recordingChannel('slow', time.now);
    const notifier = createNotifier({
      route: {
        receiver: 'slow',
        groupWaitMs: 10_000,
        routes: [
          { match: { severity: 'critical' }, receiver: 'fast', groupWaitMs: 0 },
          { match: { severity: 'low' } },
        ],
      },
      receivers: { fast: [fast], slow: [slow] },
      now: time.now,
      timers: time.timers,
    });
    notifier.notify(alert({ severity: 'critical' }));
    notifier.notify(alert({ severity: 'low', labels: { user: 'x' } }));
    await time.advance(0);
    expect(fast.sent).toHaveLength(1);
    expect(slow.sent).toHaveLength(0);
    await time.advance(10_000);
    expect(slow.sent).toHaveLength(1); // the child without a receiver sends to its parent's
    await notifier.close();
  });

  it('rejects a bad tree with CONFIG_INVALID naming the path', () => {
    const chat: AlertChannel = { name: 'chat', send: async () => undefined };
    const base = { receivers: { chat: [chat] } };
    expect(
      configError({ ...base, route: { receiver: 'chat', routes: [{}, { receiver: 'nope' }] } }).paths,
    ).toContain('route.routes[1].receiver');
    expect(configError({ ...base, route: { routes: [] } }).paths).toContain('route.receiver');
    expect(
      configError({ ...base, route: { receiver: 'chat', match: { severity: 'high' } } }).paths,
    ).toContain('route.match');
    expect(
      configError({ ...base, route: { receiver: 'chat', routes: [{ match: { labelsRe: { user: '(' } } }] } })
        .paths,
    ).toContain('route.routes[0].match.labelsRe.user');
    expect(configError({ ...base, route: { receiver: 'chat', groupIntervalMs: 0 } }).paths).toContain(
      'route.groupIntervalMs',
    );
    expect(configError({ ...base, route: { receiver: 'chat', unknown: 1 } }).paths).toContain('route');
    expect(configError({ route: { receiver: 'chat' }, receivers: { chat: [] } }).paths).toContain(
      'receivers.chat',
    );
    expect(
      configError({ route: { receiver: 'chat' }, receivers: { chat: [{ name: 'x' }] } }).paths,
    ).toContain('receivers.chat[0]');
    const twin: AlertChannel = { name: 'chat', send: async () => undefined };
    expect(configError({ route: { receiver: 'a' }, receivers: { a: [chat], b: [twin] } }).paths).toContain(
      'receivers.b[0].name',
    );
    expect(
      configError({
        ...base,
        route: { receiver: 'chat' },
        delivery: { rateLimits: { slakc: { perSecond: 1 } } },
      }).paths,
    ).toContain('delivery.rateLimits.slakc');
    let deep: Record<string, unknown> = { receiver: 'chat' };
    for (let i = 0; i < 20; i++) deep = { receiver: 'chat', routes: [deep] };
    expect(configError({ ...base, route: deep }).message).toMatch(/nest at most 16/);
  });

  it('never quotes option values in the error (a webhook URL with a token stays out of logs)', () => {
    const secret = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';
    const { message } = configError({ route: { receiver: secret }, receivers: { [secret]: [] } });
    expect(message).not.toContain('XXXXSECRET');
  });
});
