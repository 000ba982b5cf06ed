import { randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';
import { type Clock, parseOptions, SecbotError, type Store, storeSchema, systemClock } from '@secbot/core';
import { Secret, TOTP } from 'otpauth';
import { z } from 'zod';
import { hasControlCharacter } from './internal/credentials.js';
import { sha256Base64url } from './internal/digest.js';
import { clockSchema } from './internal/role-name.js';

/** HMAC algorithms RFC 6238 allows. SHA1 is what most authenticator apps support. */
export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** Options of {@link generateTotpSecret}. */
export interface GenerateTotpSecretOptions {
  /** Who issues the code, shown in the authenticator app (e.g. `Acme Support Bot`). */
  readonly issuer: string;
  /** The account, shown in the app (e.g. the user's email or username). */
  readonly account: string;
  /** HMAC algorithm. Default `SHA1` (RFC 6238's default and the one every app supports). */
  readonly algorithm?: TotpAlgorithm;
  /** Code length, 6 to 8. Default 6. */
  readonly digits?: number;
  /** Time step in seconds. Default 30. */
  readonly period?: number;
  /** Secret length in bytes, 16 to 64. Default 20 (160 bits, as RFC 4226 recommends). */
  readonly bytes?: number;
  /** Source of random bytes (tests). Default `crypto.randomBytes`. */
  readonly randomBytes?: (size: number) => Uint8Array;
}

/** What {@link generateTotpSecret} returns. */
export interface GeneratedTotpSecret {
  /** The shared secret, base32. Store it encrypted (e.g. with @secbot/crypto), never in plain text. */
  readonly secret: string;
  /** `otpauth://totp/...` URI to show as a QR code during enrolment. */
  readonly uri: string;
}

/** What {@link verifyTotp} takes. */
export interface VerifyTotpInput {
  /** Where used codes are remembered (shared by every instance, or a code could be replayed on another). */
  readonly store: Store;
  /** The user the code is for; replay protection is per user. */
  readonly userId: string;
  /** The user's base32 secret. */
  readonly secret: string;
  /** The code the user typed. */
  readonly code: string;
  /** HMAC algorithm. Default `SHA1`. */
  readonly algorithm?: TotpAlgorithm;
  /** Code length, 6 to 8. Default 6. */
  readonly digits?: number;
  /** Time step in seconds. Default 30. */
  readonly period?: number;
  /** Steps accepted either side of the current one, 0 to 2. Default 1 (RFC 6238's recommended delay). */
  readonly window?: number;
  /** Store key prefix. Default `secbot:totp:`. */
  readonly keyPrefix?: string;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  readonly now?: Clock;
}

/** What {@link verifyTotp} resolves to. */
export interface TotpMatch {
  /** Which step matched, relative to the current one (-1, 0 or +1 with the default window): clock drift. */
  readonly delta: number;
}

const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !hasControlCharacter(value), 'must not contain control characters');

const common = {
  algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']).default('SHA1'),
  digits: z.number().int().min(6).max(8).default(6),
  period: z.number().int().min(15).max(300).default(30),
};

const generateSchema = z
  .object({
    issuer: text(128).refine((value) => !value.includes(':'), 'must not contain ":"'),
    account: text(256),
    ...common,
    bytes: z.number().int().min(16).max(64).default(20),
    randomBytes: z
      .custom<(size: number) => Uint8Array>((value) => typeof value === 'function', 'must be a function')
      .optional(),
  })
  .strict();

const verifySchema = z
  .object({
    store: storeSchema,
    userId: text(1024),
    // Shapes of the two secrets are checked below: their failures are not configuration mistakes.
    secret: z.unknown(),
    code: z.unknown(),
    ...common,
    window: z.number().int().min(0).max(2).default(1),
    keyPrefix: z.string().min(1).max(64).default('secbot:totp:'),
    now: clockSchema.optional(),
  })
  .strict();

const base32Pattern = /^[A-Z2-7]+=*$/;

/**
 * Make a TOTP secret for a user's authenticator app, and the `otpauth://` URI to enrol it.
 *
 * @param options - Issuer and account labels; algorithm, digits and period (RFC 6238 defaults).
 * @returns The base32 secret (store it encrypted) and the URI (show it as a QR code, once).
 * @throws SecbotError `CONFIG_INVALID` naming the bad option.
 * @example
 * ```ts
 * import { generateTotpSecret } from '@secbot/identity';
 *
 * const { secret, uri } = generateTotpSecret({ issuer: 'Acme Bot', account: 'ana@example.com' });
 * // render `uri` as a QR code; save `secret` encrypted with the user's record
 * ```
 */
