import { isSecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/notify/create-notifier.js';
import { alert, createFakeTime, recordingChannel, resolved } from './helpers.js';

const min = 60_000;

function setup() {
  const time = createFakeTime();
  const chat = recordingChannel('chat', time.now);
  const notifier = createNotifier({
    route: { receiver: 'team', groupWaitMs: 0, groupIntervalMs: min, repeatIntervalMs: 60 * min },
    receivers: { team: [chat] },
    inhibit: [
      {
        source: { ruleId: 'auth.lockout.user' },
        target: { ruleId: 'auth.brute-force.user' },
        equal: ['user'],
      },
    ],
    now: time.now,
    timers: time.timers,
  });
  const sentUsers = () =>
    chat.sent.flatMap((sent) => sent.notification.alerts.map((a) => `${a.ruleId}:${a.labels.user}`));
  return { time, chat, notifier, sentUsers };
}

function argumentError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isSecbotError(error, 'ARGUMENT_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected ARGUMENT_INVALID');
}

describe('inhibition', () => {
  it("an account-locked alert mutes that user's failed-login alerts only, while it fires", async () => {
    const { time, notifier, sentUsers } = setup();
    const lockout = alert({ ruleId: 'auth.lockout.user', labels: { user: 'alice' } });
    notifier.notify(lockout);
    notifier.notify(alert({ ruleId: 'auth.brute-force.user', labels: { user: 'alice' } }));
    notifier.notify(alert({ ruleId: 'auth.brute-force.user', labels: { user: 'bob' } }));
    await time.advance(0);
    expect(sentUsers().sort()).toEqual(['auth.brute-force.user:bob', 'auth.lockout.user:alice']);
    // muted alerts are kept: once the lockout resolves, alice's alert goes out at the next interval
    notifier.notify(resolved(lockout));
    await time.advance(min);
    expect(sentUsers()).toContain('auth.brute-force.user:alice');
    await notifier.close();
  });

  it('needs the equal labels on both alerts', async () => {
    const { time, notifier, sentUsers } = setup();
    notifier.notify(alert({ ruleId: 'auth.lockout.user', labels: { ip: '203.0.113.7' } }));
    notifier.notify(alert({ ruleId: 'auth.brute-force.user', labels: { ip: '203.0.113.7' } }));
    await time.advance(0);
    expect(sentUsers()).toHaveLength(2);
    await notifier.close();
  });
});

describe('silences', () => {
  it('mute matching alerts until they end or are expired, and list with author and reason', async () => {
    const { time, notifier, sentUsers } = setup();
    const silence = notifier.silence({
      matchers: { labels: { user: 'alice' } },
      endsAt: time.now() + 10 * min,
      author: 'ops@example.com',
      reason: 'INC-42 pen test',
    });
    expect(silence).toMatchObject({ author: 'ops@example.com', reason: 'INC-42 pen test', state: 'active' });
    notifier.notify(alert({ labels: { user: 'alice' } }));
    notifier.notify(alert({ labels: { user: 'bob' } }));
    await time.advance(0);
    expect(sentUsers()).toEqual(['auth.brute-force.user:bob']);
    await time.advance(9 * min);
    expect(sentUsers()).toHaveLength(1);
    await time.advance(1 * min); // the silence ended: the kept alert goes out at the next tick
    expect(sentUsers()).toContain('auth.brute-force.user:alice');
    expect(notifier.silences()[0]?.state).toBe('expired');

    const early = notifier.silence({
      matchers: { ruleId: 'rbac.denied.burst' },
      endsAt: time.now() + 60 * min,
      author: 'ops',
      reason: 'noise',
    });
    notifier.notify(alert({ ruleId: 'rbac.denied.burst', labels: { user: 'carol' } }));
    await time.advance(min);
    expect(sentUsers()).not.toContain('rbac.denied.burst:carol');
    expect(notifier.expireSilence(early.id)).toBe(true);
    expect(notifier.expireSilence(early.id)).toBe(false);
    expect(notifier.expireSilence('no-such-id')).toBe(false);
    await time.advance(min);
    expect(sentUsers()).toContain('rbac.denied.burst:carol');
    await notifier.close();
  });

  it('a pending silence applies from startsAt; regex matchers are anchored', async () => {
    const { time, notifier, sentUsers } = setup();
    const pending = notifier.silence({
      matchers: { labelsRe: { user: 'al.*' } },
      startsAt: time.now() + 5 * min,
      endsAt: time.now() + 60 * min,
      author: 'ops',
      reason: 'maintenance',
    });
    expect(pending.state).toBe('pending');
    notifier.notify(alert({ labels: { user: 'alice' } }));
    await time.advance(0);
    expect(sentUsers()).toHaveLength(1);
    await time.advance(5 * min);
    notifier.notify(alert({ labels: { user: 'albert' } }));
    notifier.notify(alert({ labels: { user: 'xalice' } }));
    await time.advance(min);
    expect(sentUsers()).toEqual(['auth.brute-force.user:alice', 'auth.brute-force.user:xalice']);
    await notifier.close();
  });

  it('refuses silences that would mute everything, are malformed, or already ended', () => {
    const { time, notifier } = setup();
    const ok = { matchers: { ruleId: 'x' }, endsAt: time.now() + min, author: 'ops', reason: 'why' };
    expect(argumentError(() => notifier.silence({ ...ok, matchers: {} }))).toMatch(/matchers/);
    expect(argumentError(() => notifier.silence({ ...ok, matchers: { labelsRe: { user: '(' } } }))).toMatch(
      /labelsRe/,
    );
    expect(argumentError(() => notifier.silence({ ...ok, endsAt: time.now() }))).toMatch(/endsAt/);
    expect(argumentError(() => notifier.silence({ ...ok, startsAt: ok.endsAt + 1 }))).toMatch(/endsAt/);
    expect(argumentError(() => notifier.silence({ ...ok, author: '  ' }))).toMatch(/author/);
    expect(argumentError(() => notifier.silence({ ...ok, reason: 'x'.repeat(5000) }))).toMatch(/reason/);
    expect(argumentError(() => notifier.silence(null as never))).toBeTruthy();
    for (let i = 0; i < 1000; i++) notifier.silence(ok);
    expect(argumentError(() => notifier.silence(ok))).toMatch(/at most 1000/);
  });
});
