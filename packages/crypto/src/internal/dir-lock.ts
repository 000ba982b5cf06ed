import { open, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SecbotError } from '@secbot/core';
import { createKeyLock } from './key-lock.js';

// One lock per directory, shared by every instance in this process (so two stores opened on one
// directory still take turns), plus a lock file that other processes on the host respect.
const inProcess = createKeyLock();
const staleAfterMs = 30_000;
const timeoutMs = 10_000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function acquireFile(path: string): Promise<void> {
  const started = Date.now();
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SecbotError('STORE_UNAVAILABLE', 'file store: the directory lock cannot be taken', {
          cause: error,
        });
      }
    }
    // a lock left by a crashed process is taken over once it is old enough
    const age = await stat(path).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > staleAfterMs) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      throw new SecbotError('STORE_UNAVAILABLE', 'file store: timed out waiting for the directory lock');
    }
    await sleep(wait);
  }
}

/** Run `task` holding the lock of `dir`, within this process and across processes on this host. */
export function withDirLock<T>(dir: string, task: () => Promise<T>): Promise<T> {
  const absolute = resolve(dir);
  return inProcess.run(absolute, async () => {
    const lockFile = join(absolute, '.secbot.lock');
    await acquireFile(lockFile);
    try {
      return await task();
    } finally {
      await unlink(lockFile).catch(() => undefined);
    }
  });
}
