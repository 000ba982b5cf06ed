import { type FileHandle, open } from 'node:fs/promises';

// Errors from fsync on a directory that mean "not supported here" (Windows, some filesystems).
const unsupported = new Set(['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EACCES']);

/** fsync a directory so a rename or a new file in it is durable; skipped where unsupported. */
export async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    if (!unsupported.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
