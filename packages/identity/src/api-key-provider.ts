import { randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';
import {
  type Clock,
  type Credentials,
  type IdentityProvider,
  type Principal,
  parseOptions,
  SecbotError,
  type Store,
  storeSchema,
  systemClock,
} from '@secbot/core';
import { z } from 'zod';
import { credentialLimits, hasControlCharacter } from './internal/credentials.js';
import { sha256Bytes } from './internal/digest.js';
import { clockSchema, providerNameSchema, roleNameSchema } from './internal/role-name.js';

/**
 * What to store for one API key. It holds only a SHA-256 hash of the key: a dump of the records does
 * not let anyone call the API. The key itself is shown once, by {@link generateApiKey}.
 */
export interface ApiKeyRecord {
  /** Public key id (16 lowercase hex characters), the middle part of the key: selects the record. */
  readonly id: string;
  /** `sha256$` + base64url SHA-256 of the whole key. */
  readonly hash: string;
  /** The client (service, integration) the key belongs to; becomes the principal's id. */
  readonly clientId: string;
  /** Role names the key grants. */
  readonly roles: readonly string[];
  /** Tenant the key is confined to. */
  readonly tenantId?: string;
  /** When the key was made, epoch milliseconds. */
  readonly createdAt: number;
  /** When the key stops working, epoch milliseconds; never when omitted. */
  readonly expiresAt?: number;
  /** A note for humans (`ci-deploy`, `zendesk`), never a secret. */
  readonly label?: string;
}

/** Options of {@link generateApiKey}. */
export interface GenerateApiKeyOptions {
  /** The client the key belongs to. */
  readonly clientId: string;
  /** Role names the key grants. None by default. */
  readonly roles?: readonly string[];
  /** Key prefix, 2-16 characters of `a-z 0-9` starting with a letter. Default `sbk`. */
  readonly prefix?: string;
  /** Tenant the key is confined to. */
  readonly tenantId?: string;
  /** Expiry, epoch milliseconds. */
  readonly expiresAt?: number;
  /** A note for humans. */
  readonly label?: string;
  /** Clock for `createdAt`. Default `Date.now`. */
  readonly now?: Clock;
  /** Source of random bytes (tests). Default `crypto.randomBytes`. */
  readonly randomBytes?: (size: number) => Uint8Array;
}

/** What {@link generateApiKey} returns. */
export interface GeneratedApiKey {
  /** The key: `<prefix>_<id>_<secret>`. Show it once, to its owner; it is not stored anywhere. */
  readonly key: string;
  /** The record to store (hash only). */
  readonly record: ApiKeyRecord;
}

/** Options of {@link apiKeyProvider}. */
export interface ApiKeyProviderOptions {
  /** Provider name in events. Default `apiKey`. */
  readonly name?: string;
  /** Records known from start-up (configuration, a database read). */
  readonly keys?: readonly ApiKeyRecord[];
  /**
   * Where {@link ApiKeyProvider.add} puts new records and where unknown ids are looked up, so that
   * every instance sharing the Store sees keys added and revoked anywhere. Without it, `add` and
   * `revoke` change this process only.
   */
  readonly store?: Store;
  /** Store key prefix. Default `secbot:apikey:`. */
  readonly storePrefix?: string;
  /** Key prefixes accepted. Default `['sbk']`. */
  readonly prefixes?: readonly string[];
  /** Clock for expiry and `authenticatedAt`. Default `Date.now`. */
  readonly now?: Clock;
}

/** The provider {@link apiKeyProvider} returns. */
export interface ApiKeyProvider extends IdentityProvider {
  /** It accepts API keys only. */
  readonly kinds: readonly ['apiKey'];
  /**
   * Register a key record (after {@link generateApiKey}); several keys per client may be active,
   * which is how a key is rotated: add the new one, move the client over, revoke the old one.
   *
   * @throws SecbotError `ARGUMENT_INVALID` for a malformed or already-expired record;
   *   `STORE_CONFLICT` when a record with that id exists.
   */
  add(record: ApiKeyRecord): Promise<void>;
  /**
   * Revoke one key at once; the client's other keys keep working.
   *
   * @returns Whether a key with that id was found (in memory or in the Store).
   */
  revoke(id: string): Promise<boolean>;
}

const keyPrefixPattern = /^[a-z][a-z0-9]{1,15}$/;
const keyIdPattern = /^[0-9a-f]{16}$/;
const keyPattern = /^([a-z][a-z0-9]{1,15})_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const hashPattern = /^sha256\$[A-Za-z0-9_-]{43}$/;
const secretBytes = 32;
const idBytes = 8;

const safeText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !hasControlCharacter(value), 'must not contain control characters');
const epochMs = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Zod schema of an {@link ApiKeyRecord}. */
export const apiKeyRecordSchema = z
  .object({
    id: z.string().regex(keyIdPattern, 'must be 16 lowercase hex characters'),
    hash: z.string().regex(hashPattern, 'must be sha256$ followed by 43 base64url characters'),
    clientId: safeText(256),
    roles: z.array(roleNameSchema).max(256),
    tenantId: safeText(256).optional(),
    createdAt: epochMs,
    expiresAt: epochMs.optional(),
    label: safeText(128).optional(),
  })
  .strict();

