import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { Operator } from './operator.js';
import { redactOperator } from './redact-operator.js';

const operatorSchema = z.custom<Operator>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Operator).replace === 'function' &&
    typeof (value as Operator).name === 'string',
  'must be an Operator',
);

const operatorMapSchema = z
  .object({ byType: z.record(z.string(), operatorSchema), fallback: operatorSchema.optional() })
  .strict();

/** Options of {@link operatorMap}. */
export interface OperatorMapOptions {
  /** The operator for each type, e.g. `{ CREDIT_CARD: maskOperator(), EMAIL: hashOperator(...) }`. */
  readonly byType: Readonly<Record<string, Operator>>;
  /** The operator for every other type. Default {@link redactOperator}: unknown types fail closed. */
  readonly fallback?: Operator;
}

/**
 * One operator per type: the map is itself an {@link Operator}, so it goes wherever one does.
 *
 * @param options - Operators by type and the fallback.
 * @returns The operator.
 * @throws SecbotError `CONFIG_INVALID` when an entry is not an operator.
 * @example
 * ```ts
 * import { maskOperator, operatorMap, removeOperator } from '@secbot/privacy';
 *
 * const operator = operatorMap({ byType: { CREDIT_CARD: maskOperator(), SECRET: removeOperator() } });
 * operator.replace('ann@x.test', 'EMAIL'); // '[EMAIL]'
 * ```
 */
export function operatorMap(options: OperatorMapOptions): Operator {
  const config = parseOptions(operatorMapSchema, options, 'operatorMap');
  const byType = new Map(Object.entries(config.byType));
  const fallback = config.fallback ?? redactOperator();
  return {
    name: 'map',
    replace: (value, type) => (byType.get(type) ?? fallback).replace(value, type),
  };
}