export function generateTotpSecret(options: GenerateTotpSecretOptions): GeneratedTotpSecret {
  const config = parseOptions(generateSchema, options, 'generateTotpSecret');
  const bytes = Uint8Array.from((config.randomBytes ?? nodeRandomBytes)(config.bytes));
  if (bytes.length !== config.bytes) {
    throw new SecbotError(
      'ARGUMENT_INVALID',
      'generateTotpSecret: randomBytes returned the wrong number of bytes',
    );
  }
  const secret = new Secret({ buffer: bytes.buffer });
  const totp = new TOTP({
    issuer: config.issuer,
    label: config.account,
    secret,
    algorithm: config.algorithm,
    digits: config.digits,
    period: config.period,
  });
  return { secret: secret.base32, uri: totp.toString() };
}

function decodeSecret(secret: unknown): Secret {
  const normalized = typeof secret === 'string' ? secret.replace(/\s+/g, '').toUpperCase() : '';
  if (normalized.length < 26 || normalized.length > 128 || !base32Pattern.test(normalized)) {
    throw new SecbotError('ARGUMENT_INVALID', 'verifyTotp: the secret must be base32 of at least 16 bytes');
  }
  try {
    return Secret.fromBase32(normalized);
  } catch (error) {
    throw new SecbotError('ARGUMENT_INVALID', 'verifyTotp: the secret is not valid base32', { cause: error });
  }
}

/**
 * Check a TOTP code (RFC 6238), accepting each code once only.
 *
 * - The code must be exactly `digits` ASCII digits; it is compared in constant time against the
 *   codes of the current step and `window` steps either side (all are computed, no early exit).
 * - Replay protection: the matched step is claimed in the Store for this user (an atomic
 *   set-if-absent, kept until the step can no longer be accepted), so the same code, or a code of an
 *   earlier step still in the window, is refused the second time, even on another instance.
 * - This does not limit guessing: 6 digits and a window of 1 give 3 chances in a million per try.
 *   Put a lockout in front (e.g. `createLockout`, keyed `totp:<userId>`).
 *
 * @param input - Store, user, secret, the typed code, and the TOTP parameters.
 * @returns The step offset that matched (clock drift of the user's device).
 * @throws SecbotError `AUTH_INVALID_CREDENTIALS` for a wrong, malformed or already-used code;
 *   `ARGUMENT_INVALID` for a secret that is not base32 of at least 16 bytes; `CONFIG_INVALID` naming
 *   a bad parameter; `STORE_UNAVAILABLE` when the Store cannot be reached.
 * @example
 * ```ts
 * import { createMemoryStore } from '@secbot/core';
 * import { generateTotpSecret, verifyTotp } from '@secbot/identity';
 *
 * const store = createMemoryStore();
 * const { secret } = generateTotpSecret({ issuer: 'Acme Bot', account: 'ana' }); // at enrolment
 * const typed = '492039'; // what the user typed
 * const { delta } = await verifyTotp({ store, userId: 'ana', secret, code: typed }); // or AUTH_INVALID_CREDENTIALS
 * ```
 */
export async function verifyTotp(input: VerifyTotpInput): Promise<TotpMatch> {
  const config = parseOptions(verifySchema, input, 'verifyTotp');
  const secret = decodeSecret(config.secret);
  const { code } = config;
  const codePattern = new RegExp(`^[0-9]{${config.digits}}$`);
  if (typeof code !== 'string' || !codePattern.test(code)) {
    throw new SecbotError('AUTH_INVALID_CREDENTIALS', 'totp: malformed code');
  }
  const at = (config.now ?? systemClock)();
  const periodMs = config.period * 1000;
  const current = Math.floor(at / periodMs);
  const typed = Buffer.from(code, 'ascii');
  let matched: number | undefined;
  for (let delta = -config.window; delta <= config.window; delta++) {
    const expected = TOTP.generate({
      secret,
      algorithm: config.algorithm,
      digits: config.digits,
      period: config.period,
      timestamp: (current + delta) * periodMs,
    });
    // Every step is computed and compared, match or not, so timing tells nothing about which matched.
    if (timingSafeEqual(typed, Buffer.from(expected, 'ascii')) && matched === undefined) matched = delta;
  }
  if (matched === undefined) throw new SecbotError('AUTH_INVALID_CREDENTIALS', 'totp: wrong code');

  const step = current + matched;
  const user = sha256Base64url(config.userId);
  const keyOf = (s: number): string => `${config.keyPrefix}${user}:${s}`;
  // A step stays acceptable until the end of step + window; keep the claim one period beyond that,
  // to cover clocks that differ slightly between instances.
  const ttlFor = (s: number): number => Math.max(1, (s + config.window + 2) * periodMs - at);
  const claimed = await config.store.set(keyOf(step), '1', { ttlMs: ttlFor(step), ifNotExists: true });
  if (!claimed) throw new SecbotError('AUTH_INVALID_CREDENTIALS', 'totp: code already used');
  // Codes of earlier steps still inside the window must not work after a later one did (RFC 6238 5.2).
  for (let older = step - 1; older >= current - config.window; older--) {
    await config.store.set(keyOf(older), '1', { ttlMs: ttlFor(older), ifNotExists: true });
  }
  return { delta: matched };
}
