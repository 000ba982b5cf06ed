import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type Clock,
  type IdentityProvider,
  type Principal,
  parseOptions,
  SecbotError,
  systemClock,
} from '@secbot/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isAcceptablePassword, normalizeUsername } from './internal/credentials.js';
import {
  computeHash,
  hashDiffers,
  parsePasswordHash,
  passwordHashDefaults,
  passwordHashParamsSchema,
  type ResolvedPasswordHashParams,
  verifyParsed,
} from './internal/password-hash.js';
import { clockSchema, providerNameSchema } from './internal/role-name.js';
import {
  type LocalUserRecord,
  localDirectoryFileSchema,
  localUserRecordSchema,
} from './local-user-record.js';
import type { PasswordHashParams } from './password-hashing.js';

/** Options of {@link localDirectoryProvider}. Give exactly one of `users` and `file`. */
export interface LocalDirectoryProviderOptions {
  /** Provider name in events and audit lines. Default `local`. */
  readonly name?: string;
  /** The users, inline. */
  readonly users?: readonly LocalUserRecord[];
  /** Path of a JSON file `{ "users": [ ... ] }`, or YAML when it ends in `.yaml`/`.yml`, read once, synchronously, when the provider is created. */
  readonly file?: string;
  /** Match usernames case-insensitively (after NFKC normalisation). Default `true`. */
  readonly caseInsensitive?: boolean;
  /**
   * Parameters every stored hash should have. A user whose hash differs is rehashed after a
   * successful sign-in (see `onRehash`), and unknown usernames are checked against a dummy hash
   * with these parameters. Argon2id with OWASP's parameters by default.
   */
  readonly hashing?: PasswordHashParams;
  /**
   * Called with the user's name (as written in the records) and the new hash after a rehash, so the
   * application can persist it. The new hash is used in memory either way. Its failure does not
   * fail the sign-in; it is reported with `process.emitWarning` (code `SECBOT_REHASH_FAILED`).
   */
  readonly onRehash?: (username: string, passwordHash: string) => void | Promise<void>;
  /** Clock for `authenticatedAt`. Default `Date.now`. */
  readonly now?: Clock;
}

/** The provider {@link localDirectoryProvider} returns. */
export interface LocalDirectoryProvider extends IdentityProvider {
  /** The credential kinds it accepts: passwords only. */
  readonly kinds: readonly ['password'];
  /** Number of users loaded. */
  readonly size: number;
}

const optionsSchema = z
  .object({
    name: providerNameSchema.default('local'),
    users: z.array(localUserRecordSchema).optional(),
    file: z.string().min(1).max(4096).optional(),
    caseInsensitive: z.boolean().default(true),
    hashing: passwordHashParamsSchema.default(passwordHashDefaults.argon2id),
    onRehash: z
      .custom<NonNullable<LocalDirectoryProviderOptions['onRehash']>>(
        (value) => typeof value === 'function',
        'must be a function',
      )
      .optional(),
    now: clockSchema.optional(),
  })
  .strict()
  .refine((options) => (options.users === undefined) !== (options.file === undefined), {
    message: 'give exactly one of users and file',
    path: ['users'],
  });

interface LoadedUser {
  readonly username: string;
  passwordHash: string;
  parsed: NonNullable<ReturnType<typeof parsePasswordHash>>;
  readonly roles: readonly string[];
  readonly tenantId?: string;
  readonly disabled: boolean;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

const factory = 'localDirectoryProvider';

function readUsersFile(path: string): z.output<typeof localDirectoryFileSchema>['users'] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SecbotError('CONFIG_INVALID', `${factory}: file: cannot be read`, {
      issues: [{ path: 'file', message: 'cannot be read' }],
      cause: error,
    });
  }
  let document: unknown;
  try {
    // JSON first; anything else is read as YAML (aliases bounded, duplicate keys refused)
    document = /\.ya?ml$/i.test(path)
      ? parseYaml(text, { maxAliasCount: 100, uniqueKeys: true, prettyErrors: false })
      : JSON.parse(text);
  } catch (error) {
    // The parser's message may quote the file's content (password hashes): keep it as the cause only.
    throw new SecbotError('CONFIG_INVALID', `${factory}: file: not valid JSON or YAML`, {
      issues: [{ path: 'file', message: 'not valid JSON or YAML' }],
      cause: error,
    });
  }
  return parseOptions(localDirectoryFileSchema, document, `${factory} (file)`).users;
}

function duplicateError(index: number): SecbotError {
  const path = `users[${index}].username`;
  return new SecbotError('CONFIG_INVALID', `${factory}: invalid options: ${path}: duplicate username`, {
    issues: [{ path, message: 'duplicate username (after normalisation)' }],
  });
}

