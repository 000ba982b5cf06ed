import { formatPath, SecbotError } from '@secbot/core';
import { z } from 'zod';
import { boundDetails, capString } from './internal/bound-details.js';
import { auditEventLimits } from './internal/event-limits.js';

/** How an audited action ended. */
export type AuditOutcome = 'success' | 'failure' | 'denied';

/** A JSON value as recorded in `details`: what {@link parseAuditEvent} turns any input into. */
export type AuditJsonValue =
  | null
  | boolean
  | number
  | string
  | readonly AuditJsonValue[]
  | { readonly [key: string]: AuditJsonValue };

/** What a caller passes to `record`: who did what to which thing, and how it ended. */
export interface AuditEventInput {
  /** Who acted. */
  readonly actor: { readonly id: string; readonly roles?: readonly string[]; readonly tenantId?: string };
  /** What was done, e.g. `transcripts.export` or a security event type such as `auth.failure`. */
  readonly action: string;
  /** What it was done to. */
  readonly target?: { readonly type: string; readonly id: string };
  /** How it ended. */
  readonly outcome: AuditOutcome;
  /** Why (a denial reason, an error code). */
  readonly reason?: string;
  /** The request or turn it belongs to. */
  readonly requestId?: string;
  /** The transport, e.g. `http`. */
  readonly channel?: string;
  /** The client address. */
  readonly ip?: string;
  /** Anything else, JSON-like; bounded and sanitised (see {@link auditEventLimits}). */
  readonly details?: unknown;
}

/** A validated, bounded audit event, as it is written into a line (the log adds `ts`). */
export interface AuditEvent extends Omit<AuditEventInput, 'details'> {
  /** Anything else, sanitised and bounded to JSON values. */
  readonly details?: AuditJsonValue;
}

export { auditEventLimits } from './internal/event-limits.js';

const L = auditEventLimits;

const text = z.string().transform((value) => capString(value));
const name = z
  .string()
  .min(1, 'must not be empty')
  .transform((value) => capString(value));

const eventSchema = z.strictObject({
  actor: z.strictObject({
    id: name,
    roles: z
      .array(z.string())
      .transform((roles) => {
        const kept = roles.slice(0, L.maxRoles).map((role) => capString(role));
        if (roles.length > L.maxRoles) kept.push(`…[truncated ${roles.length - L.maxRoles} roles]`);
        return kept;
      })
      .optional(),
    tenantId: text.optional(),
  }),
  action: name,
  target: z.strictObject({ type: name, id: name }).optional(),
  outcome: z.enum(['success', 'failure', 'denied']),
  reason: text.optional(),
  requestId: text.optional(),
  channel: text.optional(),
  ip: text.optional(),
  details: z.unknown().optional(),
});

/**
 * Validate and bound an audit event.
 *
 * Two kinds of bad input are told apart. A malformed event (a programming error: no `actor.id`,
 * an unknown `outcome`, a wrong type, an unknown top-level key) is refused with `ARGUMENT_INVALID`.
 * Oversized or hostile *content*, which an attacker may control, is recorded safely instead, so
 * nobody can keep their own action out of the trail by making a field huge:
 *
 * - strings longer than 1,024 characters are cut and end in `…[truncated N chars]`; more than 64
 *   roles are cut the same way; newlines, NUL and quotes are kept (JSON escaping makes them harmless);
 * - inside `details`: nesting deeper than 8 becomes `"[depth limit]"`; a cycle becomes
 *   `"[circular]"`; more than 256 items or keys per container are cut with a `"…"` marker entry;
 *   after 2,048 values the rest become `"[limit]"`; functions `"[function]"`, symbols `"[symbol]"`;
 *   bigint its decimal digits as a string; `NaN`/`Infinity` the strings `"NaN"`, `"Infinity"`,
 *   `"-Infinity"`; `undefined` is dropped from objects and becomes `null` in arrays (as JSON does);
 *   a Date its ISO string; bytes `"[binary N bytes]"`; an Error `{ name, message }` (no stack);
 *   Map and Set `"[Map]"`/`"[Set]"`; a getter or proxy that throws `"[unreadable]"`; no `toJSON`
 *   is ever called;
 * - a `__proto__` key is recorded as `"[__proto__]"`, so no consumer that copies the parsed
 *   line into an object can have its prototype replaced;
 * - when the canonical JSON of `details` still exceeds 16 KiB it is replaced by
 *   `{ "[truncated]": true, "bytes": N, "preview": <first 1,024 characters> }`.
 *
 * @param input - The event.
 * @returns A new, bounded event whose `details` are plain JSON.
 * @throws SecbotError `ARGUMENT_INVALID` naming the offending path for a malformed event.
 * @example
 * ```ts
 * import { parseAuditEvent } from '@secbot/audit';
 *
 * const event = parseAuditEvent({ actor: { id: 'u1' }, action: 'transcripts.export', outcome: 'success' });
 * ```
 */