const generateSchema = z
  .object({
    clientId: safeText(256),
    roles: z.array(roleNameSchema).max(256).default([]),
    prefix: z
      .string()
      .regex(keyPrefixPattern, 'must be 2-16 characters of a-z 0-9, starting with a letter')
      .default('sbk'),
    tenantId: safeText(256).optional(),
    expiresAt: epochMs.optional(),
    label: safeText(128).optional(),
    now: clockSchema.optional(),
    randomBytes: z
      .custom<(size: number) => Uint8Array>((value) => typeof value === 'function', 'must be a function')
      .optional(),
  })
  .strict();

const hashKey = (key: string): string => `sha256$${sha256Bytes(key).toString('base64url')}`;

/**
 * Make a new API key: 256 random bits of secret behind a public id, `<prefix>_<id>_<secret>`
 * (e.g. `sbk_3f9a0c1d2b4e5f60_N2x...`). The prefix makes leaked keys easy for secret scanners to spot.
 *
 * @param options - Client, roles, prefix, tenant, expiry.
 * @returns The key, to show once, and the record to store (which holds only the key's hash).
 * @throws SecbotError `CONFIG_INVALID` naming the bad option.
 * @example
 * ```ts
 * import { apiKeyProvider, generateApiKey } from '@secbot/identity';
 *
 * const provider = apiKeyProvider({});
 * const { key, record } = generateApiKey({ clientId: 'crm-sync', roles: ['integration'] });
 * await provider.add(record); // and persist the record; hand `key` to the client once
 * const principal = await provider.authenticate({ kind: 'apiKey', key }); // principal.id === 'crm-sync'
 * ```
 */
export function generateApiKey(options: GenerateApiKeyOptions): GeneratedApiKey {
  const config = parseOptions(generateSchema, options, 'generateApiKey');
  const random = config.randomBytes ?? nodeRandomBytes;
  const id = Buffer.from(random(idBytes)).toString('hex');
  const secret = Buffer.from(random(secretBytes)).toString('base64url');
  if (!keyIdPattern.test(id) || secret.length !== 43) {
    throw new SecbotError(
      'ARGUMENT_INVALID',
      'generateApiKey: randomBytes returned the wrong number of bytes',
    );
  }
  const key = `${config.prefix}_${id}_${secret}`;
  const record: ApiKeyRecord = {
    id,
    hash: hashKey(key),
    clientId: config.clientId,
    roles: [...config.roles],
    ...(config.tenantId === undefined ? {} : { tenantId: config.tenantId }),
    createdAt: (config.now ?? systemClock)(),
    ...(config.expiresAt === undefined ? {} : { expiresAt: config.expiresAt }),
    ...(config.label === undefined ? {} : { label: config.label }),
  };
  return { key, record };
}

const optionsSchema = z
  .object({
    name: providerNameSchema.default('apiKey'),
    keys: z.array(apiKeyRecordSchema).default([]),
    store: storeSchema.optional(),
    storePrefix: z.string().min(1).max(64).default('secbot:apikey:'),
    prefixes: z
      .array(z.string().regex(keyPrefixPattern, 'must be 2-16 characters of a-z 0-9, starting with a letter'))
      .min(1)
      .default(['sbk']),
    now: clockSchema.optional(),
  })
  .strict();

// A record that matches nothing, compared against when the id is unknown, so an unknown id costs the
// same hash-and-compare as a known one.
const dummyHash = sha256Bytes('secbot: no such API key');

/**
 * An identity provider for API keys (service-to-service callers, integrations, CLIs).
 *
 * Keys look like `sbk_<id>_<secret>`: the id selects the record, the SHA-256 of the whole key is
 * compared in constant time with the stored hash. A SHA-256 is enough here (no slow hash): the
 * secret has 256 random bits, so there is nothing to brute-force. Anything not shaped like a key is
 * refused at once with `AUTH_INVALID_CREDENTIALS`, never a crash.
 *
 * @param options - Known records, an optional shared Store, accepted prefixes, clock.
 * @returns The provider, with `add` and `revoke` for rotation.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (e.g. `keys[1].hash`) or a repeated id.
 * @example
 * ```ts
 * import { apiKeyProvider, generateApiKey } from '@secbot/identity';
 *
 * const { key, record } = generateApiKey({ clientId: 'crm-sync', roles: ['integration'] });
 * const apiKeys = apiKeyProvider({ keys: [record] }); // records as loaded from your database
 * const principal = await apiKeys.authenticate({ kind: 'apiKey', key }); // key from the x-api-key header
 * // rejects with AUTH_INVALID_CREDENTIALS (unknown, malformed, revoked) or AUTH_TOKEN_EXPIRED
 * ```
 */
