import { describe, expectTypeOf, it } from 'vitest';
import {
  createEventBus,
  type SecurityEvent,
  type SecurityEventPayloads,
  type SecurityEventType,
  type securityEventTypes,
} from '../src/index.js';

describe('security event types', () => {
  const bus = createEventBus();

  it('names exactly the events of the design', () => {
    expectTypeOf<SecurityEventType>().toEqualTypeOf<
      | 'auth.success'
      | 'auth.failure'
      | 'auth.lockout'
      | 'access.granted'
      | 'access.denied'
      | 'policy.change.proposed'
      | 'policy.change.approved'
      | 'policy.change.rejected'
      | 'policy.change.applied'
      | 'role.granted'
      | 'token.redeemed'
      | 'injection.detected'
      | 'key.rotated'
      | 'key.destroyed'
      | 'crypto.decrypt_failed'
      | 'message.received'
      | 'message.redacted'
      | 'alert.raised'
      | 'alert.resolved'
      | 'alert.delivery_failed'
      | 'audit.chain_broken'
    >();
    expectTypeOf<(typeof securityEventTypes)[number]>().toEqualTypeOf<SecurityEventType>();
  });

  it('narrows the listener payload by event name', () => {
    bus.on('auth.lockout', (event) => {
      expectTypeOf(event.type).toEqualTypeOf<'auth.lockout'>();
      expectTypeOf(event.retryAfterSec).toEqualTypeOf<number>();
      expectTypeOf(event.scope).toEqualTypeOf<'user' | 'ip'>();
    });
    bus.on('access.denied', (event) => {
      expectTypeOf(event.actor.id).toEqualTypeOf<string>();
      expectTypeOf(event.reason).toEqualTypeOf<
        | 'granted'
        | 'no-grant'
        | 'denied-by-rule'
        | 'condition-failed'
        | 'tenant-mismatch'
        | 'invalid-permission'
      >();
    });
  });

  it('types emit payloads and returns the stamped event', () => {
    const event = bus.emit('key.rotated', { keyId: 'k2', scope: 'kek' });
    expectTypeOf(event).toEqualTypeOf<SecurityEvent<'key.rotated'>>();
    expectTypeOf(event.ts).toEqualTypeOf<number>();
    // @ts-expect-error a required field (scope) is missing
    bus.emit('key.rotated', { keyId: 'k2' });
    // @ts-expect-error a field of another event does not belong here
    bus.emit('key.rotated', { keyId: 'k2', scope: 'kek', username: 'ana' });
    // @ts-expect-error unknown event names are refused
    bus.emit('auth.maybe', {});
  });

  it('discriminates the union given to onAny listeners', () => {
    bus.onAny((event) => {
      if (event.type === 'alert.raised')
        expectTypeOf(event.severity).toEqualTypeOf<SecurityEventPayloads['alert.raised']['severity']>();
      if (event.type === 'audit.chain_broken') expectTypeOf(event.seq).toEqualTypeOf<number>();
    });
  });
});
