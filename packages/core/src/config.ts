import { z } from 'zod';
import { type ConfigIssue, SecbotError } from './secbot-error.js';

/**
 * Validate a factory's options with a zod schema, once, when the factory is called.
 *
 * @param schema - The zod schema of the options.
 * @param input - What the user passed.
 * @param factory - The factory's name, used in the message (e.g. `jwtProvider`).
 * @returns The parsed options, defaults applied.
 * @throws SecbotError `CONFIG_INVALID` whose message and `issues` name every offending path.
 *   Values are never quoted, so a misplaced secret does not end up in a log.
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { parseOptions } from '@secbot/core';
 *
 * const schema = z.object({ issuer: z.url(), clockToleranceSec: z.number().max(60).default(30) });
 * const options = parseOptions(schema, { issuer: 'https://id.example.com' }, 'myProvider');
 * ```
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, factory: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: ConfigIssue[] = result.error.issues.map((issue) => ({
    path: formatPath(issue.path, { maskKeys: true }),
    message:
      issue.code === 'unrecognized_keys'
        ? `unknown option${issue.keys.length === 1 ? '' : 's'}: ${issue.keys.map(keyName).join(', ')}`
        : issue.message,
  }));
  const summary = issues.map((issue) => `${issue.path === '' ? '(options)' : issue.path}: ${issue.message}`);
  throw new SecbotError('CONFIG_INVALID', `${factory}: invalid options: ${summary.join('; ')}`, {
    issues,
    cause: result.error,
  });
}

// A key that reads like a name is shown; anything else (a URL, a token, free text used as a record
// key by mistake) may be a secret and is replaced, so error messages and logs never carry it.
const plainKey = /^[A-Za-z_$][A-Za-z0-9_$-]{0,47}$/;
const keyName = (key: PropertyKey): string =>
  typeof key === 'string' && plainKey.test(key) ? key : typeof key === 'number' ? String(key) : '[key]';

/** Options of {@link formatPath}. */
export interface FormatPathOptions {
  /**
   * Write segments that do not read like names (longer than 48 characters, or holding `:`, `/`,
   * `.`, spaces and the like: a URL or a token used as a record key) as `[key]`, so the path cannot
   * leak a secret into an error message. `parseOptions` sets it; documents whose keys are names a
   * user must see (a policy's role names) leave it off. Default `false`.
   */
  readonly maskKeys?: boolean;
}

/**
 * Format a zod issue path as `a.b[0].c`.
 *
 * @param path - Path segments.
 * @param options - Whether to mask keys that may be secrets.
 * @returns The dotted path; empty for the root.
 */
export function formatPath(path: readonly PropertyKey[], options: FormatPathOptions = {}): string {
  const name = options.maskKeys === true ? keyName : (key: PropertyKey) => String(key);
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? name(segment) : `.${name(segment)}`;
  }
  return out;
}

/** Options of {@link secretList}. */
export interface SecretListOptions {
  /** Fewest bytes each secret must have. Default 32 (256 bits). */
  readonly minBytes?: number;
}

/**
 * A zod schema for a secret that can rotate: one secret or a list of them, as strings (UTF-8) or
 * bytes. The output is a non-empty list of byte arrays, newest first: sign or encrypt with the first,
 * accept all of them when verifying, so a new secret can be rolled out before the old one is removed.
 *
 * @param options - Minimum length.
 * @returns The schema.
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { parseOptions, secretList } from '@secbot/core';
 *
 * const schema = z.object({ secret: secretList({ minBytes: 32 }) });
 * const { secret } = parseOptions(schema, { secret: [process.env.NEW_SECRET, process.env.OLD_SECRET] }, 'example');
 * ```
 */
export function secretList(options: SecretListOptions = {}): z.ZodType<readonly Uint8Array[], SecretInput> {
  const minBytes = options.minBytes ?? 32;
  const one = z
    .union([z.string(), z.instanceof(Uint8Array)])
    .transform((value) =>
      typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(value),
    )
    .refine((bytes) => bytes.byteLength >= minBytes, `secret must be at least ${minBytes} bytes`);
  const list = z
    .array(one)
    .min(1, 'at least one secret is required')
    .transform((secrets): readonly Uint8Array[] => Object.freeze(secrets));
  // One secret is a list of one, so both forms get the same, precise messages.
  return z.preprocess((value) => (Array.isArray(value) ? value : [value]), list) as z.ZodType<
    readonly Uint8Array[],
    SecretInput
  >;
}

/** What {@link secretList} accepts: one secret or several, as text or bytes. */
export type SecretInput = string | Uint8Array | readonly (string | Uint8Array)[];
