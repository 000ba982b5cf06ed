import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWithSchema } from '../src/audit-event.js';
import { parseAuditEvent } from '../src/index.js';
import { canonicalJson } from '../src/internal/canonical-json.js';
import { eventJson } from '../src/internal/event-json.js';

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const input = fc.record(
  {
    actor: fc.record(
      {
        id: fc.string({ minLength: 1, maxLength: 20 }),
        roles: fc.array(text, { maxLength: 3 }),
        tenantId: text,
      },
      { requiredKeys: ['id'] },
    ),
    action: fc.string({ minLength: 1, maxLength: 20 }),
    target: fc.record({
      type: fc.string({ minLength: 1, maxLength: 10 }),
      id: fc.string({ minLength: 1, maxLength: 10 }),
    }),
    outcome: fc.constantFrom('success' as const, 'failure' as const, 'denied' as const),
    reason: text,
    requestId: text,
    channel: text,
    ip: text,
    details: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: ['actor', 'action', 'outcome'] },
);

describe('eventJson (the fast serializer of audit events)', () => {
  it('writes exactly the canonical JSON of every event parseAuditEvent produces', () => {
    fc.assert(
      fc.property(input, (raw) => {
        let event: ReturnType<typeof parseAuditEvent>;
        try {
          event = parseAuditEvent(raw);
        } catch {
          return; // refused inputs never reach the serializer
        }
        expect(eventJson(event)).toBe(canonicalJson(event));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseAuditEvent (the fast path for common events)', () => {
  const any = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.string({ maxLength: 1030, minLength: 1020 }),
    fc.constant(undefined),
    fc.integer(),
    fc.constant(null),
  );
  const hostile = fc.record(
    {
      actor: fc.oneof(
        fc.record(
          { id: any, roles: fc.oneof(fc.array(any, { maxLength: 70 }), any), tenantId: any },
          { requiredKeys: [] },
        ),
        any,
      ),
      action: any,
      target: fc.oneof(fc.record({ type: any, id: any }, { requiredKeys: [] }), any),
      outcome: fc.oneof(fc.constantFrom('success', 'failure', 'denied', 'maybe'), any),
      reason: any,
      requestId: any,
      channel: any,
      ip: any,
      extra: any,
      details: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: [] },
  );

  // well-formed events with values at the bounds: 1,024 characters, 64 roles, empty names
  const edge = fc.oneof(
    fc.string({ maxLength: 3 }),
    fc.string({ minLength: 1022, maxLength: 1026 }),
    fc.string({ unit: 'binary', maxLength: 8 }),
  );
  const atBounds = fc.record(
    {
      actor: fc.record(
        {
          id: edge,
          roles: fc.oneof(
            fc.array(edge, { maxLength: 3 }),
            fc.array(fc.constant('r'), { minLength: 63, maxLength: 66 }),
          ),
          tenantId: edge,
        },
        { requiredKeys: ['id'] },
      ),
      action: edge,
      target: fc.record({ type: edge, id: edge }),
      outcome: fc.constantFrom('success' as const, 'failure' as const, 'denied' as const),
      reason: edge,
      requestId: edge,
      channel: edge,
      ip: edge,
    },
    { requiredKeys: ['actor', 'action', 'outcome'] },
  );

  const outcomeOf = (parse: (value: unknown) => unknown, value: unknown) => {
    try {
      return { ok: true, value: parse(value) };
    } catch (error) {
      return { ok: false, code: (error as { code?: string }).code };
    }
  };

  it('returns exactly what the zod schema returns, and refuses what it refuses', () => {
    fc.assert(
      fc.property(fc.oneof(input, atBounds, hostile), (raw) => {
        expect(outcomeOf(parseAuditEvent, raw)).toEqual(outcomeOf(parseWithSchema, raw));
      }),
      { numRuns: 3000 },
    );
  });

  it('treats sparse role arrays, throwing getters and class instances like the schema does', () => {
    const roles: string[] = [];
    roles[1] = 'a'; // a hole at index 0
    const sparse = { actor: { id: 'u', roles }, action: 'x', outcome: 'success' };
    expect(() => parseAuditEvent(sparse)).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
    const getter = {
      actor: { id: 'u' },
      outcome: 'success',
      get action(): string {
        throw new Error('boom');
      },
    };
    expect(() => parseAuditEvent(getter)).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
    class Event {
      actor = { id: 'u' };
      action = 'x';
      outcome = 'success' as const;
    }
    expect(outcomeOf(parseAuditEvent, new Event())).toEqual(outcomeOf(parseWithSchema, new Event()));
  });
});
