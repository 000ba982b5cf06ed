import type { AuditEvent } from '../audit-event.js';
import { canonicalJson } from './canonical-json.js';

const str = JSON.stringify;

/**
 * `canonicalJson(event)` for the event's known shape, written directly in sorted key order
 * (action, actor{id, roles, tenantId}, channel, details, ip, outcome, reason, requestId,
 * target{id, type}) instead of sorting keys per object. Only `details`, whose shape is free, goes
 * through the generic serializer. Equal output for every event is checked by a property test.
 */
export function eventJson(event: AuditEvent): string {
  const actor = event.actor;
  let out = `{"action":${str(event.action)},"actor":{"id":${str(actor.id)}`;
  if (actor.roles !== undefined) out += `,"roles":${str(actor.roles)}`;
  if (actor.tenantId !== undefined) out += `,"tenantId":${str(actor.tenantId)}`;
  out += '}';
  if (event.channel !== undefined) out += `,"channel":${str(event.channel)}`;
  if (event.details !== undefined) out += `,"details":${canonicalJson(event.details)}`;
  if (event.ip !== undefined) out += `,"ip":${str(event.ip)}`;
  out += `,"outcome":${str(event.outcome)}`;
  if (event.reason !== undefined) out += `,"reason":${str(event.reason)}`;
  if (event.requestId !== undefined) out += `,"requestId":${str(event.requestId)}`;
  if (event.target !== undefined)
    out += `,"target":{"id":${str(event.target.id)},"type":${str(event.target.type)}}`;
  return `${out}}`;
}
