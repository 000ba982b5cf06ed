import { z } from 'zod';
import type { SecurityEventBus } from './event-bus.js';
import type { Store } from './store.js';

const storeMethods = [
  'increment',
  'get',
  'set',
  'delete',
  'setAdd',
  'setHas',
  'setRemove',
  'setSize',
  'close',
] as const;
const busMethods = ['emit', 'on', 'onAny'] as const;

const hasMethods = (value: unknown, methods: readonly string[]): boolean =>
  typeof value === 'object' &&
  value !== null &&
  methods.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');

/**
 * Zod schema for an option that takes a {@link Store}: any object with every method of the port.
 * Factories use it in their option schemas, so a wrong value fails with `CONFIG_INVALID` at start-up.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { createMemoryStore, parseOptions, storeSchema } from '@secbot/core';
 * const options = parseOptions(z.object({ store: storeSchema }), { store: createMemoryStore() }, 'mine');
 * ```
 */
export const storeSchema: z.ZodType<Store> = z.custom<Store>(
  (value) => hasMethods(value, storeMethods),
  'must be a Store',
);

/**
 * Zod schema for an option that takes a {@link SecurityEventBus} (from {@link createEventBus} or
 * an object with the same `emit`, `on` and `onAny`).
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { createEventBus, eventBusSchema, parseOptions } from '@secbot/core';
 * const options = parseOptions(z.object({ bus: eventBusSchema.optional() }), { bus: createEventBus() }, 'mine');
 * ```
 */
export const eventBusSchema: z.ZodType<SecurityEventBus> = z.custom<SecurityEventBus>(
  (value) => hasMethods(value, busMethods),
  'must be a SecurityEventBus',
);
