import { createEventBus, type SecurityEvent } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { AlertDeliveryError, type ChannelSendContext, type Notification } from '../../src/alert-channel.js';
import type { DeliveryOptions } from '../../src/deliver/delivery-options.js';
import { createNotifier } from '../../src/notify/create-notifier.js';
import { alert, createFakeTime, recordingChannel } from '../notify/helpers.js';

type Behaviour = (notification: Notification, context: ChannelSendContext) => Promise<void>;

function setup(behaviour: Behaviour, delivery: DeliveryOptions = {}, random = () => 1) {
  const time = createFakeTime();
  const bus = createEventBus({ now: time.now });
  const failures: SecurityEvent<'alert.delivery_failed'>[] = [];
  bus.on('alert.delivery_failed', (event) => {
    failures.push(event);
  });
  const hook = recordingChannel('hook', time.now, behaviour);
  const notifier = createNotifier({
    route: { receiver: 'team', groupWaitMs: 0 },
    receivers: { team: [hook] },
    bus,
    now: time.now,
    timers: time.timers,
    random,
    delivery: { baseDelayMs: 1000, maxDelayMs: 8000, ...delivery },
  });
  return { time, hook, notifier, failures };
}

const response = (status: number, retryAfter?: string) => ({
  status,
  headers: { get: (name: string) => (name.toLowerCase() === 'retry-after' ? (retryAfter ?? null) : null) },
});

describe('retries', () => {
  it('honours 429 and Retry-After: no attempt before the receiver allows it', async () => {
    let calls = 0;
    const { time, hook, notifier, failures } = setup(async () => {
      calls += 1;
      if (calls === 1) throw AlertDeliveryError.fromResponse('hook', response(429, '120'));
    });
    notifier.notify(alert());
    await time.advance(0);
    expect(failures).toMatchObject([
      {
        channel: 'hook',
        attempts: 1,
        code: 'ALERT_DELIVERY_FAILED',
        receiverStatus: 429,
        outcome: 'retrying',
      },
    ]);
    expect(failures[0]?.alertIds).toEqual([hook.sent[0]?.notification.alerts[0]?.id]);
    await time.advance(119_999);
    expect(hook.sent).toHaveLength(1);
    await time.advance(1);
    expect(hook.sent.map((sent) => sent.attempt)).toEqual([1, 2]);
    expect(hook.sent[1]?.notification.id).toBe(hook.sent[0]?.notification.id); // stable over retries
    expect(notifier.stats()).toMatchObject({ delivered: 1, failedAttempts: 1, pending: 0 });
    await notifier.close();
  });

  it('backs off exponentially with full jitter, then dead-letters after maxAttempts', async () => {
    const { time, hook, notifier, failures } = setup(
      async () => {
        throw AlertDeliveryError.fromResponse('hook', response(503));
      },
      { maxAttempts: 4 },
      () => 0.5,
    );
    notifier.notify(alert());
    await time.advance(60_000);
    const starts = hook.sent.map((sent) => sent.at - hook.sent[0]!.at);
    expect(starts).toEqual([0, 500, 1500, 3500]); // half of 1 s, 2 s, 4 s
    expect(failures.map((event) => event.outcome)).toEqual([
      'retrying',
      'retrying',
      'retrying',
      'dead-lettered',
    ]);
    expect(notifier.deadLetters()).toMatchObject([
      { channel: 'hook', attempts: 4, code: 'ALERT_DELIVERY_FAILED', receiverStatus: 503 },
    ]);
    expect(notifier.stats()).toMatchObject({ deadLettered: 1, pending: 0 });
    await notifier.close();
  });

  it('dead-letters a non-retryable refusal at once; a dead letter can be retried by id', async () => {
    let refuse = true;
    const { time, hook, notifier, failures } = setup(async () => {
      if (refuse) throw AlertDeliveryError.fromResponse('hook', response(400));
    });
    notifier.notify(alert());
    await time.advance(0);
    expect(hook.sent).toHaveLength(1);
    expect(failures).toMatchObject([{ attempts: 1, receiverStatus: 400, outcome: 'dead-lettered' }]);
    const [letter] = notifier.deadLetters();
    expect(letter?.reason).toBe('hook: the receiver answered HTTP 400');
    refuse = false;
    expect(notifier.retryDeadLetter('unknown')).toBe(false);
    expect(notifier.retryDeadLetter(letter!.id)).toBe(true);
    expect(notifier.retryDeadLetter(letter!.id)).toBe(false);
    await notifier.flush();
    expect(hook.sent.map((sent) => sent.attempt)).toEqual([1, 1]);
    expect(notifier.deadLetters()).toEqual([]);
    expect(notifier.stats().delivered).toBe(1);
    await notifier.close();
  });

  it('keeps at most maxDeadLetters, dropping the oldest with a count', async () => {
    const { time, notifier } = setup(
      async () => {
        throw AlertDeliveryError.fromResponse('hook', response(404));
      },
      { outbox: { maxDeadLetters: 2 } },
    );
    for (const user of ['a', 'b', 'c']) {
      notifier.notify(alert({ labels: { user } }));
      await time.advance(0);
    }
    expect(notifier.deadLetters().map((letter) => letter.notification.alerts[0]?.labels.user)).toEqual([
      'b',
      'c',
    ]);
    expect(notifier.stats()).toMatchObject({ deadLettered: 3, deadLettersDropped: 1 });
    await notifier.close();
  });

  it('treats garbage rejections as retryable and never copies foreign error messages', async () => {
    let calls = 0;
    const { time, notifier, failures } = setup(
      async () => {
        calls += 1;
        if (calls === 1) throw 'a string';
        if (calls === 2) throw new Error('POST https://hooks.example.com/T0/B0/SECRETTOKEN failed');
        if (calls === 3) throw Object.create(null);
        return { garbage: true } as never; // resolving with anything means accepted
      },
      { maxAttempts: 3 },
    );
    notifier.notify(alert());
    await time.advance(60_000);
    expect(failures.map((event) => event.outcome)).toEqual(['retrying', 'retrying', 'dead-lettered']);
    const [letter] = notifier.deadLetters();
    expect(letter).toMatchObject({ code: 'ALERT_DELIVERY_FAILED', reason: 'object' });
    expect(JSON.stringify([failures, notifier.deadLetters().map((l) => l.reason)])).not.toContain(
      'SECRETTOKEN',
    );
    expect(notifier.retryDeadLetter(letter!.id)).toBe(true);
    await notifier.flush();
    expect(notifier.stats().delivered).toBe(1);
    await notifier.close();
  });

  it('a channel whose send throws synchronously does not break notify', async () => {
    const time = createFakeTime();
    const notifier = createNotifier({
      route: { receiver: 'team', groupWaitMs: 0 },
      receivers: {
        team: [
          {
            name: 'sync',
            send: () => {
              throw new TypeError('boom');
            },
          },
        ],
      },
      now: time.now,
      timers: time.timers,
      delivery: { maxAttempts: 1 },
    });
    expect(() => notifier.notify(alert())).not.toThrow();
    await time.advance(0);
    expect(notifier.deadLetters()).toMatchObject([{ reason: 'TypeError' }]);
    await notifier.close();
  });
});
