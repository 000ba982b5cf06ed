import { createHmac, randomBytes } from 'node:crypto';
import {
  type Clock,
  createMemoryStore,
  eventBusSchema,
  isSecbotError,
  parseOptions,
  SecbotError,
  secretList,
  storeSchema,
  systemClock,
} from '@secbot/core';
import type { Envelope, SealContext } from '@secbot/crypto';
import { z } from 'zod';
import { formatPlaceholder, isPlaceholder, placeholderTypePattern } from './placeholder.js';
import { ValueCache } from './value-cache.js';
import type { PseudonymVault, RevealResult, VaultOptions, VaultScope } from './vault-types.js';

const hour = 60 * 60 * 1000;

const envelopeSchema = z.custom<Envelope>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Envelope).sealText === 'function' &&
    typeof (value as Envelope).openText === 'function',
  'must be an Envelope',
);

const vaultOptionsSchema = z
  .object({
    envelope: envelopeSchema,
    store: storeSchema.optional(),
    ttlMs: z
      .number()
      .int()
      .min(1000)
      .max(30 * 24 * hour)
      .default(24 * hour),
    maxValuesPerConversation: z.number().int().min(1).max(100_000).default(1000),
    maxValueLength: z.number().int().min(1).max(16_384).default(4096),
    tenant: z.string().min(1).max(128).default('default'),
    prefix: z.string().min(1).max(64).default('secbot:privacy:vault:'),
    indexKey: secretList({ minBytes: 32 }).optional(),
    cacheSize: z.number().int().min(0).max(1_000_000).default(10_000),
    cacheTtlMs: z.number().int().min(0).max(hour).default(60_000),
    now: z.custom<Clock>((value) => typeof value === 'function', 'must be a function').optional(),
    bus: eventBusSchema.optional(),
  })
  .strict();

const collection = 'privacy-vault';
const maxClaimAttempts = 8;

interface Scope {
  readonly tenant: string;
  readonly conversationId: string;
  readonly user: string | undefined;
}

function checkScope(scope: VaultScope, defaultTenant: string): Scope {
  const { conversationId, user } = scope ?? {};
  const tenant = scope?.tenant ?? defaultTenant;
  if (typeof conversationId !== 'string' || conversationId.length === 0 || conversationId.length > 128)
    throw new SecbotError('ARGUMENT_INVALID', 'vault: conversationId must be a string of 1-128 characters');
  if (typeof tenant !== 'string' || tenant.length === 0 || tenant.length > 128)
    throw new SecbotError('ARGUMENT_INVALID', 'vault: tenant must be a string of 1-128 characters');
  if (user !== undefined && (typeof user !== 'string' || user.length === 0 || user.length > 128))
    throw new SecbotError('ARGUMENT_INVALID', 'vault: user must be a string of 1-128 characters');
  return { tenant, conversationId, user };
}

/**
 * Create the vault behind {@link createPseudonymizer}. Each value is sealed with
 * `envelope.sealText(value, { tenant, collection: 'privacy-vault', recordId: conversationId,
 * conversation: conversationId, field: placeholder, user? })`, so a sealed value copied to another
 * placeholder, conversation or tenant does not open, and an envelope with `keyScope:
 * 'conversation'` can crypto-shred one conversation. Entries expire `ttlMs` after they were
 * written; placeholders are claimed atomically in the store (`ifNotExists`), so processes sharing
 * a store never give two values the same placeholder.
 *
 * @param options - Envelope, store, TTL, bounds.
 * @returns The vault.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option.
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { createEnvelope, localKeyProvider } from '@secbot/crypto';
 * import { createVault } from '@secbot/privacy';
 *
 * const envelope = createEnvelope({ keyProvider: localKeyProvider({ keys: [{ id: 'kek', key: randomBytes(32) }] }) });
 * const vault = createVault({ envelope, ttlMs: 60 * 60 * 1000 });
 * const [placeholder] = await vault.assign({ conversationId: 'c1' }, [{ type: 'EMAIL', value: 'ann@x.test' }]);
 * // placeholder === '<EMAIL_1>'
 * ```
 */
