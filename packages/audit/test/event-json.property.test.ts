import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAuditEvent } from '../src/index.js';
import { canonicalJson } from '../src/internal/canonical-json.js';
import { eventJson } from '../src/internal/event-json.js';

const text = fc.string({ unit: 'grapheme', maxLength: 20 });
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
