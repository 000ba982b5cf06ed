import { isSecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alert.js';
import { createNotifier } from '../../src/notify/create-notifier.js';
import { alert, createFakeTime, recordingChannel } from './helpers.js';

function setup(maxAlerts?: number) {
  const time = createFakeTime();
  const chat = recordingChannel('chat', time.now);
  const notifier = createNotifier({
    route: { receiver: 'team', groupWaitMs: 0 },
    receivers: { team: [chat] },
    now: time.now,
    timers: time.timers,
    ...(maxAlerts === undefined ? {} : { maxAlerts }),
  });
  return { time, chat, notifier };
}

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (isSecbotError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe('notify input', () => {
  it('refuses malformed and oversized alerts with ARGUMENT_INVALID, and nothing is sent', async () => {
    const { time, chat, notifier } = setup();
    const good = alert();
    const bad: unknown[] = [
      null,
      'alert',
      42,
      {},
      { ...good, fingerprint: 'not-hex' },
      { ...good, severity: 'catastrophic' },
      { ...good, status: 'maybe' },
      { ...good, count: -1 },
      { ...good, firstSeen: Number.NaN },
      { ...good, summary: 'x'.repeat(100_000) },
      { ...good, labels: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`l${i}`, 'v'])) },
      { ...good, samples: Array.from({ length: 6 }, () => ({})) },
      { ...good, samples: [{ nested: { deep: 1 } }] },
      { ...good, labels: { user: 7 } },
    ];
    for (const value of bad) expect(code(() => notifier.notify(value as Alert))).toBe('ARGUMENT_INVALID');
    await time.advance(0);
    expect(chat.sent).toHaveLength(0);
    await notifier.close();
  });

  it('passes only the Alert fields on: anything else a caller attached stays out of the payload', async () => {
    const { time, chat, notifier } = setup();
    notifier.notify({ ...alert(), rawEvent: { password: 'hunter2' }, token: 'eyJ...' } as Alert);
    await time.advance(0);
    const payload = JSON.stringify(chat.sent[0]?.notification);
    expect(payload).not.toContain('hunter2');
    expect(payload).not.toContain('eyJ');
    expect(Object.isFrozen(chat.sent[0]?.notification)).toBe(true);
    await notifier.close();
  });

  it('holds at most maxAlerts firing alerts, counting the ones it refuses; repeats still count', async () => {
    const { time, chat, notifier } = setup(2);
    const first = alert({ labels: { user: 'a' } });
    notifier.notify(first);
    notifier.notify(alert({ labels: { user: 'b' } }));
    notifier.notify(alert({ labels: { user: 'c' } }));
    notifier.notify({ ...first, count: 4 });
    await time.advance(0);
    expect(notifier.stats()).toMatchObject({ alerts: 2, refusedAlerts: 1 });
    expect(chat.sent.flatMap((sent) => sent.notification.alerts.map((a) => a.count)).sort()).toEqual([1, 5]);
    await notifier.close();
  });

  it('refuses notify after close with INTERNAL', async () => {
    const { notifier } = setup();
    await notifier.close();
    expect(code(() => notifier.notify(alert()))).toBe('INTERNAL');
    await notifier.close(); // idempotent
  });
});