export function apiKeyProvider(options: ApiKeyProviderOptions = {}): ApiKeyProvider {
  const config = parseOptions(optionsSchema, options, 'apiKeyProvider');
  const now = config.now ?? systemClock;
  const { name, store, storePrefix } = config;
  const prefixes = new Set(config.prefixes);
  const records = new Map<string, ApiKeyRecord>();
  config.keys.forEach((record, index) => {
    if (records.has(record.id)) {
      const path = `keys[${index}].id`;
      throw new SecbotError('CONFIG_INVALID', `apiKeyProvider: invalid options: ${path}: repeated key id`, {
        issues: [{ path, message: 'repeated key id' }],
      });
    }
    records.set(record.id, Object.freeze({ ...record, roles: Object.freeze([...record.roles]) }));
  });

  const invalid = (why: string): SecbotError =>
    new SecbotError('AUTH_INVALID_CREDENTIALS', `${name}: ${why}`);

  const find = async (id: string): Promise<ApiKeyRecord | undefined> => {
    const known = records.get(id);
    if (known !== undefined || store === undefined) return known;
    const text = await store.get(`${storePrefix}${id}`);
    if (text === undefined) return undefined;
    try {
      const parsed = apiKeyRecordSchema.safeParse(JSON.parse(text));
      // A corrupt or foreign record is treated as absent: fail closed.
      return parsed.success && parsed.data.id === id ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  };

  return {
    name,
    kinds: ['apiKey'] as const,
    async authenticate(credentials: Credentials): Promise<Principal> {
      if (typeof credentials !== 'object' || credentials === null || credentials.kind !== 'apiKey') {
        throw invalid('accepts API keys only');
      }
      const { key } = credentials;
      if (typeof key !== 'string' || key.length > credentialLimits.maxApiKeyLength)
        throw invalid('malformed key');
      const match = keyPattern.exec(key);
      if (match === null || !prefixes.has(match[1] as string)) throw invalid('malformed key');
      const record = await find(match[2] as string);
      const expected = record === undefined ? dummyHash : Buffer.from(record.hash.slice(7), 'base64url');
      const same = timingSafeEqual(sha256Bytes(key), expected);
      if (!same || record === undefined) throw invalid('unknown or revoked key');
      const at = now();
      if (record.expiresAt !== undefined && at >= record.expiresAt) {
        throw new SecbotError('AUTH_TOKEN_EXPIRED', `${name}: key expired`);
      }
      return Object.freeze({
        id: record.clientId,
        roles: Object.freeze([...record.roles]),
        ...(record.tenantId === undefined ? {} : { tenantId: record.tenantId }),
        attributes: Object.freeze({
          apiKeyId: record.id,
          ...(record.label === undefined ? {} : { apiKeyLabel: record.label }),
        }),
        authMethod: 'apiKey',
        authenticatedAt: at,
        ...(record.expiresAt === undefined ? {} : { expiresAt: record.expiresAt }),
      });
    },

    async add(input) {
      const parsed = apiKeyRecordSchema.safeParse(input);
      if (!parsed.success) throw new SecbotError('ARGUMENT_INVALID', `${name}: add: malformed key record`);
      const record = parsed.data;
      const at = now();
      if (record.expiresAt !== undefined && record.expiresAt <= at) {
        throw new SecbotError('ARGUMENT_INVALID', `${name}: add: the key has already expired`);
      }
      if (records.has(record.id)) throw new SecbotError('STORE_CONFLICT', `${name}: add: key id exists`);
      if (store === undefined) {
        records.set(record.id, Object.freeze({ ...record, roles: Object.freeze([...record.roles]) }));
        return;
      }
      const written = await store.set(`${storePrefix}${record.id}`, JSON.stringify(record), {
        ifNotExists: true,
        ...(record.expiresAt === undefined
          ? {}
          : { ttlMs: Math.max(1, Math.min(record.expiresAt - at, 366 * 86_400_000)) }),
      });
      if (!written) throw new SecbotError('STORE_CONFLICT', `${name}: add: key id exists`);
    },

    async revoke(id) {
      if (typeof id !== 'string' || !keyIdPattern.test(id)) return false;
      const inMemory = records.delete(id);
      const inStore = store === undefined ? false : await store.delete(`${storePrefix}${id}`);
      return inMemory || inStore;
    },
  };
}
