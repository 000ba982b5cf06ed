import type { SecurityEvent, SecurityEventType } from '@secbot/core';
import type { AuditEventInput, AuditOutcome } from './audit-event.js';

const outcomes: Readonly<Record<SecurityEventType, AuditOutcome>> = {
  'auth.success': 'success',
  'auth.failure': 'failure',
  'auth.lockout': 'denied',
  'access.granted': 'success',
  'access.denied': 'denied',
  'policy.change.proposed': 'success',
  'policy.change.approved': 'success',
  'policy.change.rejected': 'success',
  'policy.change.applied': 'success',
  'role.granted': 'success',
  'token.redeemed': 'success',
  'injection.detected': 'denied',
  'key.rotated': 'success',
  'key.destroyed': 'success',
  'crypto.decrypt_failed': 'failure',
  'message.received': 'success',
  'message.redacted': 'success',
  'alert.raised': 'success',
  'alert.resolved': 'success',
  'alert.delivery_failed': 'failure',
  'audit.chain_broken': 'failure',
};

// Fields lifted into the audit event itself rather than copied into `details`.
const lifted = new Set(['type', 'ts', 'requestId', 'tenantId', 'channel', 'ip', 'actor', 'target']);

/**
 * Turn a security event from the bus into an audit event: `action` is the event type, `outcome`
 * follows from it (`auth.failure` -> failure, `access.denied` and `auth.lockout` -> denied, ...),
 * `actor` is the event's actor, else the claimed `username` of an `auth.failure`, else the person
 * named by `by` / `proposedBy`, else `{ id: 'system' }`; `target` is the event's target, the
 * policy change, the key or the locked-out subject; `reason` is the decision reason or error code;
 * every other payload field (and the event's own `ts`, as `eventTs`) goes into `details`.
 *
 * @param event - A security event.
 * @returns The audit event to record (validated and bounded later by `record`).
 * @example
 * ```ts
 * import { createEventBus } from '@secbot/core';
 * import { auditEventFromSecurityEvent } from '@secbot/audit';
 *
 * const bus = createEventBus();
 * bus.onAny((event) => log.record(auditEventFromSecurityEvent(event)));
 * ```
 */
export function auditEventFromSecurityEvent(event: SecurityEvent): AuditEventInput {
  const fields = event as unknown as Readonly<Record<string, unknown>>;
  const details: Record<string, unknown> = { eventTs: event.ts };
  for (const key of Object.keys(fields)) if (!lifted.has(key)) details[key] = fields[key];
  const str = (value: unknown): string | undefined =>
    typeof value === 'string' && value !== '' ? value : undefined;
  const actorRef = fields.actor as { id?: unknown; roles?: unknown; tenantId?: unknown } | undefined;
  let actor: AuditEventInput['actor'];
  if (actorRef !== undefined && str(actorRef.id) !== undefined) {
    actor = {
      id: actorRef.id as string,
      ...(Array.isArray(actorRef.roles) && actorRef.roles.every((role) => typeof role === 'string')
        ? { roles: actorRef.roles as string[] }
        : {}),
      ...((str(actorRef.tenantId) ?? str(event.tenantId))
        ? { tenantId: str(actorRef.tenantId) ?? str(event.tenantId) }
        : {}),
    };
  } else {
    const id = str(fields.username) ?? str(fields.by) ?? str(fields.proposedBy) ?? 'system';
    actor = { id, ...(str(event.tenantId) ? { tenantId: event.tenantId } : {}) };
  }
  let target: AuditEventInput['target'];
  const targetRef = fields.target as { type?: unknown; id?: unknown } | undefined;
  if (targetRef !== undefined && str(targetRef.type) && str(targetRef.id)) {
    target = { type: targetRef.type as string, id: targetRef.id as string };
  } else if (str(fields.changeId)) target = { type: 'policy-change', id: fields.changeId as string };
  else if (str(fields.keyId)) target = { type: 'key', id: fields.keyId as string };
  else if (event.type === 'auth.lockout') target = { type: event.scope, id: event.key };
  else if (event.type === 'alert.raised' || event.type === 'alert.resolved')
    target = { type: 'alert', id: event.alertId };
  else if (event.type === 'alert.delivery_failed')
    target = { type: 'notification', id: event.notificationId };
  else if (event.type === 'role.granted') target = { type: 'principal', id: event.subject.id };
  else if (event.type === 'token.redeemed') target = { type: 'token', id: event.jti };
  else if (event.type === 'injection.detected' && str(event.conversationId))
    target = { type: 'conversation', id: event.conversationId as string };
  let reason: string | undefined;
  if (event.type === 'access.denied') reason = event.reason;
  else if (event.type === 'auth.failure' || event.type === 'crypto.decrypt_failed') reason = event.code;
  else if (event.type === 'policy.change.rejected' || event.type === 'audit.chain_broken')
    reason = event.reason;
  return {
    actor,
    action: event.type,
    outcome: outcomes[event.type] ?? 'success',
    ...(target === undefined ? {} : { target }),
    ...(reason === undefined ? {} : { reason }),
    ...(str(event.requestId) ? { requestId: event.requestId } : {}),
    ...(str(event.channel) ? { channel: event.channel } : {}),
    ...(str(event.ip) ? { ip: event.ip } : {}),
    details,
  };
}
