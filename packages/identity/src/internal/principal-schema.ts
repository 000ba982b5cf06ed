import { formatPath, type Principal, SecbotError } from '@secbot/core';
import { z } from 'zod';
import { hasControlCharacter } from './credentials.js';
import { roleNameSchema } from './role-name.js';

const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !hasControlCharacter(value), 'must not contain control characters');

/** What a provider must return: a complete `Principal`. Unknown top-level fields are dropped. */
const principalSchema = z.object({
  id: text(1024),
  tenantId: text(256).optional(),
  roles: z.array(roleNameSchema).max(256),
  groups: z.array(z.string().max(1024)).max(4096).optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  authMethod: text(64),
  authenticatedAt: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  expiresAt: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
});

/**
 * Check what a provider resolved with and return a frozen copy, so the provider cannot change the
 * principal afterwards and nothing but the known fields travels on.
 *
 * @throws SecbotError `AUTH_PROVIDER_UNAVAILABLE` naming each bad path: a provider that returns a
 *   malformed principal is broken, and a broken provider fails closed.
 */
export function checkPrincipal(value: unknown, provider: string): Principal {
  const result = principalSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      message: issue.message,
    }));
    const summary = issues.map(
      (issue) => `${issue.path === '' ? '(principal)' : issue.path}: ${issue.message}`,
    );
    throw new SecbotError(
      'AUTH_PROVIDER_UNAVAILABLE',
      `${provider}: returned an invalid principal: ${summary.join('; ')}`,
      {
        issues,
        cause: result.error,
      },
    );
  }
  const { roles, groups, attributes, ...rest } = result.data;
  return Object.freeze({
    ...rest,
    roles: Object.freeze([...roles]),
    ...(groups === undefined ? {} : { groups: Object.freeze([...groups]) }),
    ...(attributes === undefined ? {} : { attributes: Object.freeze({ ...attributes }) }),
  }) as Principal;
}
