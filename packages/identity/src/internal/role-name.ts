import { z } from 'zod';

/** Role names, as in policies and role mappings: 1-64 characters of `[A-Za-z0-9_.-]`. */
export const roleNamePattern = /^[A-Za-z0-9_.-]{1,64}$/;

/** Zod schema of one role name. */
export const roleNameSchema = z
  .string()
  .regex(roleNamePattern, 'role names are 1-64 characters of A-Z a-z 0-9 _ . -');

/** Zod schema of a provider or client name used in events: 1-64 characters of `[A-Za-z0-9_.:-]`. */
export const providerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'names are 1-64 characters of A-Z a-z 0-9 _ . : -');

/** Zod schema of an injected clock. */
export const clockSchema = z.custom<() => number>(
  (value) => typeof value === 'function',
  'must be a function',
);
