import { createHash } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { type FileHandle, open, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseOptions, SecbotError } from '@secbot/core';
import { removeFileDurably, writeFileAtomically } from '@secbot/core/node';
import { z } from 'zod';
import { withDirLock } from './internal/dir-lock.js';
import { sameBytes } from './internal/same-bytes.js';
import { assertKvKey, assertKvPrefix, assertKvValue, type KvStore, kvStoreLimits } from './kv-store.js';

/** Options of {@link fileKvStore}. */
export interface FileKvStoreOptions {
  /**
   * Directory for the value files. Created with mode 700 when missing; an existing directory that
   * group or others may access is refused (on POSIX systems).
   */
  readonly dir: string;
}

const where = 'fileKvStore';
const optionsSchema = z.object({ dir: z.string().min(1).max(4096) }).strict();

// File layout: 'S' 'B' 'K' 'V', format version (1), key length in UTF-8 bytes (2, big-endian),
// the key, then the value.
const magic = [0x53, 0x42, 0x4b, 0x56] as const;
const formatVersion = 1;
const headerBytes = 7;
// a 512-unit key is at most 1,536 UTF-8 bytes (3 per unit; a pair is 4 bytes for 2 units)
const maxKeyBytes = kvStoreLimits.maxKeyLength * 3;
const fileNamePattern = /^[0-9a-f]{64}\.kv$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A {@link KvStore} in a directory: one file per key, named by the SHA-256 of the key (so no key
 * can name a path: `'../../etc/passwd'` is just a name), holding the key and then the value so
 * {@link KvStore.keys} can list them. Each write is atomic (temporary file, fsync, rename,
 * directory fsync); files are mode 600 in a directory of mode 700.
 *
 * Values are stored as given: wrap the store in `encryptedKvStore` to keep them encrypted. Keys
 * are stored in the clear inside the files. Writes (`set`, `delete`, `compareAndSet`) hold the
 * directory's lock, shared with every other store on the directory in this process and, through a
 * lock file, in other processes on the host: `compareAndSet` is atomic against all of them. Reads
 * take no lock (a rename is atomic, so a read sees the old value or the new one). Writes to one
 * directory therefore run one at a time; for many writers across hosts use a networked store with
 * its own compare-and-set.
 *
 * @param options - The directory.
 * @returns The store.
 * @throws SecbotError `CONFIG_INVALID` naming `dir` when the option is missing, the path is not a
 *   directory or cannot be created, or the directory is accessible by group or others. At run
 *   time: `ARGUMENT_INVALID` for a bad key or value; `STORE_UNAVAILABLE` when a file cannot be
 *   read or written or the directory lock is not obtained within 10 s; `CONFIG_INVALID` for a value file that is corrupt or belongs to another key
 *   (never read as another key's value).
 * @example
 * ```ts
 * import { fileKvStore } from '@secbot/crypto';
 *
 * const kv = fileKvStore({ dir: './.secbot/state' });
 * await kv.set('conversation:42', new TextEncoder().encode('{"step":3}'));
 * for await (const key of kv.keys('conversation:')) console.log(key);
 * ```
 */
export function fileKvStore(options: FileKvStoreOptions): KvStore {
  const dir = resolve(parseOptions(optionsSchema, options, where).dir);
  prepareDirectory(dir);
  const pathOf = (key: string): string => join(dir, fileNameOf(key));

  const read = async (key: string): Promise<Uint8Array | undefined> => {
    let bytes: Buffer;
    try {
      bytes = await readFile(pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SecbotError('STORE_UNAVAILABLE', `${where}: a value file cannot be read`, { cause: error });
    }
    const record = parseRecord(bytes, fileNameOf(key));
    if (record.key !== key) throw corrupt(fileNameOf(key), 'holds another key');
    return new Uint8Array(record.value);
  };

  /** Run a write holding the directory lock; a failure to take the lock is STORE_UNAVAILABLE. */
  const locked = async <T>(task: () => Promise<T>): Promise<T> => {
    try {
      return await withDirLock(dir, task);
    } catch (error) {
      if (error instanceof SecbotError) throw error;
      throw new SecbotError('STORE_UNAVAILABLE', `${where}: the directory lock cannot be taken`, {
        cause: error,
      });
    }
  };

  const write = async (key: string, value: Uint8Array): Promise<void> => {
    try {
      await writeFileAtomically(pathOf(key), encodeRecord(key, value));
    } catch (cause) {
      throw new SecbotError('STORE_UNAVAILABLE', `${where}: a value file cannot be written`, { cause });
    }
  };

  return {
    get(key) {
      assertKvKey(key, where);
      return read(key);
    },
    async set(key, value) {
      assertKvKey(key, where);
      assertKvValue(value, where);
      const copy = new Uint8Array(value);
      await locked(() => write(key, copy));
    },
    async delete(key) {
      assertKvKey(key, where);
      return locked(async () => {
        try {
          return await removeFileDurably(pathOf(key));
        } catch (cause) {
          throw new SecbotError('STORE_UNAVAILABLE', `${where}: a value file cannot be removed`, { cause });
        }
      });
    },
    keys(prefix) {
      assertKvPrefix(prefix, where);
      return listKeys(dir, prefix ?? '');
    },
    async compareAndSet(key, expected, value) {
      assertKvKey(key, where);
      assertKvValue(value, where);
      if (expected !== undefined) assertKvValue(expected, where);
      const copy = new Uint8Array(value);
      return locked(async () => {
        if (!sameBytes(await read(key), expected)) return false;
        await write(key, copy);
        return true;
      });
    },
  };
}

function fileNameOf(key: string): string {
  return `${createHash('sha256').update(key, 'utf8').digest('hex')}.kv`;
}

function prepareDirectory(dir: string): void {
  const refuse = (message: string, cause?: unknown): SecbotError =>
    new SecbotError('CONFIG_INVALID', `${where}: dir: ${message}`, {
      issues: [{ path: 'dir', message }],
      ...(cause === undefined ? {} : { cause }),
    });
  let mode: number;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stats = statSync(dir);
    if (!stats.isDirectory()) throw refuse('not a directory');
    mode = stats.mode;
  } catch (error) {
    if (error instanceof SecbotError) throw error;
    throw refuse('cannot be created or read', error);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw refuse('must not be accessible by group or others (chmod 700)');
  }
}

function encodeRecord(key: string, value: Uint8Array): Uint8Array {
  const keyBytes = encoder.encode(key);
  const out = new Uint8Array(headerBytes + keyBytes.byteLength + value.byteLength);
  out.set(magic, 0);
  out[4] = formatVersion;
  out[5] = keyBytes.byteLength >> 8;
  out[6] = keyBytes.byteLength & 0xff;
  out.set(keyBytes, headerBytes);
  out.set(value, headerBytes + keyBytes.byteLength);
  return out;
}

function corrupt(fileName: string, why: string): SecbotError {
  return new SecbotError('CONFIG_INVALID', `${where}: ${fileName} is corrupt or foreign (${why})`);
}

/** The key and value of a value file. Checks the header and that the key names this file. */
function parseRecord(bytes: Uint8Array, fileName: string): { key: string; value: Uint8Array } {
  const key = parseKey(bytes, fileName);
  const keyLength = ((bytes[5] as number) << 8) | (bytes[6] as number);
  return { key, value: bytes.subarray(headerBytes + keyLength) };
}

function parseKey(bytes: Uint8Array, fileName: string): string {
  if (bytes.byteLength < headerBytes || magic.some((byte, i) => bytes[i] !== byte)) {
    throw corrupt(fileName, 'not a value file');
  }
  if (bytes[4] !== formatVersion) throw corrupt(fileName, `unknown format version ${bytes[4]}`);
  const keyLength = ((bytes[5] as number) << 8) | (bytes[6] as number);
  if (keyLength === 0 || keyLength > maxKeyBytes || bytes.byteLength < headerBytes + keyLength) {
    throw corrupt(fileName, 'bad key length');
  }
  let key: string;
  try {
    key = decoder.decode(bytes.subarray(headerBytes, headerBytes + keyLength));
  } catch (cause) {
    throw new SecbotError('CONFIG_INVALID', `${where}: ${fileName} is corrupt (key is not UTF-8)`, { cause });
  }
  if (fileNameOf(key) !== fileName) throw corrupt(fileName, 'file name does not match its key');
  return key;
}

async function* listKeys(dir: string, prefix: string): AsyncGenerator<string> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new SecbotError('STORE_UNAVAILABLE', `${where}: the directory cannot be read`, { cause });
  }
  for (const name of names) {
    if (!fileNamePattern.test(name)) continue; // temporary and foreign files
    const key = await readKey(join(dir, name), name);
    if (key?.startsWith(prefix)) yield key;
  }
}

/** Read only a value file's header and key (not the value); `undefined` if it was deleted. */
async function readKey(path: string, fileName: string): Promise<string | undefined> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const buffer = new Uint8Array(headerBytes + maxKeyBytes);
    const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, 0);
    return parseKey(buffer.subarray(0, bytesRead), fileName);
  } catch (error) {
    if (error instanceof SecbotError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SecbotError('STORE_UNAVAILABLE', `${where}: a value file cannot be read`, { cause: error });
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
