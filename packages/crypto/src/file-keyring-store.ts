import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseOptions, SecbotError } from '@secbot/core';
import { writeFileAtomically } from '@secbot/core/node';
import { z } from 'zod';
import { withDirLock } from './internal/dir-lock.js';
import type { DataKeyRecord, KeyringSnapshot, KeyringStore } from './keyring-store.js';

/** Options of {@link fileKeyringStore}. */
export interface FileKeyringStoreOptions {
  /** Directory for the keyring files (created with mode 700). */
  readonly dir: string;
}

const recordSchema = z
  .object({
    id: z.string().regex(/^k_[0-9a-f]{32}$/),
    algorithm: z.enum(['aes-256-gcm', 'xchacha20-poly1305']),
    status: z.enum(['primary', 'active', 'retired', 'destroyed']),
    createdAt: z.number().int().nonnegative(),
    kekId: z.string().min(1).max(64).optional(),
    wrapped: z.string().max(1024).optional(),
    reserved: z.number().int().nonnegative(),
    destroyedAt: z.number().int().nonnegative().optional(),
  })
  .strict();
const fileSchema = z
  .object({ scope: z.string(), revision: z.number().int().positive(), records: z.array(recordSchema) })
  .strict();

const fileName = (scope: string) => `${createHash('sha256').update(scope).digest('hex')}.json`;

/**
 * A {@link KeyringStore} in a directory: one JSON file per scope, each write atomic (temporary
 * file, fsync, rename, directory fsync), so a crash never leaves a half-written keyring. The
 * embedded default: instances and processes on one host sharing the directory take turns through a
 * lock (in-process queue plus a lock file); hosts that share keys need a shared store (PostgreSQL).
 * Only wrapped keys are written; the directory is created with mode 700 and files with 600.
 *
 * @param options - The directory.
 * @returns The store.
 * @throws SecbotError `CONFIG_INVALID` for a missing directory option; reads of a corrupt or
 *   foreign file fail with `CONFIG_INVALID` naming the file, never silently as an empty keyring.
 * @example
 * ```ts
 * import { fileKeyringStore } from '@secbot/crypto';
 * const keys = fileKeyringStore({ dir: './.secbot/keys' });
 * ```
 */
export function fileKeyringStore(options: FileKeyringStoreOptions): KeyringStore {
  const { dir } = parseOptions(z.object({ dir: z.string().min(1) }).strict(), options, 'fileKeyringStore');
  let ready: Promise<unknown> | undefined;
  const ensureDir = () => {
    ready ??= mkdir(dir, { recursive: true, mode: 0o700 });
    return ready;
  };
  const read = async (scope: string): Promise<KeyringSnapshot | undefined> => {
    let text: string;
    try {
      text = await readFile(join(dir, fileName(scope)), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SecbotError('STORE_UNAVAILABLE', 'fileKeyringStore: keyring file cannot be read', {
        cause: error,
      });
    }
    let parsed: z.output<typeof fileSchema>;
    try {
      parsed = fileSchema.parse(JSON.parse(text));
    } catch (cause) {
      throw new SecbotError(
        'CONFIG_INVALID',
        `fileKeyringStore: ${fileName(scope)} is corrupt or not a keyring`,
        { cause },
      );
    }
    if (parsed.scope !== scope) {
      throw new SecbotError(
        'CONFIG_INVALID',
        `fileKeyringStore: ${fileName(scope)} belongs to another scope`,
      );
    }
    return { records: parsed.records as DataKeyRecord[], revision: parsed.revision };
  };

  const write = (scope: string, records: readonly DataKeyRecord[], revision: number): Promise<void> =>
    writeFileAtomically(
      join(dir, fileName(scope)),
      new TextEncoder().encode(JSON.stringify({ scope, revision, records })),
    );

  return {
    async load(scope) {
      await ensureDir();
      return read(scope);
    },
    async save(scope, records, expectedRevision) {
      await ensureDir();
      // read, compare and write under the directory lock: atomic against every other instance and
      // process using this directory
      return withDirLock(dir, async () => {
        const current = (await read(scope))?.revision ?? 0;
        if (current !== expectedRevision) {
          throw new SecbotError('STORE_CONFLICT', 'fileKeyringStore: the keyring changed since it was read');
        }
        try {
          await write(scope, records, current + 1);
        } catch (cause) {
          throw new SecbotError('STORE_UNAVAILABLE', 'fileKeyringStore: the keyring could not be written', {
            cause,
          });
        }
        return current + 1;
      });
    },
    async scopes() {
      await ensureDir();
      const names = (await readdir(dir)).filter((name) => /^[0-9a-f]{64}\.json$/.test(name));
      const scopes: string[] = [];
      for (const name of names) {
        let parsed: z.output<typeof fileSchema>;
        try {
          parsed = fileSchema.parse(JSON.parse(await readFile(join(dir, name), 'utf8')));
        } catch (cause) {
          throw new SecbotError('CONFIG_INVALID', `fileKeyringStore: ${name} is corrupt or not a keyring`, {
            cause,
          });
        }
        scopes.push(parsed.scope);
      }
      return scopes;
    },
  };
}
