import { type FileHandle, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * The files of a rotated log, oldest first: `path.1`, `path.2`, ... (numerically), then `path`
 * itself when it exists. Rotated files are never renumbered, so the order is the chain's order.
 */
export async function listLogFiles(
  path: string,
): Promise<{ rotated: string[]; current: string | undefined }> {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { rotated: [], current: undefined };
    throw error;
  }
  const numbered: { n: number; name: string }[] = [];
  let current: string | undefined;
  for (const name of names) {
    if (name === base) current = path;
    else if (name.startsWith(`${base}.`)) {
      const suffix = name.slice(base.length + 1);
      if (/^[1-9][0-9]{0,9}$/.test(suffix)) numbered.push({ n: Number(suffix), name });
    }
  }
  numbered.sort((a, b) => a.n - b.n);
  return { rotated: numbered.map((entry) => join(dir, entry.name)), current };
}

/** The number of a rotated file name (`path.7` -> 7). */
export function rotationIndex(file: string): number {
  return Number(file.slice(file.lastIndexOf('.') + 1));
}

/**
 * Find the last `\n`-terminated line of an open file by reading backwards in growing windows.
 *
 * @returns The byte range of the last complete line (without its newline) and the offset just
 *   after the last newline (the end of the complete part), or `undefined` when there is none.
 */
export async function lastCompleteLine(
  handle: FileHandle,
  size: number,
  before: number = size,
): Promise<{ start: number; end: number; text: string; completeEnd: number } | undefined> {
  let window = 64 * 1024;
  for (;;) {
    const from = Math.max(0, before - window);
    const length = before - from;
    const buf = Buffer.alloc(length);
    await readFully(handle, buf, from);
    const lastNl = buf.lastIndexOf(10);
    if (lastNl === -1) {
      if (from === 0) return undefined;
      window *= 4;
      continue;
    }
    const prevNl = lastNl === 0 ? -1 : buf.lastIndexOf(10, lastNl - 1);
    if (prevNl === -1 && from > 0) {
      window *= 4;
      continue;
    }
    const start = from + prevNl + 1;
    const end = from + lastNl;
    return { start, end, text: buf.toString('utf8', prevNl + 1, lastNl), completeEnd: end + 1 };
  }
}

/** Read the first line (up to its newline, or the whole file when it has none). */
export async function firstLine(handle: FileHandle, size: number): Promise<string> {
  const buf = Buffer.alloc(Math.min(size, 256 * 1024));
  await readFully(handle, buf, 0);
  const nl = buf.indexOf(10);
  return buf.toString('utf8', 0, nl === -1 ? buf.length : nl);
}

async function readFully(handle: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await handle.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
}
