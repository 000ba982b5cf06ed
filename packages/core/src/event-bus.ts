import { EventEmitter } from 'eventemitter3';
import { type Clock, systemClock } from './clock.js';
import type { SecurityEvent, SecurityEventInput, SecurityEventType } from './security-events.js';

/** A listener for one event type. It may be async; a rejection is reported, never thrown. */
export type SecurityEventListener<T extends SecurityEventType = SecurityEventType> = (
  event: SecurityEvent<T>,
) => void | Promise<void>;

/** Receives what a listener threw (or rejected with), and the event it was handling. */
export type ListenerErrorHandler = (error: unknown, event: SecurityEvent) => void;

/** Options of {@link createEventBus}. */
export interface EventBusOptions {
  /** Clock that stamps `ts` on events emitted without one. Defaults to `Date.now`. */
  readonly now?: Clock;
}

/**
 * The typed security event bus every feature emits on: audit records from it, alerts detect on it.
 *
 * Listeners are isolated: one that throws or rejects neither stops the other listeners nor the
 * code that emitted. Its error goes to the handlers registered with {@link SecurityEventBus.onError},
 * or, when there are none, to `process.emitWarning`.
 */
export interface SecurityEventBus {
  /**
   * Emit an event. Listeners run synchronously, in registration order, before `emit` returns.
   *
   * @param type - The event name.
   * @param payload - The event fields; `ts` defaults to the bus clock.
   * @returns The frozen event as listeners saw it.
   */
  emit<T extends SecurityEventType>(type: T, payload: SecurityEventInput<T>): SecurityEvent<T>;
  /**
   * Listen to one event type.
   *
   * @returns A function that removes this listener.
   */
  on<T extends SecurityEventType>(type: T, listener: SecurityEventListener<T>): () => void;
  /**
   * Listen to the next event of one type only.
   *
   * @returns A function that removes this listener if it has not run yet.
   */
  once<T extends SecurityEventType>(type: T, listener: SecurityEventListener<T>): () => void;
  /**
   * Listen to every event (audit and alerts use this).
   *
   * @returns A function that removes this listener.
   */
  onAny(listener: SecurityEventListener): () => void;
  /**
   * Receive the errors listeners throw.
   *
   * @returns A function that removes this handler.
   */
  onError(handler: ListenerErrorHandler): () => void;
  /**
   * How many listeners are registered for a type (not counting `onAny` listeners), or in total.
   *
   * @param type - The event name; all types and `onAny` listeners when omitted.
   */
  listenerCount(type?: SecurityEventType): number;
  /** Remove every listener and error handler. */
  clear(): void;
}

const anyChannel = '*';

/**
 * The event object: the payload's own properties, then `type` and `ts`. `Object.assign` onto a
 * fresh object gives events of one shape one hidden class; object spread here gave nearly every
 * event its own on Node 20, which made each property read by a listener (the detector reads
 * several per event) ~30x slower. A payload with an own `__proto__` key (from `JSON.parse`)
 * takes the spread, which defines it as a plain property instead of setting the prototype.
 */
function buildEvent(type: string, payload: object, ts: number): object {
  if (Object.hasOwn(payload, '__proto__')) return { ...payload, type, ts };
  return Object.assign({}, payload, { type, ts });
}

/**
 * Create a security event bus.
 *
 * @param options - Clock for event timestamps.
 * @returns A new, empty bus.
 * @example
 * ```ts
 * import { createEventBus } from '@secbot/core';
 *
 * const bus = createEventBus();
 * bus.on('auth.failure', (event) => console.log(event.username, event.code));
 * bus.emit('auth.failure', { provider: 'local', method: 'password', code: 'AUTH_INVALID_CREDENTIALS', username: 'ana' });
 * ```
 */
export function createEventBus(options: EventBusOptions = {}): SecurityEventBus {
  const now = options.now ?? systemClock;
  const emitter = new EventEmitter();
  const errorHandlers = new Set<ListenerErrorHandler>();
  const removers = new Set<() => void>();
  let anyCount = 0;

  const report = (error: unknown, event: SecurityEvent): void => {
    if (errorHandlers.size === 0) {
      warn(`a listener for "${event.type}" failed`, error);
      return;
    }
    for (const handler of errorHandlers) {
      try {
        handler(error, event);
      } catch (handlerError) {
        warn('an onError handler failed', handlerError);
      }
    }
  };

  const isolate =
    (listener: SecurityEventListener) =>
    (event: SecurityEvent): void => {
      try {
        const result = listener(event);
        if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
          (result as Promise<void>).then(undefined, (error: unknown) => report(error, event));
        }
      } catch (error) {
        report(error, event);
      }
    };

  const subscribe = (channel: string, listener: SecurityEventListener, once: boolean): (() => void) => {
    let removed = false;
    const isolated = isolate(listener);
    const wrapper = once
      ? (event: SecurityEvent): void => {
          remove();
          isolated(event);
        }
      : isolated;
    const remove = (): void => {
      if (removed) return;
      removed = true;
      removers.delete(remove);
      emitter.removeListener(channel, wrapper);
      if (channel === anyChannel) anyCount -= 1;
    };
    emitter.on(channel, wrapper);
    removers.add(remove);
    if (channel === anyChannel) anyCount += 1;
    return remove;
  };

  return {
    emit(type, payload) {
      const event = Object.freeze(buildEvent(type, payload, payload.ts ?? now())) as unknown as SecurityEvent<
        typeof type
      >;
      emitter.emit(type, event);
      if (anyCount > 0) emitter.emit(anyChannel, event);
      return event;
    },
    on: (type, listener) => subscribe(type, listener as SecurityEventListener, false),
    once: (type, listener) => subscribe(type, listener as SecurityEventListener, true),
    onAny: (listener) => subscribe(anyChannel, listener, false),
    onError(handler) {
      errorHandlers.add(handler);
      return () => {
        errorHandlers.delete(handler);
      };
    },
    listenerCount(type) {
      if (type !== undefined) return emitter.listenerCount(type);
      let total = 0;
      for (const name of emitter.eventNames()) total += emitter.listenerCount(name);
      return total;
    },
    clear() {
      for (const remove of [...removers]) remove();
      errorHandlers.clear();
    },
  };
}

function warn(what: string, error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  // Only the error's name: a listener's message may quote event data, and warnings reach plain logs.
  globalThis.process?.emitWarning?.(`secbot event bus: ${what} (${name})`, { code: 'SECBOT_LISTENER_ERROR' });
}
