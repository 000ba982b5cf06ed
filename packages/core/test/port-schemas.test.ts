import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createEventBus,
  createMemoryStore,
  eventBusSchema,
  isSecbotError,
  parseOptions,
  storeSchema,
} from '../src/index.js';

const schema = z.object({ store: storeSchema, bus: eventBusSchema.optional() });
const issuesOf = (input: unknown): string[] => {
  try {
    parseOptions(schema, input, 'test');
  } catch (error) {
    if (isSecbotError(error, 'CONFIG_INVALID'))
      return error.issues?.map((issue) => `${issue.path}: ${issue.message}`) ?? [];
    throw error;
  }
  return [];
};

describe('port schemas', () => {
  it('accept the real store and bus', () => {
    expect(issuesOf({ store: createMemoryStore(), bus: createEventBus() })).toEqual([]);
  });

  it('refuse anything that lacks a method of the port, naming the option', () => {
    const { close: _close, ...partialStore } = createMemoryStore();
    expect(issuesOf({ store: partialStore })).toEqual(['store: must be a Store']);
    expect(issuesOf({ store: createMemoryStore(), bus: { emit: () => undefined } })).toEqual([
      'bus: must be a SecurityEventBus',
    ]);
    expect(issuesOf({ store: null })).toEqual(['store: must be a Store']);
  });
});
