import { open, readFile, stat, unlink } from 'node:fs/promises';
import { SecbotError } from '@secbot/core';

/** A lock file whose content cannot be read is only taken over once it is this old. */
const unreadableStaleMs = 10_000;

/**
 * Take the single-writer lock of a log: `<path>.lock`, created exclusively and holding this
 * process's pid. A lock whose process is gone (a crash, `kill -9`) is taken over; a lock held by a
 * live process, or by another sink in this process, is refused. The check of liveness is by pid,
 * so it holds for writers on one host (a log on a network file system shared by several hosts
 * needs one writer by deployment, which a verifier would otherwise report as a fork).
 *
 * @returns A function that releases the lock.
 * @throws SecbotError `AUDIT_WRITE_FAILED` when another writer holds it or it cannot be taken.
 */
export async function acquireWriterLock(lockPath: string, where: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return async () => {
        await unlink(lockPath).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SecbotError('AUDIT_WRITE_FAILED', `${where}: the writer lock cannot be taken`, {
          cause: error,
        });
      }
    }
    const holder = await readHolder(lockPath);
    if (holder === 'gone') continue; // released between our attempts
    if (typeof holder === 'number' && holder !== process.pid && !isAlive(holder)) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (holder === 'unreadable' && (await ageOf(lockPath)) > unreadableStaleMs) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    const who = typeof holder === 'number' ? `process ${holder}` : 'another writer';
    throw new SecbotError('AUDIT_WRITE_FAILED', `${where}: ${who} is writing this log (one writer per file)`);
  }
  throw new SecbotError('AUDIT_WRITE_FAILED', `${where}: the writer lock keeps changing hands`);
}

async function readHolder(lockPath: string): Promise<number | 'unreadable' | 'gone'> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : 'unreadable';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

async function ageOf(path: string): Promise<number> {
  return stat(path).then(
    (s) => Date.now() - s.mtimeMs,
    () => Number.POSITIVE_INFINITY,
  );
}
