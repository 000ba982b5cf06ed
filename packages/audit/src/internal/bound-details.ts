import type { AuditJsonValue } from '../audit-event.js';
import { auditEventLimits as L } from './event-limits.js';

/**
 * Cut a string longer than the limit, on a code point boundary, and say so:
 * `"aaaa…[truncated 123 chars]"`.
 */
export function capString(value: string, max: number = L.maxStringLength): string {
  if (value.length <= max) return value;
  let end = max;
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1; // never split a surrogate pair
  return `${value.slice(0, end)}…[truncated ${value.length - end} chars]`;
}

/**
 * Sanitise and bound `details` (see `parseAuditEvent` for the rules): JSON values only, cycles,
 * depth, item and node counts bounded, and a marker with a preview when still over 16 KiB.
 */
export function boundDetails(value: unknown): AuditJsonValue {
  const budget = { nodes: L.maxNodes };
  const sanitised = sanitise(value, 1, new Set<object>(), budget);
  if (sanitised === undefined) return null;
  // only the size is needed here: native JSON.stringify has the same length as the canonical form
  // (key order is the only difference), at a fraction of the cost
  const json = JSON.stringify(sanitised);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes <= L.maxDetailsBytes) return sanitised;
  return { '[truncated]': true, bytes, preview: capString(json, L.maxStringLength) };
}

/** Returns undefined only for `undefined` (dropped from objects, null in arrays). */
function sanitise(
  value: unknown,
  depth: number,
  ancestors: Set<object>,
  budget: { nodes: number },
): AuditJsonValue | undefined {
  if (budget.nodes <= 0) return '[limit]';
  budget.nodes -= 1;
  switch (typeof value) {
    case 'string':
      return capString(value);
    case 'number':
      if (!Number.isFinite(value)) return String(value);
      return value === 0 ? 0 : value; // -0 is written as 0
    case 'boolean':
      return value;
    case 'bigint':
      return capString(value.toString());
    case 'undefined':
      return undefined;
    case 'function':
      return '[function]';
    case 'symbol':
      return '[symbol]';
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (depth > L.maxDepth) return '[depth limit]';
  if (ancestors.has(object)) return '[circular]';
  try {
    if (object instanceof Date) {
      return Number.isNaN(object.getTime()) ? '[invalid date]' : object.toISOString();
    }
    if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) {
      return `[binary ${object.byteLength} bytes]`;
    }
    if (object instanceof Map) return '[Map]';
    if (object instanceof Set) return '[Set]';
    ancestors.add(object);
    try {
      if (object instanceof Error) {
        return {
          name: capString(String(object.name)),
          message: capString(String(object.message)),
        };
      }
      if (Array.isArray(object)) return sanitiseArray(object, depth, ancestors, budget);
      return sanitiseObject(object as Record<string, unknown>, depth, ancestors, budget);
    } finally {
      ancestors.delete(object);
    }
  } catch {
    return '[unreadable]';
  }
}

function sanitiseArray(
  array: readonly unknown[],
  depth: number,
  ancestors: Set<object>,
  budget: { nodes: number },
): AuditJsonValue[] {
  const length = Math.min(array.length, L.maxItems);
  const out: AuditJsonValue[] = [];
  for (let i = 0; i < length; i++) {
    let item: unknown;
    try {
      item = array[i];
    } catch {
      item = '[unreadable]';
    }
    out.push(sanitise(item, depth + 1, ancestors, budget) ?? null);
  }
  if (array.length > length) out.push(`…[truncated ${array.length - length} items]`);
  return out;
}

function sanitiseObject(
  object: Record<string, unknown>,
  depth: number,
  ancestors: Set<object>,
  budget: { nodes: number },
): Record<string, AuditJsonValue> {
  const keys = Object.keys(object);
  const length = Math.min(keys.length, L.maxItems);
  const out: Record<string, AuditJsonValue> = {};
  for (let i = 0; i < length; i++) {
    const key = keys[i] as string;
    let item: unknown;
    try {
      item = object[key];
    } catch {
      item = '[unreadable]';
    }
    const sanitised = sanitise(item, depth + 1, ancestors, budget);
    if (sanitised === undefined) continue;
    const safeKey = key === '__proto__' ? '[__proto__]' : capString(key, L.maxKeyLength);
    if (!Object.hasOwn(out, safeKey)) out[safeKey] = sanitised;
  }
  if (keys.length > length) out['…'] = `[truncated ${keys.length - length} keys]`;
  return out;
}
