import { timingSafeEqual } from 'node:crypto';
import { eventBusSchema, type KeyProvider, parseOptions, SecbotError } from '@secbot/core';
import { z } from 'zod';
import { aead, aesGcmEncryptInto } from './aead.js';
import {
  contextBound,
  type EnvelopeHeader,
  encodeContextInto,
  headerLength,
  readHeader,
  type SealContext,
  writeHeader,
} from './envelope-format.js';
import type { Envelope, EnvelopeOptions, ScopeContext } from './envelope-types.js';

import { createKeyrings, demote, newKeyId } from './internal/keyrings.js';
import type { LoadedKey, LoadedKeyring } from './internal/loaded-keyring.js';
import { randomBytes } from './internal/random-pool.js';
import { hasUnpairedSurrogate } from './internal/well-formed.js';
import type { DataKeyRecord, KeyringStore } from './keyring-store.js';
import { memoryKeyringStore } from './memory-keyring-store.js';

const optionsSchema = z
  .object({
    keyProvider: z.custom<KeyProvider>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as KeyProvider).wrap === 'function' &&
        typeof (v as KeyProvider).unwrap === 'function',
      'must be a KeyProvider',
    ),
    keyStore: z
      .custom<KeyringStore>(
        (v) => typeof v === 'object' && v !== null && typeof (v as KeyringStore).save === 'function',
        'must be a KeyringStore',
      )
      .optional(),
    algorithm: z.enum(['aes-256-gcm', 'xchacha20-poly1305']).default('aes-256-gcm'),
    keyScope: z.enum(['tenant', 'user', 'conversation']).default('tenant'),
    cacheSize: z.number().int().min(1).max(1_000_000).default(1_000),
    cacheTtlMs: z.number().int().min(0).max(86_400_000).default(60_000),
    maxMessagesPerKey: z
      .number()
      .int()
      .min(1)
      .max(2 ** 32)
      .default(2 ** 32),
    bus: eventBusSchema.optional(),
    now: z.custom<() => number>((v) => typeof v === 'function', 'must be a function').optional(),
  })
  .strict();

