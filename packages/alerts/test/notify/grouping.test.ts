import { describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/notify/create-notifier.js';
import type { Route } from '../../src/notify/route.js';
import { alert, createFakeTime, recordingChannel, resolved } from './helpers.js';

const s = 1000;
const min = 60 * s;

function setup(
  route: Partial<Route> = {},
  extra: { maxAlertsPerNotification?: number; expireAfterMs?: number } = {},
) {
  const time = createFakeTime();
  const chat = recordingChannel('chat', time.now);
  const notifier = createNotifier({
    route: {
      receiver: 'team',
      groupWaitMs: 30 * s,
      groupIntervalMs: 5 * min,
      repeatIntervalMs: 60 * min,
      ...route,
    },
    receivers: { team: [chat] },
    now: time.now,
    timers: time.timers,
    ...extra,
  });
  return { time, chat, notifier };
}

describe('grouping', () => {
  it('waits groupWaitMs, then sends one notification for the alerts gathered meanwhile', async () => {
    const { time, chat, notifier } = setup();
    notifier.notify(alert({ labels: { user: 'alice', ip: '203.0.113.7' }, groupKey: 'user=alice' }));
    await time.advance(29 * s);
    notifier.notify(alert({ labels: { user: 'alice', ip: '198.51.100.4' }, groupKey: 'user=alice' }));
    notifier.notify(alert({ ruleId: 'rbac.denied.burst', labels: { user: 'alice' } }));
    expect(chat.sent).toHaveLength(0);
    await time.advance(1 * s);
    // default grouping is by rule and the rule's group key: the other rule has its own group and wait
    expect(chat.sent).toHaveLength(1);
    expect(chat.sent[0]?.notification).toMatchObject({
      receiver: 'team',
      status: 'firing',
      groupKey: 'user=alice',
      groupLabels: { ruleId: 'auth.brute-force.user', user: 'alice' },
      truncatedAlerts: 0,
    });
    expect(chat.sent[0]?.notification.alerts.map((a) => a.labels.ip)).toEqual([
      '203.0.113.7',
      '198.51.100.4',
    ]);
    await time.advance(29 * s);
    expect(chat.sent).toHaveLength(2);
    expect(chat.sent[1]?.notification.alerts[0]?.ruleId).toBe('rbac.denied.burst');
    await notifier.close();
  });

  it('groups by the route groupBy labels and shows them in the notification', async () => {
    const { time, chat, notifier } = setup({ groupBy: ['user'] });
    notifier.notify(alert({ labels: { user: 'alice', ip: '203.0.113.7' } }));
    notifier.notify(alert({ labels: { user: 'alice', ip: '198.51.100.4' } }));
    notifier.notify(alert({ ruleId: 'rbac.denied.burst', labels: { user: 'alice' } }));
    notifier.notify(alert({ labels: { user: 'bob' } }));
    await time.advance(30 * s);
    expect(chat.sent).toHaveLength(2);
    const alice = chat.sent.find((sent) => sent.notification.groupLabels.user === 'alice')?.notification;
    expect(alice).toMatchObject({ groupKey: 'user=alice', groupLabels: { user: 'alice' } });
    expect(alice?.alerts).toHaveLength(3);
    await notifier.close();
  });

  it('counts a repeat within the repeat interval instead of sending it, and re-sends after repeatIntervalMs', async () => {
    const { time, chat, notifier } = setup();
    const first = alert({ count: 5 });
    notifier.notify(first);
    await time.advance(30 * s);
    expect(chat.sent).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      notifier.notify({ ...first, id: `repeat-${i}`, count: 2, lastSeen: time.now() });
      await time.advance(5 * min);
    }
    expect(chat.sent).toHaveLength(1); // same fingerprint: no change, no repeat yet
    await time.advance(45 * min); // 30 s + 60 min since the first notification, at an interval tick
    expect(chat.sent).toHaveLength(2);
    expect(chat.sent[1]?.notification.alerts).toHaveLength(1);
    expect(chat.sent[1]?.notification.alerts[0]?.count).toBe(5 + 3 * 2);
    expect(chat.sent[1]?.at).toBe(chat.sent[0]!.at + 60 * min);
    await notifier.close();
  });

  it('notifies a new alert of a notified group at the next group interval, not before', async () => {
    const { time, chat, notifier } = setup();
    notifier.notify(alert({ labels: { user: 'alice' } }));
    await time.advance(30 * s);
    notifier.notify(alert({ labels: { user: 'alice', ip: '203.0.113.7' }, groupKey: 'user=alice' }));
    await time.advance(5 * min - 1);
    expect(chat.sent).toHaveLength(1);
    await time.advance(1);
    expect(chat.sent).toHaveLength(2);
    expect(chat.sent[1]?.notification.alerts).toHaveLength(2);
    await notifier.close();
  });

  it('sends resolved notifications once, only for alerts notified as firing, and not when sendResolved is off', async () => {
    const { time, chat, notifier } = setup();
    const firing = alert();
    notifier.notify(firing);
    await time.advance(30 * s);
    notifier.notify(resolved(firing, time.now()));
    await time.advance(5 * min);
    expect(chat.sent).toHaveLength(2);
    expect(chat.sent[1]?.notification).toMatchObject({ status: 'resolved' });
    expect(chat.sent[1]?.notification.alerts[0]).toMatchObject({
      status: 'resolved',
      resolvedAt: time.now() - 5 * min,
    });
    await time.advance(120 * min);
    expect(chat.sent).toHaveLength(2);
    expect(notifier.stats()).toMatchObject({ groups: 0, alerts: 0 });

    // resolved before its firing state was ever notified: nothing at all
    const brief = alert({ labels: { user: 'carol' } });
    notifier.notify(brief);
    notifier.notify(resolved(brief));
    await time.advance(60 * min);
    expect(chat.sent).toHaveLength(2);
    await notifier.close();

    const quiet = setup({ sendResolved: false });
    const other = alert();
    quiet.notifier.notify(other);
    await quiet.time.advance(30 * s);
    quiet.notifier.notify(resolved(other));
    await quiet.time.advance(60 * min);
    expect(quiet.chat.sent).toHaveLength(1);
    await quiet.notifier.close();
  });

  it('caps alerts per notification and counts the rest', async () => {
    const { time, chat, notifier } = setup({ groupBy: ['ruleId'] }, { maxAlertsPerNotification: 3 });
    for (let i = 0; i < 5; i++)
      notifier.notify(alert({ labels: { user: `u${i}` }, lastSeen: time.now() + i }));
    await time.advance(30 * s);
    const notification = chat.sent[0]?.notification;
    expect(notification?.alerts.map((a) => a.labels.user)).toEqual(['u2', 'u3', 'u4']);
    expect(notification?.truncatedAlerts).toBe(2);
    await notifier.close();
  });

  it('forgets a firing alert not repeated for expireAfterMs, without a resolved notification', async () => {
    const { time, chat, notifier } = setup({}, { expireAfterMs: 10 * min });
    notifier.notify(alert());
    await time.advance(30 * s);
    await time.advance(10 * min);
    expect(notifier.stats()).toMatchObject({ groups: 0, alerts: 0 });
    await time.advance(120 * min);
    expect(chat.sent).toHaveLength(1);
    expect(time.pending()).toBe(0);
    await notifier.close();
  });

  it('notifies on close what groups hold and have not sent yet', async () => {
    const { chat, notifier } = setup();
    notifier.notify(alert());
    await notifier.close();
    expect(chat.sent).toHaveLength(1);
    expect(chat.closed).toBe(true);
  });
});
