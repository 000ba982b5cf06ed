import { createEventBus, type SecurityEvent } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/notify/create-notifier.js';
import { alert, createFakeTime, recordingChannel, untilAborted } from '../notify/helpers.js';

describe('channel isolation', () => {
  it('a channel that hangs (ignoring its signal) neither delays another nor stalls its own outbox', async () => {
    const time = createFakeTime();
    const bus = createEventBus({ now: time.now });
    const failures: SecurityEvent<'alert.delivery_failed'>[] = [];
    bus.on('alert.delivery_failed', (event) => {
      failures.push(event);
    });
    const signals: AbortSignal[] = [];
    const stuck = recordingChannel('stuck', time.now, (_, { signal }) => {
      signals.push(signal);
      return new Promise(() => undefined);
    });
    const good = recordingChannel('good', time.now);
    const notifier = createNotifier({
      route: { receiver: 'both', groupWaitMs: 0 },
      receivers: { both: [stuck, good] },
      bus,
      now: time.now,
      timers: time.timers,
      random: () => 0,
      delivery: { attemptTimeoutMs: 10_000, maxInFlight: 1, maxAttempts: 2 },
    });
    for (const user of ['a', 'b', 'c']) notifier.notify(alert({ labels: { user } }));
    await time.advance(0);
    expect(good.sent).toHaveLength(3);
    expect(stuck.sent).toHaveLength(1);
    await time.advance(10_000);
    expect(signals[0]?.aborted).toBe(true);
    expect(failures[0]).toMatchObject({ channel: 'stuck', attempts: 1, outcome: 'retrying' });
    await time.advance(60_000);
    // each item gets its attempts; the hung promises are abandoned, not awaited
    expect(notifier.deadLetters().map((letter) => letter.reason)).toEqual([
      'the attempt timed out',
      'the attempt timed out',
      'the attempt timed out',
    ]);
    expect(notifier.stats()).toMatchObject({ delivered: 3, deadLettered: 3, inFlight: 0 });
    await notifier.close();
  });

  it('spaces sends by the channel rate limit, with a burst, without slowing another channel', async () => {
    const time = createFakeTime();
    const slack = recordingChannel('slack', time.now);
    const email = recordingChannel('email', time.now);
    const notifier = createNotifier({
      route: { receiver: 'both', groupWaitMs: 0 },
      receivers: { both: [slack, email] },
      now: time.now,
      timers: time.timers,
      delivery: { rateLimits: { slack: { perSecond: 1, burst: 2 } } },
    });
    for (const user of ['a', 'b', 'c', 'd', 'e']) notifier.notify(alert({ labels: { user } }));
    await time.advance(10_000);
    const t0 = email.sent[0]!.at;
    expect(email.sent.map((sent) => sent.at - t0)).toEqual([0, 0, 0, 0, 0]);
    expect(slack.sent.map((sent) => sent.at - t0)).toEqual([0, 0, 1000, 2000, 3000]);
    await notifier.close();
  });

  it('close waits for running sends, then aborts them through the signal after the grace period', async () => {
    const time = createFakeTime();
    const slow = recordingChannel('slow', time.now, (_, { signal }) => untilAborted(signal));
    const notifier = createNotifier({
      route: { receiver: 'team', groupWaitMs: 0 },
      receivers: { team: [slow] },
      now: time.now,
      timers: time.timers,
      delivery: { closeTimeoutMs: 2000, attemptTimeoutMs: 60_000 },
    });
    notifier.notify(alert());
    await time.advance(0);
    let closed = false;
    const closing = notifier.close().then(() => {
      closed = true;
    });
    await time.advance(1999);
    expect(closed).toBe(false);
    await time.advance(1);
    await closing;
    expect(slow.closed).toBe(true);
    // memory-only outbox: what was left is reported as dropped, not lost silently
    expect(notifier.stats()).toMatchObject({ dropped: 1, delivered: 0 });
  });
});
