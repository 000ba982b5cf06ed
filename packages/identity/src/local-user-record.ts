import { SecbotError } from '@secbot/core';
import { z } from 'zod';
import { normalizeUsername } from './internal/credentials.js';
import { parsePasswordHash } from './internal/password-hash.js';
import { roleNamePattern, roleNameSchema } from './internal/role-name.js';
import { hashPassword, type PasswordHashParams } from './password-hashing.js';

/** One user of a {@link localDirectoryProvider}, as stored in its file or passed inline. */
export interface LocalUserRecord {
  /** Login name. Compared after Unicode NFKC normalisation (and case folding, by default). */
  readonly username: string;
  /** Output of {@link hashPassword}: `$argon2id$...` or `$scrypt$...`. Never a plaintext password. */
  readonly passwordHash: string;
  /** Role names granted to this user. None by default (deny by default). */
  readonly roles?: readonly string[];
  /** Tenant the user belongs to. */
  readonly tenantId?: string;
  /** A disabled user cannot sign in, even with the right password. */
  readonly disabled?: boolean;
  /** Facts for policy conditions (department, clearance). Never credentials. */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** Zod schema of a {@link LocalUserRecord} (the output has `roles` and `disabled` filled in). */
export const localUserRecordSchema = z
  .object({
    username: z
      .string()
      .refine(
        (name) => normalizeUsername(name, false) !== undefined,
        'usernames are 1-256 characters, well-formed Unicode, without control characters',
      ),
    passwordHash: z
      .string()
      .refine(
        (hash) => parsePasswordHash(hash) !== undefined,
        'not a recognised password hash ($argon2id$v=19$... or $scrypt$...) within the accepted costs',
      ),
    roles: z.array(roleNameSchema).max(256).default([]),
    tenantId: z.string().min(1).max(256).optional(),
    disabled: z.boolean().default(false),
    attributes: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** The file a {@link localDirectoryProvider} reads: `{ "users": [ ... ] }`. */
export const localDirectoryFileSchema = z.object({ users: z.array(localUserRecordSchema) }).strict();

/** Options of {@link createUserRecord}. */
export interface CreateUserRecordOptions {
  /** Hashing algorithm and costs; Argon2id with OWASP's parameters by default. */
  readonly params?: PasswordHashParams;
  /** Tenant of the user. */
  readonly tenantId?: string;
  /** Facts for policy conditions. */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/**
 * Build a user record for a {@link localDirectoryProvider} file: the password is hashed, never kept.
 * Meant for CLIs and provisioning scripts: `JSON.stringify({ users: [record] }, null, 2)`.
 *
 * @param username - Login name.
 * @param password - The initial password (1 to 1,024 UTF-8 bytes).
 * @param roles - Role names to grant.
 * @param options - Hashing parameters, tenant and attributes.
 * @returns The record to store.
 * @throws SecbotError `ARGUMENT_INVALID` when the username, password or a role name is not acceptable;
 *   `CONFIG_INVALID` when `options.params` are out of range.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { createUserRecord } from '@secbot/identity';
 *
 * const ana = await createUserRecord('ana', 'a long passphrase', ['agent']);
 * writeFileSync('users.json', JSON.stringify({ users: [ana] }, null, 2), { mode: 0o600 });
 * ```
 */
export async function createUserRecord(
  username: string,
  password: string,
  roles: readonly string[] = [],
  options: CreateUserRecordOptions = {},
): Promise<LocalUserRecord> {
  if (normalizeUsername(username, false) === undefined) {
    throw new SecbotError('ARGUMENT_INVALID', 'createUserRecord: the username is not acceptable');
  }
  if (
    !Array.isArray(roles) ||
    !roles.every((role) => typeof role === 'string' && roleNamePattern.test(role))
  ) {
    throw new SecbotError(
      'ARGUMENT_INVALID',
      'createUserRecord: role names are 1-64 characters of A-Z a-z 0-9 _ . -',
    );
  }
  const passwordHash = await hashPassword(password, options.params);
  return {
    username,
    passwordHash,
    roles: [...roles],
    ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
    ...(options.attributes === undefined ? {} : { attributes: { ...options.attributes } }),
  };
}