export function createVault(options: VaultOptions): PseudonymVault {
  const config = parseOptions(vaultOptionsSchema, options, 'createVault');
  const { envelope, ttlMs, maxValuesPerConversation, maxValueLength, prefix } = config;
  const now = config.now ?? systemClock;
  const store = config.store ?? createMemoryStore({ now });
  const cache = new ValueCache(config.cacheTtlMs === 0 ? 0 : config.cacheSize, now);
  const cacheUntil = (expiresAt: number): number => Math.min(expiresAt, now() + config.cacheTtlMs);
  // Crypto-shredding must take effect at once: nothing opened before may be served from memory.
  config.bus?.on('key.destroyed', () => cache.clear());
  const indexKeys = config.indexKey ?? [randomBytes(32)];
  // Length-prefixed, so no tenant or conversation id can forge another's key.
  const base = (tenant: string, conversationId: string): string =>
    `${prefix}${tenant.length}.${tenant}${conversationId.length}.${conversationId}:`;
  const digest = (key: Uint8Array, type: string, value: string): string =>
    createHmac('sha256', key).update(type).update('\u0000').update(value).digest('base64url');
  // The user is bound to each sealed value, so cached entries are kept apart by user as well.
  const cachePrefix = ({ tenant, conversationId, user }: Scope): string =>
    `${base(tenant, conversationId)}${user === undefined ? '-' : `${user.length}.${user}`}:`;
  const context = ({ tenant, conversationId, user }: Scope, placeholder: string): SealContext => ({
    tenant,
    collection,
    recordId: conversationId,
    conversation: conversationId,
    field: placeholder,
    ...(user === undefined ? {} : { user }),
  });

  const assignOne = async (checked: Scope, type: string, value: string, cacheKey: string) => {
    const at = base(checked.tenant, checked.conversationId);
    for (const key of indexKeys) {
      const known = await store.get(`${at}v:${digest(key, type, value)}`);
      if (known !== undefined && isPlaceholder(known)) return known;
    }
    const total = await store.increment(`${at}total`, { windowMs: ttlMs });
    if (total.count > maxValuesPerConversation) return undefined;
    for (let attempt = 0; attempt < maxClaimAttempts; attempt++) {
      const { count } = await store.increment(`${at}n:${type}`, { windowMs: ttlMs });
      if (count > 9_999_999) return undefined;
      const placeholder = formatPlaceholder(type, count);
      // The expiry is sealed with the value, so it holds even if the store keeps entries longer.
      const expiresAt = now() + ttlMs;
      const sealed = await envelope.sealText(`${expiresAt}\n${value}`, context(checked, placeholder));
      if (await store.set(`${at}p:${placeholder}`, sealed, { ttlMs, ifNotExists: true })) {
        await store.set(`${at}v:${digest(indexKeys[0] as Uint8Array, type, value)}`, placeholder, { ttlMs });
        cache.set(cacheKey, placeholder, cacheUntil(expiresAt));
        cache.set(`${cachePrefix(checked)}p:${placeholder}`, value, cacheUntil(expiresAt));
        return placeholder;
      }
    }
    throw new SecbotError('STORE_CONFLICT', 'vault: could not claim a free placeholder');
  };

  const revealOne = async (checked: Scope, placeholder: string, cacheKey: string): Promise<RevealResult> => {
    const sealed = await store.get(`${base(checked.tenant, checked.conversationId)}p:${placeholder}`);
    if (sealed === undefined) return { ok: false, reason: 'missing' };
    let opened: string;
    try {
      opened = await envelope.openText(sealed, context(checked, placeholder));
    } catch (error) {
      return { ok: false, reason: 'unopenable', code: isSecbotError(error) ? error.code : 'INTERNAL' };
    }
    const newline = opened.indexOf('\n');
    const expiresAt = Number(opened.slice(0, newline));
    if (newline < 1 || !Number.isSafeInteger(expiresAt))
      return { ok: false, reason: 'unopenable', code: 'INTERNAL' };
    if (expiresAt <= now()) return { ok: false, reason: 'missing' };
    const value = opened.slice(newline + 1);
    cache.set(cacheKey, value, cacheUntil(expiresAt));
    return { ok: true, value };
  };

  return {
    // Cache hits are answered without awaiting, so a warm message costs one await in all.
    async assign(scope, values) {
      const checked = checkScope(scope, config.tenant);
      if (!Array.isArray(values)) throw new SecbotError('ARGUMENT_INVALID', 'vault: values must be an array');
      const prefixed = cachePrefix(checked);
      const out: (string | undefined)[] = [];
      for (const { type, value } of values) {
        if (typeof type !== 'string' || !placeholderTypePattern.test(type))
          throw new SecbotError(
            'ARGUMENT_INVALID',
            'vault: type must be upper-case snake case, 1-32 characters',
          );
        if (typeof value !== 'string' || value.length === 0 || value.length > maxValueLength) {
          out.push(undefined);
          continue;
        }
        const cacheKey = `${prefixed}v:${type}\u0000${value}`;
        out.push(cache.get(cacheKey) ?? (await assignOne(checked, type, value, cacheKey)));
      }
      return out;
    },

    async reveal(scope, placeholders) {
      const checked = checkScope(scope, config.tenant);
      if (!Array.isArray(placeholders))
        throw new SecbotError('ARGUMENT_INVALID', 'vault: placeholders must be an array');
      const prefixed = cachePrefix(checked);
      const out: RevealResult[] = [];
      for (const placeholder of placeholders) {
        if (typeof placeholder !== 'string' || !isPlaceholder(placeholder)) {
          out.push({ ok: false, reason: 'missing' });
          continue;
        }
        const cacheKey = `${prefixed}p:${placeholder}`;
        const cached = cache.get(cacheKey);
        out.push(
          cached !== undefined
            ? { ok: true, value: cached }
            : await revealOne(checked, placeholder, cacheKey),
        );
      }
      return out;
    },
  };
}
