import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEventBus, type SecurityEvent } from '../src/index.js';

const failure = {
  provider: 'local',
  method: 'password',
  code: 'AUTH_INVALID_CREDENTIALS',
  username: 'ana',
} as const;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('security event bus', () => {
  it('delivers typed, frozen events stamped by the injected clock, in registration order', () => {
    const bus = createEventBus({ now: () => 1234 });
    const seen: string[] = [];
    bus.on('auth.failure', (event) => {
      seen.push(`first:${event.username}`);
      expect(Object.isFrozen(event)).toBe(true);
    });
    bus.on('auth.failure', (event) => {
      seen.push(`second:${event.code}`);
    });
    const event = bus.emit('auth.failure', failure);
    expect(seen).toEqual(['first:ana', 'second:AUTH_INVALID_CREDENTIALS']);
    expect(event).toMatchObject({ type: 'auth.failure', ts: 1234, username: 'ana' });
  });

  it('keeps an explicit ts and never lets the payload override the type', () => {
    const bus = createEventBus({ now: () => 1 });
    const event = bus.emit('auth.failure', { ...failure, ts: 99, type: 'alert.raised' } as typeof failure);
    expect(event.type).toBe('auth.failure');
    expect(event.ts).toBe(99);
  });

  it("a payload with an own __proto__ key cannot set the event's prototype", () => {
    const bus = createEventBus({ now: () => 5 });
    const hostile = JSON.parse(
      '{"provider":"x","method":"password","code":"AUTH_INVALID_CREDENTIALS","__proto__":{"ip":"10.9.9.9"}}',
    );
    const event = bus.emit('auth.failure', hostile);
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    expect(event.ip).toBeUndefined();
    expect(Object.hasOwn(event, '__proto__')).toBe(true); // kept as plain data
    expect(event).toMatchObject({ type: 'auth.failure', ts: 5, provider: 'x' });
  });

  it('keeps delivering when a listener throws, and reports the error with the event', () => {
    const bus = createEventBus();
    const errors: Array<[unknown, SecurityEvent]> = [];
    bus.onError((error, event) => errors.push([error, event]));
    const after = vi.fn();
    bus.on('auth.failure', () => {
      throw new Error('listener bug');
    });
    bus.on('auth.failure', after);
    expect(() => bus.emit('auth.failure', failure)).not.toThrow();
    expect(after).toHaveBeenCalledTimes(1);
    expect(errors).toHaveLength(1);
    const [error, event] = errors[0]!;
    expect((error as Error).message).toBe('listener bug');
    expect(event.type).toBe('auth.failure');
  });

  it('reports a rejected async listener without an unhandled rejection', async () => {
    const bus = createEventBus();
    const errors: unknown[] = [];
    bus.onError((error) => errors.push(error));
    bus.on('access.denied', async () => {
      throw new Error('async bug');
    });
    bus.emit('access.denied', { actor: { id: 'u1' }, permission: 'x:y', reason: 'no-grant' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toHaveLength(1);
  });

  it('falls back to a process warning that names the error type but not its message', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const bus = createEventBus();
    bus.on('auth.failure', () => {
      throw new TypeError('contains secret s3cr3t');
    });
    bus.emit('auth.failure', failure);
    expect(warn).toHaveBeenCalledTimes(1);
    const message = String(warn.mock.calls[0]?.[0]);
    expect(message).toContain('auth.failure');
    expect(message).toContain('TypeError');
    expect(message).not.toContain('s3cr3t');
  });

  it('survives an error handler that throws', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const bus = createEventBus();
    bus.onError(() => {
      throw new Error('handler bug');
    });
    bus.on('auth.failure', () => {
      throw new Error('listener bug');
    });
    expect(() => bus.emit('auth.failure', failure)).not.toThrow();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('runs once-listeners once, and unsubscribes', () => {
    const bus = createEventBus();
    const once = vi.fn();
    const many = vi.fn();
    bus.once('auth.failure', once);
    const off = bus.on('auth.failure', many);
    bus.emit('auth.failure', failure);
    bus.emit('auth.failure', failure);
    off();
    off();
    bus.emit('auth.failure', failure);
    expect(once).toHaveBeenCalledTimes(1);
    expect(many).toHaveBeenCalledTimes(2);
    expect(bus.listenerCount('auth.failure')).toBe(0);
  });

  it('unsubscribes one registration of a listener registered twice', () => {
    const bus = createEventBus();
    const listener = vi.fn();
    const offFirst = bus.on('auth.failure', listener);
    bus.on('auth.failure', listener);
    offFirst();
    bus.emit('auth.failure', failure);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('gives onAny listeners every event type, and only to them', () => {
    const bus = createEventBus();
    const all: string[] = [];
    const offAny = bus.onAny((event) => {
      all.push(event.type);
    });
    bus.emit('auth.failure', failure);
    bus.emit('key.rotated', { keyId: 'k2', previousKeyId: 'k1', scope: 'kek' });
    expect(all).toEqual(['auth.failure', 'key.rotated']);
    expect(bus.listenerCount()).toBe(1);
    offAny();
    bus.emit('auth.failure', failure);
    expect(all).toHaveLength(2);
    expect(bus.listenerCount()).toBe(0);
  });

  it('clear() removes every listener and handler, and later unsubscribes stay harmless', () => {
    const bus = createEventBus();
    const listener = vi.fn();
    const off = bus.on('auth.failure', listener);
    const offAny = bus.onAny(listener);
    bus.clear();
    off();
    offAny();
    bus.emit('auth.failure', failure);
    expect(listener).not.toHaveBeenCalled();
    expect(bus.listenerCount()).toBe(0);
    const later = vi.fn();
    bus.onAny(later);
    bus.emit('auth.failure', failure);
    expect(later).toHaveBeenCalledTimes(1);
  });

  it('lets a listener that unsubscribes itself during emit leave the others untouched', () => {
    const bus = createEventBus();
    const second = vi.fn();
    const off: () => void = bus.on('auth.failure', () => {
      off();
    });
    bus.on('auth.failure', second);
    bus.emit('auth.failure', failure);
    bus.emit('auth.failure', failure);
    expect(second).toHaveBeenCalledTimes(2);
  });
});
