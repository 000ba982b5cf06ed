import { readFileSync, statSync } from 'node:fs';
import { type KeyProvider, parseOptions, SecbotError, type WrapContext, type WrappedKey } from '@secbot/core';
import { z } from 'zod';
import { aead } from './aead.js';
import { randomBytes } from './internal/random-pool.js';

/** One key-encryption key of a {@link localKeyProvider}. */
export interface LocalKek {
  /** Stable id, stored beside every data key it wraps (1-64 characters of `[A-Za-z0-9_.-]`). */
  readonly id: string;
  /** The key: 32 bytes, or their base64 text. */
  readonly key?: Uint8Array | string;
  /** A file holding the base64 key; refused if group- or world-readable. */
  readonly file?: string;
  /** An environment variable holding the base64 key. */
  readonly env?: string;
}

/** Options of {@link localKeyProvider}. */
export interface LocalKeyProviderOptions {
  /**
   * Key-encryption keys, newest first. The first wraps new data keys; all of them unwrap, so a
   * new KEK can be added and data keys re-wrapped (`envelope.rewrapKeys()`) before the old one goes.
   */
  readonly keys: readonly LocalKek[];
}

const kekSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ . -'),
    key: z.union([z.instanceof(Uint8Array), z.string()]).optional(),
    file: z.string().min(1).optional(),
    env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name')
      .optional(),
  })
  .strict()
  .refine((kek) => [kek.key, kek.file, kek.env].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of key, file or env',
  });

const optionsSchema = z
  .object({ keys: z.array(kekSchema).min(1, 'at least one key-encryption key is required') })
  .strict()
  .refine((o) => new Set(o.keys.map((k) => k.id)).size === o.keys.length, {
    message: 'key ids must be unique',
    path: ['keys'],
  });

const wrapInfo = new TextEncoder().encode('secbot/kek-wrap/v1');

function configError(path: string, message: string, cause?: unknown): SecbotError {
  return new SecbotError('CONFIG_INVALID', `localKeyProvider: ${path}: ${message}`, {
    issues: [{ path, message }],
    ...(cause === undefined ? {} : { cause }),
  });
}

function decodeKey(text: string, path: string): Uint8Array {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw configError(path, 'key is not base64');
  return new Uint8Array(
    Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64'),
  );
}

function loadKek(kek: z.output<typeof kekSchema>, index: number): Uint8Array {
  const path = `keys[${index}]`;
  let bytes: Uint8Array;
  if (kek.key !== undefined) {
    bytes = typeof kek.key === 'string' ? decodeKey(kek.key, `${path}.key`) : new Uint8Array(kek.key);
  } else if (kek.file !== undefined) {
    let text: string;
    try {
      const mode = statSync(kek.file).mode;
      if ((mode & 0o077) !== 0)
        throw configError(`${path}.file`, 'key file must not be readable by group or others (chmod 600)');
      text = readFileSync(kek.file, 'utf8');
    } catch (error) {
      if (error instanceof SecbotError) throw error;
      throw configError(`${path}.file`, 'key file cannot be read', error);
    }
    bytes = decodeKey(text, `${path}.file`);
  } else {
    const text = process.env[kek.env as string];
    if (text === undefined || text === '')
      throw configError(`${path}.env`, `environment variable ${kek.env} is not set`);
    bytes = decodeKey(text, `${path}.env`);
  }
  if (bytes.byteLength !== 32) throw configError(path, 'key must be exactly 32 bytes');
  if (bytes.every((b) => b === 0)) throw configError(path, 'key is all zeros');
  return bytes;
}

function wrapAad(kekId: string, context: WrapContext): Uint8Array {
  const encoder = new TextEncoder();
  const parts = [
    wrapInfo,
    encoder.encode(kekId),
    encoder.encode(context.keyId),
    encoder.encode(context.scope),
  ];
  let length = 0;
  for (const part of parts) length += 4 + part.byteLength;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const part of parts) {
    view.setUint32(offset, part.byteLength);
    out.set(part, offset + 4);
    offset += 4 + part.byteLength;
  }
  return out;
}

/**
 * The embedded key-encryption-key provider: 32-byte keys from memory, a file (mode 600) or the
 * environment, wrapping data keys with AES-256-GCM bound to their key id and scope. For KMS, Vault
 * or an HSM, implement the `KeyProvider` port of `@secbot/core` instead.
 *
 * @param options - The KEKs, newest first.
 * @returns The provider.
 * @throws SecbotError `CONFIG_INVALID` when a key is missing, unreadable, not 32 bytes, all zeros,
 *   or its file is readable by others; the message never contains key material.
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { localKeyProvider } from '@secbot/crypto';
 *
 * const kek = localKeyProvider({ keys: [{ id: 'kek-2026', key: randomBytes(32) }] });
 * // in production: { id: 'kek-2026', file: '/etc/secbot/kek.b64' } or { id: 'kek-2026', env: 'SECBOT_KEK' }
 * ```
 */
export function localKeyProvider(options: LocalKeyProviderOptions): KeyProvider {
  const config = parseOptions(optionsSchema, options, 'localKeyProvider');
  const keys = new Map(config.keys.map((kek, index) => [kek.id, loadKek(kek, index)] as const));
  const currentKekId = config.keys[0]?.id as string;

  return {
    currentKekId,
    async wrap(dataKey, context) {
      const key = keys.get(currentKekId) as Uint8Array;
      const nonce = randomBytes(12);
      const sealed = aead.aes256gcm.encrypt(
        key,
        nonce,
        dataKey,
        wrapAad(currentKekId, context),
      ) as Uint8Array;
      const wrapped = new Uint8Array(12 + sealed.byteLength);
      wrapped.set(nonce, 0);
      wrapped.set(sealed, 12);
      return { kekId: currentKekId, wrapped };
    },
    async unwrap(wrapped: WrappedKey, context) {
      const key = keys.get(wrapped.kekId);
      if (key === undefined) {
        throw new SecbotError(
          'CRYPTO_KEY_NOT_FOUND',
          `localKeyProvider: no key-encryption key "${wrapped.kekId.slice(0, 64)}"`,
        );
      }
      if (!(wrapped.wrapped instanceof Uint8Array) || wrapped.wrapped.byteLength < 12 + 16) {
        throw new SecbotError('CRYPTO_DECRYPT_FAILED', 'localKeyProvider: wrapped key is malformed');
      }
      return aead.aes256gcm.decrypt(
        key,
        wrapped.wrapped.subarray(0, 12),
        wrapped.wrapped.subarray(12),
        wrapAad(wrapped.kekId, context),
      ) as Uint8Array;
    },
  };
}
