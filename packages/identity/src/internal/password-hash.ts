import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { parseOptions, SecbotError } from '@secbot/core';
import { z } from 'zod';
import type { PasswordHashParams } from '../password-hashing.js';
import { loadSodiumSumo } from './sodium.js';

// The machinery behind password-hashing.ts: parameter schema and bounds, the encoded-hash parser,
// and hashing/verifying with parameters already checked. Providers use these directly so they check
// options once, at construction, and parse each stored hash once, at load.

/** Parameters with every default filled in. */
export type ResolvedPasswordHashParams =
  | { readonly algorithm: 'argon2id'; readonly memoryKiB: number; readonly iterations: number }
  | {
      readonly algorithm: 'scrypt';
      readonly cost: number;
      readonly blockSize: number;
      readonly parallelization: number;
    };

/**
 * Default parameters, from the OWASP Password Storage Cheat Sheet: Argon2id with m = 19 MiB,
 * t = 2, p = 1; scrypt with N = 2^17, r = 8, p = 1.
 */
export const passwordHashDefaults = {
  argon2id: { algorithm: 'argon2id', memoryKiB: 19_456, iterations: 2 },
  scrypt: { algorithm: 'scrypt', cost: 131_072, blockSize: 8, parallelization: 1 },
} as const satisfies Record<string, ResolvedPasswordHashParams>;

// Bounds, for what we produce and for what we agree to verify: a stored hash naming a huge cost
// would otherwise make every login allocate gigabytes. The floors are far below OWASP's and exist
// for tests; production code should keep the defaults or go higher.
const argon2Bounds = { minMemoryKiB: 1024, maxMemoryKiB: 1_048_576, minIterations: 1, maxIterations: 20 };
const scryptBounds = { minCost: 1024, maxCost: 1_048_576, maxBlockSize: 32, maxParallelization: 16 };
const maxScryptMemory = 1024 * 1024 * 1024;
const scryptSaltBytes = 16;
const scryptKeyBytes = 32;

const isPowerOfTwo = (n: number): boolean => Number.isSafeInteger(n) && n > 0 && (n & (n - 1)) === 0;

/** Zod schema of {@link PasswordHashParams}; the output has every default filled in. */
export const passwordHashParamsSchema = z.discriminatedUnion('algorithm', [
  z
    .object({
      algorithm: z.literal('argon2id'),
      memoryKiB: z
        .number()
        .int()
        .min(argon2Bounds.minMemoryKiB)
        .max(argon2Bounds.maxMemoryKiB)
        .default(passwordHashDefaults.argon2id.memoryKiB),
      iterations: z
        .number()
        .int()
        .min(argon2Bounds.minIterations)
        .max(argon2Bounds.maxIterations)
        .default(passwordHashDefaults.argon2id.iterations),
    })
    .strict(),
  z
    .object({
      algorithm: z.literal('scrypt'),
      cost: z
        .number()
        .int()
        .min(scryptBounds.minCost)
        .max(scryptBounds.maxCost)
        .refine(isPowerOfTwo, 'must be a power of two')
        .default(passwordHashDefaults.scrypt.cost),
      blockSize: z.number().int().min(1).max(scryptBounds.maxBlockSize).default(8),
      parallelization: z.number().int().min(1).max(scryptBounds.maxParallelization).default(1),
    })
    .strict()
    .refine((p) => 128 * p.cost * p.blockSize <= maxScryptMemory, 'cost * blockSize needs more than 1 GiB'),
]);

/**
 * Resolve hashing parameters, filling in defaults.
 *
 * @param params - Parameters; Argon2id with OWASP's defaults when omitted.
 * @param factory - The caller's name, for the error message.
 * @returns The resolved parameters.
 * @throws SecbotError `CONFIG_INVALID` naming the offending field.
 */
export function resolvePasswordHashParams(
  params: PasswordHashParams | undefined,
  factory = 'hashPassword',
): ResolvedPasswordHashParams {
  return parseOptions(passwordHashParamsSchema, params ?? { algorithm: 'argon2id' }, factory);
}

/** A parsed encoded hash: its parameters, and the parts scrypt verification needs. */
interface ParsedHash {
  readonly params: ResolvedPasswordHashParams;
  readonly salt?: Buffer;
  readonly hash?: Buffer;
}

// PHC-style strings. Argon2id as libsodium writes it (unpadded standard base64); scrypt in the same
// self-describing shape. Digit runs are bounded before conversion, so a hostile string cannot make
// Number() or the bounds checks below do unbounded work.
const argon2Pattern =
  /^\$argon2id\$v=19\$m=(\d{1,8}),t=(\d{1,3}),p=(\d{1,2})\$[A-Za-z0-9+/]{11,64}\$[A-Za-z0-9+/]{22,86}$/;
const scryptPattern =
  /^\$scrypt\$N=(\d{1,8}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{6,86})\$([A-Za-z0-9+/]{22,86})$/;

