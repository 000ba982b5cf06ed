import { formatPath, SecbotError } from '@secbot/core';
import type { z } from 'zod';

/**
 * Validate a run-time argument (an alert, a silence) with a zod schema.
 *
 * @returns The parsed value.
 * @throws SecbotError `ARGUMENT_INVALID` naming the offending paths, never quoting values.
 */
export function parseArgument<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const paths = result.error.issues.map((issue) => {
    const path = formatPath(issue.path);
    return `${path === '' ? '(value)' : path}: ${issue.message}`;
  });
  throw new SecbotError('ARGUMENT_INVALID', `${where}: ${paths.slice(0, 10).join('; ')}`, {
    cause: result.error,
  });
}
