import type { AuditEvent } from '../audit-event.js';
import { canonicalJson } from './canonical-json.js';

// Characters JSON.stringify escapes or rewrites: quote, backslash, controls, and surrogates (a lone
// one becomes \udxxx). Strings without them serialise as themselves between quotes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: those are the characters to find
const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(text)`, skipping the native call for short strings that need no escaping. */
function quote(text: string): string {
  return text.length <= 128 && !needsEscape.test(text) ? `"${text}"` : JSON.stringify(text);
}

function quoteAll(list: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < list.length; i++)
    out += i === 0 ? quote(list[i] as string) : `,${quote(list[i] as string)}`;
  return `${out}]`;
}

/**
 * `canonicalJson(event)` for the event's known shape, written directly in sorted key order
 * (action, actor{id, roles, tenantId}, channel, details, ip, outcome, reason, requestId,
 * target{id, type}) instead of sorting keys per object. Only `details`, whose shape is free, goes
 * through the generic serializer. Equal output for every event is checked by a property test.
 */
export function eventJson(event: AuditEvent): string {
  const actor = event.actor;
  let out = `{"action":${quote(event.action)},"actor":{"id":${quote(actor.id)}`;
  if (actor.roles !== undefined) out += `,"roles":${quoteAll(actor.roles)}`;
  if (actor.tenantId !== undefined) out += `,"tenantId":${quote(actor.tenantId)}`;
  out += '}';
  if (event.channel !== undefined) out += `,"channel":${quote(event.channel)}`;
  if (event.details !== undefined) out += `,"details":${canonicalJson(event.details)}`;
  if (event.ip !== undefined) out += `,"ip":${quote(event.ip)}`;
  out += `,"outcome":${quote(event.outcome)}`;
  if (event.reason !== undefined) out += `,"reason":${quote(event.reason)}`;
  if (event.requestId !== undefined) out += `,"requestId":${quote(event.requestId)}`;
  if (event.target !== undefined)
    out += `,"target":{"id":${quote(event.target.id)},"type":${quote(event.target.type)}}`;
  return `${out}}`;
}