/**
 * Parse an encoded password hash, checking its parameters are within the bounds we agree to compute.
 *
 * @returns The parsed hash, or `undefined` when it is not a hash this module produces or accepts.
 */
export function parsePasswordHash(encoded: unknown): ParsedHash | undefined {
  if (typeof encoded !== 'string' || encoded.length > 256) return undefined;
  const argon = argon2Pattern.exec(encoded);
  if (argon !== null) {
    const memoryKiB = Number(argon[1]);
    const iterations = Number(argon[2]);
    const lanes = Number(argon[3]);
    if (lanes !== 1) return undefined; // libsodium verifies single-lane hashes only
    if (memoryKiB < argon2Bounds.minMemoryKiB || memoryKiB > argon2Bounds.maxMemoryKiB) return undefined;
    if (iterations < argon2Bounds.minIterations || iterations > argon2Bounds.maxIterations) return undefined;
    return { params: { algorithm: 'argon2id', memoryKiB, iterations } };
  }
  const scryptMatch = scryptPattern.exec(encoded);
  if (scryptMatch !== null) {
    const params = passwordHashParamsSchema.safeParse({
      algorithm: 'scrypt',
      cost: Number(scryptMatch[1]),
      blockSize: Number(scryptMatch[2]),
      parallelization: Number(scryptMatch[3]),
    });
    if (!params.success) return undefined;
    const salt = Buffer.from(scryptMatch[4] ?? '', 'base64');
    const hash = Buffer.from(scryptMatch[5] ?? '', 'base64');
    if (salt.length < 4 || hash.length < 16 || hash.length > 64) return undefined;
    return { params: params.data, salt, hash };
  }
  return undefined;
}

function scryptAsync(
  password: Buffer,
  salt: Buffer,
  keyBytes: number,
  params: ScryptResolved,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password,
      salt,
      keyBytes,
      {
        cost: params.cost,
        blockSize: params.blockSize,
        parallelization: params.parallelization,
        // OpenSSL refuses when 128 * N * r exceeds maxmem (32 MiB by default); allow what the params need.
        maxmem: 128 * params.cost * params.blockSize + 1024 * 1024,
      },
      (error, key) => (error === null ? resolve(key) : reject(error)),
    );
  });
}

type ScryptResolved = Extract<ResolvedPasswordHashParams, { algorithm: 'scrypt' }>;

const unpadded = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

/** Hash with already-resolved parameters (the password has been checked). */
export async function computeHash(password: string, params: ResolvedPasswordHashParams): Promise<string> {
  const bytes = Buffer.from(password, 'utf8');
  try {
    if (params.algorithm === 'argon2id') {
      const sodium = await loadSodiumSumo();
      return sodium.crypto_pwhash_str(bytes, params.iterations, params.memoryKiB * 1024);
    }
    const salt = randomBytes(scryptSaltBytes);
    const key = await scryptAsync(bytes, salt, scryptKeyBytes, params);
    return `$scrypt$N=${params.cost},r=${params.blockSize},p=${params.parallelization}$${unpadded(salt)}$${unpadded(key)}`;
  } catch (error) {
    throw new SecbotError('INTERNAL', `hashPassword: ${params.algorithm} failed`, { cause: error });
  } finally {
    bytes.fill(0);
  }
}

/** Verify against an already-parsed hash (the password has been checked). */
export async function verifyParsed(password: string, encoded: string, parsed: ParsedHash): Promise<boolean> {
  const bytes = Buffer.from(password, 'utf8');
  try {
    if (parsed.params.algorithm === 'argon2id') {
      const sodium = await loadSodiumSumo();
      // crypto_pwhash_str_verify recomputes the hash and compares it in constant time.
      return sodium.crypto_pwhash_str_verify(encoded, bytes);
    }
    const expected = parsed.hash as Buffer;
    const actual = await scryptAsync(bytes, parsed.salt as Buffer, expected.length, parsed.params);
    return timingSafeEqual(actual, expected);
  } catch (error) {
    throw new SecbotError('INTERNAL', `verifyPassword: ${parsed.params.algorithm} failed`, { cause: error });
  } finally {
    bytes.fill(0);
  }
}

/** {@link needsRehash} with resolved parameters. */
export function hashDiffers(encoded: string, current: ResolvedPasswordHashParams): boolean {
  const parsed = parsePasswordHash(encoded);
  if (parsed === undefined) return true;
  const stored = parsed.params;
  if (stored.algorithm === 'argon2id' && current.algorithm === 'argon2id') {
    return stored.memoryKiB !== current.memoryKiB || stored.iterations !== current.iterations;
  }
  if (stored.algorithm === 'scrypt' && current.algorithm === 'scrypt') {
    if (parsed.hash?.length !== scryptKeyBytes || parsed.salt?.length !== scryptSaltBytes) return true;
    return (
      stored.cost !== current.cost ||
      stored.blockSize !== current.blockSize ||
      stored.parallelization !== current.parallelization
    );
  }
  return true;
}
