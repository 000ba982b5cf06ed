import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// Errors from fsync on a directory that mean "not supported here" (Windows, some filesystems).
const dirSyncUnsupported = new Set(['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EACCES']);

/**
 * Replace `file` atomically: write a temporary file in the
 * same directory (mode 600, created exclusively under a random name), fsync it, rename it over
 * `file`, then fsync the directory so the rename itself is durable. A crash leaves the old file
 * or the new one, never a torn one; a failed write removes its temporary file.
 *
 * Rejects with the underlying system error; the caller wraps it in a coded error.
 *
 * @param file - The file to replace.
 * @param data - Its new content.
 * @example
 * ```ts
 * import { writeFileAtomically } from '@secbot/core/node';
 * await writeFileAtomically('/var/lib/bot/state.json', new TextEncoder().encode('{}'));
 * ```
 */
export async function writeFileAtomically(file: string, data: Uint8Array): Promise<void> {
  const directory = dirname(file);
  const temporary = join(directory, `.${basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, 'wx', 0o600);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, file);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}

/**
 * Remove `file` and make the removal durable.
 *
 * @param file - The file to remove.
 * @returns Whether the file existed.
 * @example
 * ```ts
 * import { removeFileDurably } from '@secbot/core/node';
 * await removeFileDurably('/var/lib/bot/state.json');
 * ```
 */
export async function removeFileDurably(file: string): Promise<boolean> {
  try {
    await unlink(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  await syncDirectory(dirname(file));
  return true;
}

/**
 * fsync a directory, so a rename or a new file in it survives a crash; platforms that cannot
 * (Windows, some filesystems) are skipped.
 *
 * @param directory - The directory.
 * @example
 * ```ts
 * import { syncDirectory } from '@secbot/core/node';
 * await syncDirectory('/var/lib/bot');
 * ```
 */
export async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    if (!dirSyncUnsupported.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
