import { createMemoryStore, type Store } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/notify/create-notifier.js';
import { claimKey } from '../../src/notify/dedupe-claim.js';
import { alert, createFakeTime, type FakeTime, recordingChannel } from './helpers.js';

const min = 60_000;

function instance(time: FakeTime, store: Store) {
  const chat = recordingChannel('chat', time.now);
  const notifier = createNotifier({
    route: { receiver: 'team', groupWaitMs: 30_000, groupIntervalMs: 5 * min, repeatIntervalMs: 60 * min },
    receivers: { team: [chat] },
    store,
    now: time.now,
    timers: time.timers,
  });
  return { chat, notifier };
}

describe('many instances on one store', () => {
  it('three instances raising the same alert deliver it once, and repeat it once', async () => {
    const time = createFakeTime();
    const store = createMemoryStore({ now: time.now });
    const bots = [instance(time, store), instance(time, store), instance(time, store)];
    const same = alert();
    for (const bot of bots) bot.notifier.notify({ ...same, id: `${same.id}-${bots.indexOf(bot)}` });
    await time.advance(30_000);
    await Promise.all(bots.map((bot) => bot.notifier.flush()));
    expect(bots.map((bot) => bot.chat.sent.length).reduce((a, b) => a + b)).toBe(1);
    expect(bots.map((bot) => bot.notifier.stats().claimedElsewhere).reduce((a, b) => a + b)).toBe(2);
    await time.advance(60 * min);
    expect(bots.map((bot) => bot.chat.sent.length).reduce((a, b) => a + b)).toBe(2);
    // a different alert set is a different notification
    for (const bot of bots)
      bot.notifier.notify(alert({ labels: { user: 'alice', ip: '1' }, groupKey: 'user=alice' }));
    await time.advance(5 * min);
    expect(bots.map((bot) => bot.chat.sent.length).reduce((a, b) => a + b)).toBe(3);
    await Promise.all(bots.map((bot) => bot.notifier.close()));
  });

  it('sends anyway when the store cannot answer (a duplicate beats a lost alert)', async () => {
    const time = createFakeTime();
    const broken = createMemoryStore({ now: time.now });
    broken.set = async () => {
      throw new Error('redis down');
    };
    const bot = instance(time, broken);
    bot.notifier.notify(alert());
    await time.advance(30_000);
    await bot.notifier.flush();
    expect(bot.chat.sent).toHaveLength(1);
    expect(bot.notifier.stats().claimErrors).toBe(1);
    await bot.notifier.close();
  });

  it('keys claims by hashes: no usernames or addresses in the store, and within key limits', () => {
    const a = alert({ labels: { user: 'alice@example.com' } });
    const key = claimKey({
      receiver: 'team',
      groupId: `route\n${a.ruleId}\n${'user=alice@example.com'.repeat(50)}`,
      alerts: [a],
      now: 3 * 60 * min + 1,
      repeatIntervalMs: 60 * min,
    });
    expect(key).toMatch(/^alerts:notified:team:[0-9a-f]{32}:[0-9a-f]{32}:3$/);
    expect(key).not.toContain('alice');
  });
});
