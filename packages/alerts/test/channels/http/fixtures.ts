import type { Alert, ChannelSendContext, Notification } from '../../../src/index.js';

export const at = Date.UTC(2026, 0, 1, 12, 0, 0);

export function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a1',
    fingerprint: '0123456789abcdef0123456789abcdef',
    ruleId: 'auth.brute-force.user',
    title: 'Brute force on one user',
    severity: 'high',
    summary: '25 failed logins for user=a***e from 203.0.113.0/24',
    groupKey: 'user=a***e',
    labels: { ruleId: 'auth.brute-force.user', severity: 'high', user: 'a***e' },
    mitre: ['T1110.001'],
    count: 25,
    firstSeen: at - 60_000,
    lastSeen: at,
    samples: [{ 'actor.id': 'a***e', ip: '203.0.113.7', email: 'alice@example.com' }],
    status: 'firing',
    ...overrides,
  };
}

export function notification(overrides: Partial<Notification> = {}): Notification {
  return {
    id: 'n-0001',
    receiver: 'soc',
    status: 'firing',
    groupKey: 'user=a***e',
    groupLabels: { user: 'a***e' },
    alerts: [alert()],
    truncatedAlerts: 0,
    createdAt: at,
    ...overrides,
  };
}

/** A send context that never aborts. */
export const context: ChannelSendContext = { signal: new AbortController().signal, attempt: 1 };