export function parseAuditEvent(input: unknown): AuditEvent {
  let fast: AuditEvent | undefined;
  try {
    fast = parseCommonEvent(input);
  } catch {
    fast = undefined; // a throwing getter or proxy: the schema path reports it
  }
  return fast ?? parseWithSchema(input);
}

/** {@link parseAuditEvent} through the zod schema only (the fast path's reference; for tests). */
export function parseWithSchema(input: unknown): AuditEvent {
  let result: ReturnType<typeof eventSchema.safeParse>;
  try {
    result = eventSchema.safeParse(input);
  } catch (cause) {
    throw new SecbotError('ARGUMENT_INVALID', 'audit event: the event cannot be read', { cause });
  }
  if (!result.success) {
    const issues = result.error.issues.map(
      (issue) => `${issue.path.length === 0 ? '(event)' : formatPath(issue.path)}: ${issue.message}`,
    );
    throw new SecbotError('ARGUMENT_INVALID', `audit event: ${issues.join('; ')}`, { cause: result.error });
  }
  const { details, ...rest } = result.data;
  if (details === undefined) return rest as AuditEvent;
  return { ...rest, details: boundDetails(details) } as AuditEvent;
}

const eventKeys = new Set([
  'actor',
  'action',
  'target',
  'outcome',
  'reason',
  'requestId',
  'channel',
  'ip',
  'details',
]);
const optionalTexts = ['reason', 'requestId', 'channel', 'ip'] as const;

const isPlain = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};
const isShort = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= L.maxStringLength;
const isName = (value: unknown): value is string => isShort(value) && value.length > 0;

/**
 * The common case without zod: a plain event whose strings are all within bounds. Returns exactly
 * what the schema would (a property test checks it), or `undefined` for anything else, which then
 * takes the schema's path with its error messages and truncation.
 */
function parseCommonEvent(input: unknown): AuditEvent | undefined {
  if (!isPlain(input)) return undefined;
  for (const key in input) if (!eventKeys.has(key)) return undefined;
  const { actor, action, target, outcome, details } = input;
  if (!isPlain(actor) || !isName(action)) return undefined;
  if (outcome !== 'success' && outcome !== 'failure' && outcome !== 'denied') return undefined;
  const { id, roles, tenantId } = actor;
  for (const key in actor) if (key !== 'id' && key !== 'roles' && key !== 'tenantId') return undefined;
  if (!isName(id) || (tenantId !== undefined && !isShort(tenantId))) return undefined;
  if (roles !== undefined) {
    if (!Array.isArray(roles) || roles.length > L.maxRoles) return undefined;
    for (let i = 0; i < roles.length; i++) if (!isShort(roles[i])) return undefined; // holes too
  }
  const event: Record<string, unknown> = {
    actor: {
      id,
      ...(roles === undefined ? {} : { roles: [...(roles as string[])] }),
      ...(tenantId === undefined ? {} : { tenantId }),
    },
    action,
    outcome,
  };
  if (target !== undefined) {
    if (!isPlain(target)) return undefined;
    for (const key in target) if (key !== 'type' && key !== 'id') return undefined;
    if (!isName(target.type) || !isName(target.id)) return undefined;
    event.target = { type: target.type, id: target.id };
  }
  for (const key of optionalTexts) {
    const value = input[key];
    if (value === undefined) continue;
    if (!isShort(value)) return undefined;
    event[key] = value;
  }
  if (details !== undefined) event.details = boundDetails(details);
  return event as unknown as AuditEvent;
}