const refetchIntervalMs = 1000;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Create envelope encryption: per-scope data keys (per tenant by default) wrapped by a
 * key-encryption key, a bounded cache of unwrapped keys so no provider call sits on the hot path,
 * rotation with lazy re-encryption, and crypto-shredding.
 *
 * @param options - Key provider, key store, algorithm, scope and cache settings.
 * @returns The envelope.
 * @throws SecbotError `CONFIG_INVALID` naming a bad option.
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { createEnvelope, localKeyProvider } from '@secbot/crypto';
 *
 * const envelope = createEnvelope({ keyProvider: localKeyProvider({ keys: [{ id: 'kek-1', key: randomBytes(32) }] }) });
 * const context = { tenant: 'acme', collection: 'transcripts', recordId: 't-42' };
 * const sealed = await envelope.seal('my card is 4111 1111 1111 1111', context);
 * const text = new TextDecoder().decode(await envelope.open(sealed, context));
 * ```
 */
export function createEnvelope(options: EnvelopeOptions): Envelope {
  const config = parseOptions(optionsSchema, options, 'createEnvelope');
  const provider = config.keyProvider;
  const store = config.keyStore ?? memoryKeyringStore();
  const now = config.now ?? Date.now;
  const bus = config.bus;
  const component = (context: ScopeContext, name: 'tenant' | 'user' | 'conversation'): string => {
    const value = (context as Partial<ScopeContext> | null)?.[name];
    if (typeof value !== 'string' || value === '' || value.length > 1024 || hasUnpairedSurrogate(value)) {
      throw new SecbotError(
        'ARGUMENT_INVALID',
        `envelope: context.${name} is required (a well-formed string)`,
      );
    }
    // encoded, so no tenant or user name can spell another scope ("a/user:b")
    return encodeURIComponent(value);
  };

  const scopeOf = (context: ScopeContext): string => {
    let scope = `tenant:${component(context, 'tenant')}`;
    if (config.keyScope !== 'tenant') scope += `/user:${component(context, 'user')}`;
    if (config.keyScope === 'conversation') scope += `/conversation:${component(context, 'conversation')}`;
    return scope;
  };

  const keyrings = createKeyrings({
    provider,
    store,
    algorithm: config.algorithm,
    cacheSize: config.cacheSize,
    cacheTtlMs: config.cacheTtlMs,
    maxMessagesPerKey: config.maxMessagesPerKey,
    now,
    onUnwrapFailure: (scope, keyId) =>
      bus?.emit('crypto.decrypt_failed', { code: 'CRYPTO_DECRYPT_FAILED', keyId, context: { scope } }),
  });
  const { keyring, fetch, update, primaryFor, newRecord } = keyrings;

  const decryptFailed = (why: string, context: SealContext, keyId?: string, cause?: unknown): SecbotError => {
    const error = new SecbotError(
      'CRYPTO_DECRYPT_FAILED',
      `envelope: ${why}`,
      cause === undefined ? {} : { cause },
    );
    report(error, context, keyId);
    return error;
  };

  const report = (error: SecbotError, context: SealContext, keyId?: string): void => {
    if (bus === undefined) return;
    const safe: Record<string, string> = {};
    for (const name of ['tenant', 'collection', 'recordId', 'field'] as const) {
      const value = (context as Partial<SealContext> | undefined)?.[name];
      if (typeof value === 'string') safe[name] = value.slice(0, 128);
    }
    bus.emit('crypto.decrypt_failed', {
      code: error.code,
      ...(keyId === undefined ? {} : { keyId }),
      context: safe,
    });
  };

  /**
   * Header and context, written once into one buffer: the AAD, whose first
   * `headerLength(algorithm, keyId)` bytes are the header.
   */
  const buildAad = (
    key: LoadedKey,
    nonce: Uint8Array,
    context: SealContext,
    headerEnd: number,
  ): Uint8Array => {
    const buffer = new Uint8Array(headerEnd + contextBound(context));
    writeHeader(key.record.algorithm, key.record.id, nonce, key.commitment, buffer);
    return buffer.subarray(0, encodeContextInto(context, buffer, headerEnd));
  };

  const joinSealed = (aad: Uint8Array, headerEnd: number, sealed: Uint8Array): Uint8Array => {
    const out = new Uint8Array(headerEnd + sealed.byteLength);
    out.set(aad.subarray(0, headerEnd), 0);
    out.set(sealed, headerEnd);
    return out;
  };

  const sealWith = (
    key: LoadedKey,
    plaintext: Uint8Array,
    context: SealContext,
  ): Uint8Array | Promise<Uint8Array> => {
    const aes = key.record.algorithm === 'aes-256-gcm';
    const nonce = randomBytes(aes ? 12 : 24);
    const headerEnd = headerLength(key.record.algorithm, key.record.id);
    const aad = buildAad(key, nonce, context, headerEnd);
    if (aes) {
      // written straight after the header: no intermediate ciphertext buffer
      const out = new Uint8Array(headerEnd + plaintext.byteLength + 16);
      out.set(aad.subarray(0, headerEnd), 0);
      aesGcmEncryptInto(key.key, nonce, plaintext, aad, out, headerEnd);
      return out;
    }
    const sealed = aead.xchacha20poly1305.encrypt(key.key, nonce, plaintext, aad);
    return sealed instanceof Uint8Array
      ? joinSealed(aad, headerEnd, sealed)
      : sealed.then((done) => joinSealed(aad, headerEnd, done));
  };

  const sealBytes = (plaintext: Uint8Array, context: SealContext): Promise<Uint8Array> => {
    try {
      contextBound(context);
      const scope = scopeOf(context);
      // hot path: a cached keyring with a primary key and reserved usage left, no await at all
      const ready = keyrings.primaryNow(scope);
      if (ready !== undefined) return Promise.resolve(sealWith(ready, plaintext, context));
      return primaryFor(scope).then((key) => sealWith(key, plaintext, context));
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const keyError = (header: EnvelopeHeader, ring: LoadedKeyring, context: SealContext): SecbotError => {
    const record = ring.records.find((r) => r.id === header.keyId);
    const error =
      record?.status === 'destroyed'
        ? new SecbotError('CRYPTO_KEY_DESTROYED', 'envelope: the data key was destroyed; this data is erased')
        : new SecbotError(
            'CRYPTO_KEY_NOT_FOUND',
            record?.status === 'retired'
              ? 'envelope: the data key is retired'
              : 'envelope: no such data key in this scope',
          );
    report(error, context, header.keyId);
    return error;
  };

  const verifyFailed = (context: SealContext, keyId: string, cause: unknown): SecbotError =>
    decryptFailed('ciphertext did not verify (tampered, or another context)', context, keyId, cause);

  const openWith = (
    loaded: LoadedKey,
    header: EnvelopeHeader,
    sealed: Uint8Array,
    context: SealContext,
  ): Uint8Array | Promise<Uint8Array> => {
    if (loaded.record.algorithm !== header.algorithm)
      throw decryptFailed('algorithm does not match the key', context, header.keyId);
    if (!timingSafeEqual(header.commitment, loaded.commitment)) {
      throw decryptFailed('key commitment does not match', context, header.keyId);
    }
    const aad = new Uint8Array(header.headerLength + contextBound(context));
    aad.set(sealed.subarray(0, header.headerLength), 0);
    const end = encodeContextInto(context, aad, header.headerLength);
    const body = sealed.subarray(header.headerLength);
    if (header.algorithm === 'aes-256-gcm') {
      try {
        return aead.aes256gcm.decrypt(loaded.key, header.nonce, body, aad.subarray(0, end)) as Uint8Array;
      } catch (cause) {
        throw verifyFailed(context, header.keyId, cause);
      }
    }
    try {
      const plain = aead.xchacha20poly1305.decrypt(loaded.key, header.nonce, body, aad.subarray(0, end));
      return plain instanceof Uint8Array
        ? plain
        : plain.catch((cause: unknown) => {
            throw verifyFailed(context, header.keyId, cause);
          });
    } catch (cause) {
      throw verifyFailed(context, header.keyId, cause);
    }
  };

  const openSlow = async (
    header: EnvelopeHeader,
    sealed: Uint8Array,
    context: SealContext,
    scope: string,
  ) => {
    let ring = await keyring(scope, false);
    let loaded = ring.keys.get(header.keyId);
    if (loaded === undefined && now() - ring.loadedAt >= refetchIntervalMs) {
      // a key made by another process since this keyring was cached: look once more (at most once
      // a second per scope, so forged key ids cannot turn every open into a store read)
      ring = await fetch(scope, false);
      loaded = ring.keys.get(header.keyId);
    }
    if (loaded === undefined) throw keyError(header, ring, context);
    return openWith(loaded, header, sealed, context);
  };

  const openBytes = (sealed: Uint8Array, context: SealContext): Promise<Uint8Array> => {
    try {
      let header: EnvelopeHeader;
      try {
        header = readHeader(sealed);
      } catch (error) {
        report(error as SecbotError, context);
        throw error;
      }
      contextBound(context);
      const scope = scopeOf(context);
      // hot path: the key is in a fresh cached keyring
      const loaded = keyrings.cachedKey(scope, header.keyId);
      if (loaded !== undefined) return Promise.resolve(openWith(loaded, header, sealed, context));
      return openSlow(header, sealed, context, scope);
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const setStatus = async (
    context: ScopeContext,
    keyId: string,
    from: DataKeyRecord['status'],
    to: DataKeyRecord['status'],
  ) => {
    const scope = scopeOf(context);
    await update(scope, (records) => {
      const record = records.find((r) => r.id === keyId);
      if (record === undefined)
        throw new SecbotError('CRYPTO_KEY_NOT_FOUND', 'envelope: no such data key in this scope');
      if (record.status !== from)
        throw new SecbotError('ARGUMENT_INVALID', `envelope: the key is ${record.status}, not ${from}`);
      return records.map((r) => (r.id === keyId ? { ...r, status: to } : r));
    });
  };

  return {
    seal(plaintext, context) {
      const bytes = typeof plaintext === 'string' ? encoder.encode(plaintext) : plaintext;
      if (!(bytes instanceof Uint8Array))
        return Promise.reject(
          new SecbotError('ARGUMENT_INVALID', 'envelope: plaintext must be bytes or a string'),
        );
      return sealBytes(bytes, context);
    },
    open: openBytes,
    async sealText(text, context) {
      return Buffer.from(await sealBytes(encoder.encode(text), context)).toString('base64url');
    },
    async openText(sealedText, context) {
      if (typeof sealedText !== 'string' || !/^[A-Za-z0-9_-]*$/.test(sealedText)) {
        throw decryptFailed('not base64url text', context);
      }
      const raw = Buffer.from(sealedText, 'base64url');
      // only the canonical encoding: no stray padding bits, so one envelope has one text form
      if (raw.toString('base64url') !== sealedText) throw decryptFailed('not canonical base64url', context);
      const bytes = await openBytes(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength), context);
      try {
        return decoder.decode(bytes);
      } catch (cause) {
        throw decryptFailed('plaintext is not UTF-8', context, undefined, cause);
      }
    },
    inspect(sealedBytes) {
      const header = readHeader(sealedBytes);
      return { algorithm: header.algorithm, keyId: header.keyId };
    },
    async isStale(sealedBytes, context) {
      const header = readHeader(sealedBytes);
      const ring = await keyring(scopeOf(context), false);
      return ring.primary?.record.id !== header.keyId;
    },
    async reseal(sealedBytes, context) {
      const plaintext = await openBytes(sealedBytes, context);
      try {
        return await sealBytes(plaintext, context);
      } finally {
        plaintext.fill(0);
      }
    },
    async rotate(context) {
      const scope = scopeOf(context);
      let previous: string | undefined;
      let created = '';
      await update(scope, async (records) => {
        if (records.length > 0 && records.every((r) => r.status === 'destroyed')) {
          throw new SecbotError('CRYPTO_KEY_DESTROYED', "envelope: this scope's keys were destroyed");
        }
        previous = records.find((r) => r.status === 'primary')?.id;
        const fresh = await newRecord(scope, 'primary');
        created = fresh.id;
        return [fresh, ...records.map(demote)];
      });
      bus?.emit('key.rotated', {
        keyId: created,
        ...(previous === undefined ? {} : { previousKeyId: previous }),
        scope,
      });
      return created;
    },
    async destroy(context, by) {
      const scope = scopeOf(context);
      let destroyed: string[] = [];
      const at = now();
      await update(scope, (records) => {
        destroyed = records.filter((r) => r.status !== 'destroyed').map((r) => r.id);
        // an empty scope gets a tombstone, so it can never silently start sealing again
        if (records.length === 0) {
          return [
            {
              id: newKeyId(),
              algorithm: config.algorithm,
              status: 'destroyed',
              createdAt: at,
              reserved: 0,
              destroyedAt: at,
            },
          ];
        }
        return records.map((r) =>
          r.status === 'destroyed'
            ? r
            : {
                id: r.id,
                algorithm: r.algorithm,
                status: 'destroyed',
                createdAt: r.createdAt,
                reserved: r.reserved,
                destroyedAt: at,
              },
        );
      });
      bus?.emit('key.destroyed', { keyIds: destroyed, scope, ...(by === undefined ? {} : { by }) });
      return destroyed;
    },
    retire: (context, keyId) => setStatus(context, keyId, 'active', 'retired'),
    reactivate: (context, keyId) => setStatus(context, keyId, 'retired', 'active'),
    async rewrapKeys(onProgress) {
      const scopes = await store.scopes();
      let count = 0;
      for (let i = 0; i < scopes.length; i++) {
        const scope = scopes[i] as string;
        await update(scope, async (records) => {
          const next: DataKeyRecord[] = [];
          let changed = false;
          for (const record of records) {
            if (
              record.wrapped === undefined ||
              record.kekId === undefined ||
              record.kekId === provider.currentKekId
            ) {
              next.push(record);
              continue;
            }
            const key = await provider.unwrap(
              { kekId: record.kekId, wrapped: new Uint8Array(Buffer.from(record.wrapped, 'base64')) },
              { keyId: record.id, scope },
            );
            const wrapped = await provider.wrap(key, { keyId: record.id, scope });
            key.fill(0);
            next.push({
              ...record,
              kekId: wrapped.kekId,
              wrapped: Buffer.from(wrapped.wrapped).toString('base64'),
            });
            count += 1;
            changed = true;
          }
          // nothing under an old KEK: leave the keyring (and its file) untouched
          return changed ? next : records;
        });
        onProgress?.({ done: i + 1, total: scopes.length });
      }
      return count;
    },
  };
}
