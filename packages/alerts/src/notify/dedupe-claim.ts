import { createHash } from 'node:crypto';
import type { Store } from '@secbot/core';
import type { Alert } from '../alert.js';

/** What identifies one notification across instances. */
export interface ClaimSubject {
  readonly receiver: string;
  /** The aggregation group's id (route and group values). */
  readonly groupId: string;
  /** Every alert of the notification, truncated ones included. */
  readonly alerts: readonly Alert[];
  readonly now: number;
  readonly repeatIntervalMs: number;
}

/**
 * The store key of a notification: `alerts:notified:<receiver>:<group>:<alerts>:<repeat window>`.
 * The group and the alerts (fingerprint and status) are hashed: group values are usernames or
 * addresses, which must not become store keys in the clear, and keys stay within store limits.
 */
export function claimKey(subject: ClaimSubject): string {
  const members = subject.alerts
    .map((alert) => `${alert.fingerprint}:${alert.status}`)
    .sort()
    .join(',');
  const window = Math.floor(subject.now / subject.repeatIntervalMs);
  return `alerts:notified:${subject.receiver}:${hash(subject.groupId)}:${hash(members)}:${window}`;
}

/**
 * Claim a notification in the shared store (atomic set-if-absent with a TTL of one repeat
 * interval): the instance that wins sends it, the others count a duplicate.
 *
 * @returns Whether this instance won.
 */
export function claimNotification(store: Store, subject: ClaimSubject): Promise<boolean> {
  return store.set(claimKey(subject), String(subject.now), {
    ifNotExists: true,
    ttlMs: subject.repeatIntervalMs,
  });
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
