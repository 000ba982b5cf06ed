import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSecbotError } from '@secbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnvelope, fileKeyringStore, localKeyProvider } from '../src/index.js';

const keyProvider = localKeyProvider({ keys: [{ id: 'kek-1', key: randomBytes(32) }] });
const context = { tenant: 'acme', collection: 'c', recordId: 'r' };
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'secbot-keyring-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('fileKeyringStore', () => {
  // Two stores opened on one directory used to race: temp files named by pid and time collided,
  // and a key could be acknowledged yet missing from the file, unreadable for any later process.
  it('never loses a data key when two stores on one directory create keys at once', async () => {
    for (let trial = 0; trial < 15; trial++) {
      const dir = tempDir();
      const a = createEnvelope({ keyProvider, keyStore: fileKeyringStore({ dir }) });
      const b = createEnvelope({ keyProvider, keyStore: fileKeyringStore({ dir }) });
      const results = await Promise.allSettled([
        a.seal('one', context),
        b.seal('two', context),
        a.rotate(context),
        b.rotate(context),
      ]);
      const fresh = createEnvelope({ keyProvider, keyStore: fileKeyringStore({ dir }) });
      for (const result of results.slice(0, 2)) {
        if (result.status === 'rejected') {
          expect(isSecbotError(result.reason), String(result.reason)).toBe(true);
          continue;
        }
        const plain = new TextDecoder().decode(await fresh.open(result.value as Uint8Array, context));
        expect(['one', 'two']).toContain(plain);
      }
      expect(readdirSync(dir).filter((name) => name.endsWith('.tmp') || name === '.secbot.lock')).toEqual([]);
    }
  });

  it('refuses corrupt and foreign files with CONFIG_INVALID, from load and from scopes()', async () => {
    const dir = tempDir();
    const store = fileKeyringStore({ dir });
    const envelope = createEnvelope({ keyProvider, keyStore: store });
    await envelope.seal('x', context);
    const [file] = readdirSync(dir).filter((name) => name.endsWith('.json'));
    writeFileSync(join(dir, file as string), '{ not json');
    const fresh = createEnvelope({ keyProvider, keyStore: fileKeyringStore({ dir }) });
    await expect(fresh.seal('y', context)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(store.scopes()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    writeFileSync(
      join(dir, file as string),
      JSON.stringify({ scope: 'tenant:other', revision: 1, records: [] }),
    );
    await expect(store.load('tenant:acme')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('takes over a lock file left by a crashed process once it is stale, and not before', async () => {
    const dir = tempDir();
    const store = fileKeyringStore({ dir });
    await store.load('x');
    writeFileSync(join(dir, '.secbot.lock'), '99999');
    const started = Date.now();
    const pending = store.save('tenant:a', [], 0);
    // a fresh lock is respected: the save waits
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { utimesSync } = await import('node:fs');
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, '.secbot.lock'), old, old);
    expect(await pending).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });
});
