import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isSecbotError } from '@secbot/core';
import { afterAll, describe, expect, it } from 'vitest';
import { fileKvStore } from '../src/file-kv-store.js';
import { codeOf, collect, hostileKeys, runKvStoreSuite } from './kv-store-suite.js';

const root = mkdtempSync(join(tmpdir(), 'secbot-file-kv-'));
let counter = 0;
const freshDir = (): string => join(root, `store-${counter++}`);
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const fileName = (key: string): string => `${createHash('sha256').update(key, 'utf8').digest('hex')}.kv`;
const posix = process.platform !== 'win32';

afterAll(() => rmSync(root, { recursive: true, force: true }));

function issuePaths(options: unknown): string[] {
  try {
    fileKvStore(options as never);
  } catch (error) {
    if (isSecbotError(error, 'CONFIG_INVALID')) return error.issues?.map((issue) => issue.path) ?? [];
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

runKvStoreSuite('fileKvStore', () => fileKvStore({ dir: freshDir() }), { compareAndSet: true });

describe('fileKvStore', () => {
  it('writes one file per key, named by the SHA-256 of the key, holding the key', async () => {
    const dir = freshDir();
    const kv = fileKvStore({ dir });
    await kv.set('conversation:42', bytes('state'));
    expect(readdirSync(dir)).toEqual([fileName('conversation:42')]);
    const content = readFileSync(join(dir, fileName('conversation:42')));
    expect(content.subarray(0, 5)).toEqual(Buffer.from([0x53, 0x42, 0x4b, 0x56, 1]));
    expect(content.includes(Buffer.from('conversation:42'))).toBe(true);
    expect(content.subarray(content.length - 5).toString()).toBe('state');
  });

  it.runIf(posix)('creates the directory with mode 700 and files with mode 600', async () => {
    const dir = join(freshDir(), 'nested');
    const kv = fileKvStore({ dir });
    await kv.set('k', bytes('v'));
    await kv.set('k', bytes('v2'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
  });

  it('keeps hostile keys inside its directory', async () => {
    const parent = freshDir();
    const dir = join(parent, 'inner');
    const kv = fileKvStore({ dir });
    for (const key of hostileKeys) await kv.set(key, bytes('v'));
    expect(readdirSync(parent)).toEqual(['inner']);
    expect(readdirSync(dir).sort()).toEqual(hostileKeys.map(fileName).sort());
  });

  it('persists across instances, and two instances over one directory agree', async () => {
    const dir = freshDir();
    await fileKvStore({ dir }).set('k', bytes('durable'));
    const again = fileKvStore({ dir });
    expect(new TextDecoder().decode(await again.get('k'))).toBe('durable');
    const other = fileKvStore({ dir });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 === 0 ? again : other).compareAndSet?.('k', bytes('durable'), bytes(`w${i}`)),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('compareAndSet is atomic across processes: no increment is lost', async () => {
    const dir = freshDir();
    const kv = fileKvStore({ dir });
    const script = fileURLToPath(new URL('./fixtures/kv-increment.ts', import.meta.url));
    const workspace = fileURLToPath(new URL('../../..', import.meta.url));
    // three processes start together and each adds 40 by compare-and-set
    const startAt = String(Date.now() + 2_000);
    const child = () =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', script, dir, '40', startAt], {
        cwd: workspace,
      });
    await Promise.all([child(), child(), child()]);
    expect(new TextDecoder().decode(await kv.get('counter'))).toBe('120');
    expect(readdirSync(dir)).toEqual([fileName('counter')]); // no lock or temporary file left
  }, 60_000);

  it('leaves no temporary files behind', async () => {
    const dir = freshDir();
    const kv = fileKvStore({ dir });
    await Promise.all(Array.from({ length: 20 }, (_, i) => kv.set(`k${i % 4}`, bytes(`v${i}`))));
    await kv.delete('k0');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(dir)).toHaveLength(3);
  });

  it('ignores temporary and foreign files when listing keys', async () => {
    const dir = freshDir();
    const kv = fileKvStore({ dir });
    await kv.set('real', bytes('v'));
    writeFileSync(join(dir, `.${fileName('real')}.0123456789abcdef.tmp`), 'half-written');
    writeFileSync(join(dir, 'README.txt'), 'not a value');
    mkdirSync(join(dir, 'subdir'));
    expect(await collect(kv.keys())).toEqual(['real']);
  });

  it('refuses a file that holds another key (a renamed or swapped file) with CONFIG_INVALID', async () => {
    const dir = freshDir();
    const kv = fileKvStore({ dir });
    await kv.set('alice', bytes('alice value'));
    await kv.set('bob', bytes('bob value'));
    const alice = readFileSync(join(dir, fileName('alice')));
    const bob = readFileSync(join(dir, fileName('bob')));
    writeFileSync(join(dir, fileName('alice')), bob);
    writeFileSync(join(dir, fileName('bob')), alice);
    expect(await codeOf(() => kv.get('alice'))).toBe('CONFIG_INVALID');
    expect(await codeOf(() => collect(kv.keys()))).toBe('CONFIG_INVALID');
  });

  it('refuses corrupt files with CONFIG_INVALID naming the file, never as empty', async () => {
    const dir = freshDir();
    const kv = fileKvStore({ dir });
    const path = join(dir, fileName('k'));
    const corruptions: Uint8Array[] = [
      new Uint8Array(0),
      bytes('SBK'),
      bytes('XXXX\u0001\u0000\u0001k'),
      Uint8Array.from([0x53, 0x42, 0x4b, 0x56, 2, 0, 1, 0x6b]), // unknown version
      Uint8Array.from([0x53, 0x42, 0x4b, 0x56, 1, 0, 0]), // empty key
      Uint8Array.from([0x53, 0x42, 0x4b, 0x56, 1, 0, 9, 0x6b]), // truncated key
      Uint8Array.from([0x53, 0x42, 0x4b, 0x56, 1, 0xff, 0xff, 0x6b]), // oversized key length
      Uint8Array.from([0x53, 0x42, 0x4b, 0x56, 1, 0, 1, 0xff]), // key not UTF-8
    ];
    for (const content of corruptions) {
      writeFileSync(path, content);
      let caught: unknown;
      await kv.get('k').catch((error: unknown) => {
        caught = error;
      });
      expect(isSecbotError(caught, 'CONFIG_INVALID')).toBe(true);
      expect((caught as Error).message).toContain(fileName('k'));
    }
  });

  it('fails a write with STORE_UNAVAILABLE when the directory is gone, keeping no partial file', async () => {
    const dir = freshDir();
    const kv = fileKvStore({ dir });
    await kv.set('k', bytes('old'));
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'now a file');
    expect(await codeOf(() => kv.set('k', bytes('new')))).toBe('STORE_UNAVAILABLE');
    expect(await codeOf(() => kv.get('k'))).toBe('STORE_UNAVAILABLE');
    expect(await codeOf(() => collect(kv.keys()))).toBe('STORE_UNAVAILABLE');
    expect(await codeOf(() => kv.delete('k'))).toBe('STORE_UNAVAILABLE');
  });

  it('validates options with CONFIG_INVALID naming the path', () => {
    expect(issuePaths(undefined)).toEqual(['']);
    expect(issuePaths({})).toEqual(['dir']);
    expect(issuePaths({ dir: '' })).toEqual(['dir']);
    expect(issuePaths({ dir: 42 })).toEqual(['dir']);
    expect(issuePaths({ dir: freshDir(), extra: true })).toEqual(['']);
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    expect(issuePaths({ dir: file })).toEqual(['dir']);
  });

  it.runIf(posix)('refuses an existing directory that group or others may access', () => {
    const dir = freshDir();
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    expect(issuePaths({ dir })).toEqual(['dir']);
    chmodSync(dir, 0o700);
    expect(() => fileKvStore({ dir })).not.toThrow();
  });
});
