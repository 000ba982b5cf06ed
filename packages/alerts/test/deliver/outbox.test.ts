import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventBus, type SecurityEvent } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { AlertDeliveryError, type ChannelSendContext, type Notification } from '../../src/alert-channel.js';
import { createNotifier } from '../../src/notify/create-notifier.js';
import { alert, createFakeTime, recordingChannel, untilAborted } from '../notify/helpers.js';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'secbot-outbox-'));
const down = async (): Promise<void> => {
  throw new AlertDeliveryError('hook', 'the receiver answered HTTP 503', { receiverStatus: 503 });
};

function bot(path: string, behaviour?: (n: Notification, c: ChannelSendContext) => Promise<void>) {
  const time = createFakeTime();
  const hook = recordingChannel('hook', time.now, behaviour);
  const notifier = createNotifier({
    route: { receiver: 'team', groupWaitMs: 0 },
    receivers: { team: [hook] },
    now: time.now,
    timers: time.timers,
    random: () => 1,
    delivery: { maxAttempts: 3, closeTimeoutMs: 0, outbox: { path } },
  });
  return { time, hook, notifier };
}

describe('outbox', () => {
  it('when full, drops the oldest lowest-severity item (the newcomer included) and reports it', async () => {
    const time = createFakeTime();
    const bus = createEventBus({ now: time.now });
    const drops: SecurityEvent<'alert.delivery_failed'>[] = [];
    bus.on('alert.delivery_failed', (event) => {
      drops.push(event);
    });
    const hook = recordingChannel('hook', time.now, (_, { signal }) => untilAborted(signal));
    const notifier = createNotifier({
      route: { receiver: 'team', groupWaitMs: 0 },
      receivers: { team: [hook] },
      bus,
      now: time.now,
      timers: time.timers,
      delivery: { maxInFlight: 1, attemptTimeoutMs: 600_000, closeTimeoutMs: 0, outbox: { maxItems: 3 } },
    });
    const users = new Map<string, string>();
    const send = async (user: string, severity: 'low' | 'high' | 'critical' | 'info') => {
      const raised = alert({ labels: { user }, severity });
      users.set(raised.id, user);
      notifier.notify(raised);
      await time.advance(0);
    };
    await send('in-flight', 'info'); // being sent: never dropped
    await send('low-1', 'low');
    await send('high-1', 'high');
    await send('low-2', 'low'); // full: low-1 (oldest low) goes
    await send('info-new', 'info'); // the newcomer is the lowest: it goes
    await send('crit', 'critical'); // low-2 goes
    const droppedUsers = () => drops.map((event) => users.get(event.alertIds[0] ?? ''));
    expect(droppedUsers()).toEqual(['low-1', 'info-new', 'low-2']);
    expect(drops.every((event) => event.outcome === 'dropped' && event.attempts === 0)).toBe(true);
    expect(notifier.stats()).toMatchObject({ dropped: 3, pending: 3 });
    expect(hook.sent.map((sent) => sent.notification.alerts[0]?.labels.user)).toEqual(['in-flight']);
    await notifier.close();
    // closing a memory-only outbox reports what it still held
    expect(droppedUsers().slice(3).sort()).toEqual(['crit', 'high-1', 'in-flight']);
  });

  it('file-backed: the journal is compacted as it grows', async () => {
    const path = tempDir();
    const busy = bot(path);
    for (let i = 0; i < 800; i++) busy.notifier.notify(alert({ labels: { user: `u${i}` } }));
    await busy.time.advance(0);
    await busy.notifier.flush();
    expect(busy.notifier.stats().delivered).toBe(800);
    const lines = readFileSync(join(path, 'outbox.jsonl'), 'utf8').split('\n').length;
    expect(lines).toBeLessThan(800 * 3); // add, attempt, done each
    await busy.notifier.close();
  });

  it('file-backed: pending notifications and dead letters survive a restart and are then delivered', async () => {
    const path = tempDir();
    const first = bot(path, down);
    first.notifier.notify(alert({ labels: { user: 'a' } }));
    first.notifier.notify(alert({ labels: { user: 'b' }, severity: 'critical' }));
    await first.time.advance(0);
    await first.time.advance(60_000); // 3 attempts each (the outage pauses the channel): both dead-lettered...
    first.notifier.notify(alert({ labels: { user: 'c' } })); // ...and one still pending
    await first.time.advance(0);
    await first.notifier.flush();
    expect(first.notifier.deadLetters()).toHaveLength(2);
    expect(first.notifier.stats().pending).toBe(1);
    await first.notifier.close();
    expect(statSync(join(path, 'outbox.jsonl')).mode & 0o777).toBe(0o600);

    const second = bot(path);
    await second.notifier.flush();
    expect(second.hook.sent.map((sent) => sent.notification.alerts[0]?.labels.user)).toEqual(['c']);
    expect(second.hook.sent[0]?.attempt).toBe(2); // the attempt made before the restart counts
    const letters = second.notifier.deadLetters();
    expect(letters.map((letter) => letter.notification.alerts[0]?.labels.user).sort()).toEqual(['a', 'b']);
    expect(letters[0]).toMatchObject({ channel: 'hook', attempts: 3, receiverStatus: 503 });
    for (const letter of letters) expect(second.notifier.retryDeadLetter(letter.id)).toBe(true);
    await second.notifier.flush();
    expect(second.notifier.stats()).toMatchObject({ delivered: 3, pending: 0 });
    await second.notifier.close();

    const third = bot(path);
    await third.notifier.flush();
    expect(third.hook.sent).toHaveLength(0);
    expect(third.notifier.deadLetters()).toEqual([]);
    await third.notifier.close();
  });

  it('file-backed: skips and reports a corrupt journal line, keeps the rest', async () => {
    const path = tempDir();
    const first = bot(path, down);
    first.notifier.notify(alert({ labels: { user: 'a' } }));
    await first.time.advance(0);
    await first.notifier.close();
    const file = join(path, 'outbox.jsonl');
    appendFileSync(file, '{"op":"add","item":{"id":"x"\n\u0000\u0000garbage\n{"op":"done","id":42}\n');
    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }): void => {
      warnings.push(warning.code ?? '');
    };
    process.on('warning', onWarning);
    const second = bot(path);
    await second.notifier.flush();
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(second.notifier.stats().journalCorruptLines).toBe(3);
    expect(warnings).toContain('SECBOT_ALERT_OUTBOX_CORRUPT');
    expect(second.hook.sent.map((sent) => sent.notification.alerts[0]?.labels.user)).toEqual(['a']);
    await second.notifier.close();
    expect(readFileSync(file, 'utf8')).not.toContain('garbage'); // compacted on open
  });

  it('file-backed: a journal that cannot be opened does not stop delivery', async () => {
    const dir = tempDir();
    const blocker = join(dir, 'file');
    appendFileSync(blocker, 'not a directory');
    const broken = bot(join(blocker, 'outbox'));
    broken.notifier.notify(alert());
    await broken.time.advance(0);
    await broken.notifier.flush();
    expect(broken.hook.sent).toHaveLength(1);
    expect(broken.notifier.stats().journalWriteErrors).toBe(1);
    await broken.notifier.close();
  });
});