/**
 * An identity provider for a small set of local users (operators, a pilot's testers, a break-glass
 * admin), from a JSON or YAML file or an inline list of records holding password hashes.
 *
 * - Answers an unknown username in the same time as a wrong password: it verifies the password against
 *   a dummy hash with the current parameters, so response time does not tell which names exist.
 * - Reports `AUTH_ACCOUNT_DISABLED` only once the password has been verified, so a guesser never
 *   learns that an account exists but is disabled.
 * - Rehashes a user's password after sign-in when the stored hash uses other parameters.
 * - Compares usernames after NFKC normalisation (and case folding unless `caseInsensitive: false`).
 *
 * @param options - Users (inline or file), hashing parameters, rehash callback, clock.
 * @returns The provider, accepting `{ kind: 'password' }` credentials.
 * @throws SecbotError `CONFIG_INVALID` naming the bad path (`users[2].passwordHash`, `file`...) when an
 *   option, the file or a record is invalid, or when two usernames normalise to the same name.
 * @example
 * ```ts
 * import { createUserRecord, localDirectoryProvider } from '@secbot/identity';
 *
 * const local = localDirectoryProvider({
 *   users: [await createUserRecord('ana', 'a long passphrase', ['agent'])], // or file: '/etc/secbot/users.json'
 *   onRehash: (username, hash) => console.log(`persist the new hash of ${username}: ${hash.slice(0, 30)}...`),
 * });
 * const principal = await local.authenticate({ kind: 'password', username: 'ana', password: 'a long passphrase' });
 * // authenticate rejects with AUTH_INVALID_CREDENTIALS (wrong password or unknown user) or
 * // AUTH_ACCOUNT_DISABLED (right password, disabled account)
 * ```
 */
export function localDirectoryProvider(options: LocalDirectoryProviderOptions): LocalDirectoryProvider {
  const config = parseOptions(optionsSchema, options, factory);
  const now = config.now ?? systemClock;
  const params: ResolvedPasswordHashParams = config.hashing;
  const records = config.users ?? readUsersFile(config.file as string);

  const users = new Map<string, LoadedUser>();
  records.forEach((record, index) => {
    const key = normalizeUsername(record.username, config.caseInsensitive);
    if (key === undefined) throw duplicateError(index); // unreachable: the schema checked the name
    if (users.has(key)) throw duplicateError(index);
    users.set(key, {
      username: record.username,
      passwordHash: record.passwordHash,
      parsed: parsePasswordHash(record.passwordHash) as LoadedUser['parsed'],
      roles: Object.freeze([...record.roles]),
      ...(record.tenantId === undefined ? {} : { tenantId: record.tenantId }),
      disabled: record.disabled,
      ...(record.attributes === undefined ? {} : { attributes: Object.freeze({ ...record.attributes }) }),
    });
  });

  // The dummy is hashed once, on first use, and awaited by every call, known user or not, so even the
  // first request does not differ in time between the two.
  let dummy: Promise<{ hash: string; parsed: LoadedUser['parsed'] }> | undefined;
  const getDummy = () => {
    dummy ??= computeHash(randomBytes(24).toString('base64url'), params).then(
      (hash) => ({ hash, parsed: parsePasswordHash(hash) as LoadedUser['parsed'] }),
      (error: unknown) => {
        dummy = undefined;
        throw error;
      },
    );
    return dummy;
  };

  const invalid = (): SecbotError =>
    new SecbotError('AUTH_INVALID_CREDENTIALS', `${config.name}: invalid username or password`);

  const rehash = async (user: LoadedUser, password: string): Promise<void> => {
    try {
      const passwordHash = await computeHash(password, params);
      user.passwordHash = passwordHash;
      user.parsed = parsePasswordHash(passwordHash) as LoadedUser['parsed'];
      await config.onRehash?.(user.username, passwordHash);
    } catch (error) {
      const name = error instanceof Error ? error.name : typeof error;
      globalThis.process?.emitWarning?.(`${factory}: rehash failed (${name})`, {
        code: 'SECBOT_REHASH_FAILED',
      });
    }
  };

  return {
    name: config.name,
    kinds: ['password'] as const,
    size: users.size,
    async authenticate(credentials): Promise<Principal> {
      const target = await getDummy();
      if (typeof credentials !== 'object' || credentials === null || credentials.kind !== 'password') {
        throw new SecbotError(
          'AUTH_INVALID_CREDENTIALS',
          `${config.name}: accepts password credentials only`,
        );
      }
      const { password } = credentials;
      const key = normalizeUsername(credentials.username, config.caseInsensitive);
      // Rejections that depend on the input alone are quick: they tell nothing about the directory.
      if (key === undefined || !isAcceptablePassword(password)) throw invalid();
      const user = users.get(key);
      const matches = await verifyParsed(
        password,
        user?.passwordHash ?? target.hash,
        user?.parsed ?? target.parsed,
      );
      if (!matches || user === undefined) throw invalid();
      if (user.disabled) throw new SecbotError('AUTH_ACCOUNT_DISABLED', `${config.name}: account disabled`);
      if (hashDiffers(user.passwordHash, params)) await rehash(user, password);
      return Object.freeze({
        id: user.username,
        roles: user.roles,
        ...(user.tenantId === undefined ? {} : { tenantId: user.tenantId }),
        ...(user.attributes === undefined ? {} : { attributes: user.attributes }),
        authMethod: 'password',
        authenticatedAt: now(),
      });
    },
  };
}
