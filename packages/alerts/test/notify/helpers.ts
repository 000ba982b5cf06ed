import { createHash } from 'node:crypto';
import type { Alert } from '../../src/alert.js';
import type { AlertChannel, ChannelSendContext, Notification } from '../../src/alert-channel.js';
import type { Timers } from '../../src/deliver/timers.js';

/** A clock and timers that move only when told to; `advance` runs due timers in time order. */
export interface FakeTime {
  readonly now: () => number;
  readonly timers: Timers;
  /** Move time forward by `ms`, running every timer due on the way, letting promises settle between. */
  advance(ms: number): Promise<void>;
  /** Let pending promise chains run. */
  settle(): Promise<void>;
  /** Timers waiting. */
  pending(): number;
}

export const start = Date.UTC(2026, 0, 1);

export function createFakeTime(): FakeTime {
  let current = start;
  let sequence = 0;
  const due = new Map<number, { at: number; run: () => void }>();
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 30; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    now: () => current,
    timers: {
      set(run, ms) {
        sequence += 1;
        due.set(sequence, { at: current + Math.max(0, ms), run });
        return sequence;
      },
      clear(handle) {
        due.delete(handle as number);
      },
    },
    async advance(ms) {
      const end = current + ms;
      for (;;) {
        await settle();
        let next: [number, { at: number; run: () => void }] | undefined;
        for (const entry of due)
          if (entry[1].at <= end && (next === undefined || entry[1].at < next[1].at)) next = entry;
        if (next === undefined) break;
        due.delete(next[0]);
        current = Math.max(current, next[1].at);
        next[1].run();
      }
      current = end;
      await settle();
    },
    settle,
    pending: () => due.size,
  };
}

let serial = 0;

/** A well-formed alert; the fingerprint follows the rule and the `user` label unless given. */
export function alert(overrides: Partial<Alert> = {}): Alert {
  serial += 1;
  const ruleId = overrides.ruleId ?? 'auth.brute-force.user';
  const severity = overrides.severity ?? 'high';
  const labels = overrides.labels ?? { user: 'alice' };
  return {
    id: `alert-${serial}`,
    fingerprint: createHash('md5')
      .update(`${ruleId}|${JSON.stringify(labels)}`)
      .digest('hex'),
    title: 'Brute force against one user',
    summary: 'Many failed logins',
    groupKey: Object.entries(labels)
      .filter(([name]) => name === 'user' || name === 'ip')
      .map(([name, value]) => `${name}=${value}`)
      .join(','),
    mitre: ['T1110.001'],
    count: 1,
    firstSeen: start,
    lastSeen: start,
    samples: [{ 'actor.id': 'alice', ip: '203.0.113.0/24' }],
    status: 'firing',
    ...overrides,
    ruleId,
    severity,
    labels: { ruleId, severity, ...labels },
  };
}

/** The resolution of a firing alert. */
export function resolved(firing: Alert, at = start): Alert {
  return { ...firing, id: `${firing.id}-resolved`, status: 'resolved', resolvedAt: at };
}

export interface Sent {
  readonly notification: Notification;
  readonly attempt: number;
  readonly at: number;
}

/** A channel that records what it is sent; `behaviour` decides how each attempt ends. */
export function recordingChannel(
  name: string,
  now: () => number,
  behaviour?: (notification: Notification, context: ChannelSendContext) => Promise<void>,
): AlertChannel & { readonly sent: Sent[]; closed: boolean } {
  const sent: Sent[] = [];
  const channel = {
    name,
    sent,
    closed: false,
    async send(notification: Notification, context: ChannelSendContext): Promise<void> {
      sent.push({ notification, attempt: context.attempt, at: now() });
      await behaviour?.(notification, context);
    },
    async close(): Promise<void> {
      channel.closed = true;
    },
  };
  return channel;
}

/** A promise that settles only when the signal aborts (a channel that hangs but honours its signal). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );
}
