import { describe, expectTypeOf, it } from 'vitest';
import {
  type AuditCheckpoint,
  type AuditEventInput,
  type AuditReceipt,
  type AuditVerifyFailure,
  createAuditLog,
  createRedactor,
  memorySink,
  parseAuditEvent,
  verifyAuditLog,
} from '../src/index.js';

describe('@secbot/audit types', () => {
  const log = createAuditLog({ sink: memorySink(), key: 'k'.repeat(32) });

  it('record takes a typed event and resolves to a receipt', () => {
    expectTypeOf(log.record).parameter(0).toEqualTypeOf<AuditEventInput>();
    expectTypeOf(log.record).returns.resolves.toEqualTypeOf<AuditReceipt>();
    // @ts-expect-error outcome is a closed set
    void log.record({ actor: { id: 'u' }, action: 'x', outcome: 'maybe' });
    // @ts-expect-error actor is required
    void log.record({ action: 'x', outcome: 'success' });
  });

  it('checkpoint resolves to a signed checkpoint', () => {
    expectTypeOf(log.checkpoint).returns.resolves.toEqualTypeOf<AuditCheckpoint>();
  });

  it('a redactor returns the type it was given', () => {
    const redact = createRedactor();
    expectTypeOf(redact({ a: 1, password: 'x' })).toEqualTypeOf<{ a: number; password: string }>();
  });

  it('parseAuditEvent narrows unknown input to a bounded event', () => {
    expectTypeOf(parseAuditEvent).parameter(0).toBeUnknown();
    expectTypeOf(parseAuditEvent({}).details).toEqualTypeOf<
      import('../src/index.js').AuditJsonValue | undefined
    >();
  });

  it('a verify report names its failure from a closed set', async () => {
    const report = await verifyAuditLog({ path: 'x', key: 'k'.repeat(32) });
    expectTypeOf(report.error?.reason).toEqualTypeOf<AuditVerifyFailure | undefined>();
    // @ts-expect-error workers is a number
    void verifyAuditLog({ path: 'x', key: 'k'.repeat(32), workers: 'many' });
  });
});
