// Alerts and notifications for channel tests, with hostile values on request.
import type { Alert, ChannelSendContext, Notification } from '../../../src/index.js';

export const createdAt = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

export function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a1b2c3',
    fingerprint: '0123456789abcdef0123456789abcdef',
    ruleId: 'auth.brute-force.user',
    title: 'Brute force against one user',
    severity: 'high',
    summary: '12 failed logins for alice from 203.0.113.7',
    groupKey: 'actor.id=alice',
    labels: { ruleId: 'auth.brute-force.user', severity: 'high', 'actor.id': 'alice', ip: '203.0.113.7' },
    mitre: ['T1110.001'],
    count: 12,
    firstSeen: Date.UTC(2026, 0, 2, 3, 0, 0),
    lastSeen: Date.UTC(2026, 0, 2, 3, 4, 0),
    samples: [],
    status: 'firing',
    ...overrides,
  };
}

export function notification(
  alerts: readonly Alert[] = [alert()],
  overrides: Partial<Notification> = {},
): Notification {
  return {
    id: 'n-0001',
    receiver: 'security',
    status: alerts.every((a) => a.status === 'resolved') ? 'resolved' : 'firing',
    groupKey: 'actor.id=alice',
    groupLabels: { 'actor.id': 'alice' },
    alerts,
    truncatedAlerts: 0,
    createdAt,
    ...overrides,
  };
}

/** A send context whose signal is never aborted, unless one is given. */
export function context(signal: AbortSignal = new AbortController().signal): ChannelSendContext {
  return { signal, attempt: 1 };
}

/** An alert whose every text field is hostile: quotes, backslashes, brackets, pipes, equals, line breaks, unicode. */
export function hostileAlert(): Alert {
  return alert({
    ruleId: 'rule"]\\|=\n',
    title: 'Title | with \\ pipe\r\nCEF:0|forged|header',
    summary: 'a="b" c\\d ]e| f=g\nline2\rline3 <script>alert(1)</script> héllo 🔥',
    groupKey: 'user=<b>bob</b>',
    // An own `__proto__` key, as JSON.parse makes it (a literal `__proto__:` would set the prototype).
    labels: JSON.parse('{"__proto__":"polluted","bad key=x":"v\\"]","constructor":"c","a]b\\"c":"\\\\"}'),
  });
}
