import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEventBus } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { type AuditCheckpoint, parseAuditLine } from '../src/audit-line.js';
import { createAuditLog } from '../src/audit-log.js';
import { fileSink } from '../src/file-sink.js';
import { canonicalJson } from '../src/internal/canonical-json.js';
import { formatLine } from '../src/internal/line-codec.js';
import { compileMacKeys } from '../src/internal/mac-keys.js';
import { verifyAuditLog } from '../src/verify-audit-log.js';
import { event, keyA, keyB, readLines, signer, tempDir, writeLines } from './helpers.js';

async function writeLog(
  path: string,
  count: number,
  key: string | string[] = keyA,
  extra: Partial<Parameters<typeof createAuditLog>[0]> = {},
): Promise<void> {
  const log = createAuditLog({ sink: fileSink({ path }), key, ...extra });
  await Promise.all(Array.from({ length: count }, (_, i) => log.record(event(i + 1))));
  await log.close();
}

async function tenLines(): Promise<{ path: string; lines: string[] }> {
  const path = join(tempDir(), 'audit.jsonl');
  await writeLog(path, 10);
  return { path, lines: readLines(path) };
}

const at = (lines: string[], i: number): string => lines[i] as string;

// Every case runs twice: checked in this thread, and by two worker threads in chunks of about 1 KiB
// (a few lines each), so that a problem at a chunk's first line, inside a chunk and between chunks
// gives the same report as the sequential path.
const modes = [
  { name: 'in-thread', options: { workers: 0 } },
  { name: 'worker threads, small chunks', options: { workers: 2, chunkBytes: 1024 } },
] as const;

describe.each(modes)('verifyAuditLog ($name)', ({ options: mode }) => {
  const verify = (options: Parameters<typeof verifyAuditLog>[0]) => verifyAuditLog({ ...options, ...mode });

  describe(' detects tampering at the exact first bad seq', () => {
    it('a changed byte: hash-mismatch', async () => {
      const { path, lines } = await tenLines();
      lines[3] = at(lines, 3).replace('user-4', 'user-X');
      writeLines(path, lines);
      expect((await verify({ path, key: keyA })).error).toMatchObject({
        seq: 4,
        reason: 'hash-mismatch',
        line: 4,
      });
    });

    it('a changed byte in the seq, ts, prev or kid field: hash-mismatch', async () => {
      for (const [from, to] of [
        ['"seq":6', '"seq":7'],
        ['"ts":', '"ts":1'],
      ] as const) {
        const { path, lines } = await tenLines();
        lines[5] = at(lines, 5).replace(from, to);
        writeLines(path, lines);
        expect((await verify({ path, key: keyA })).error).toMatchObject({
          seq: 6,
          reason: 'hash-mismatch',
        });
      }
    });

    it('a changed line with its hash recomputed but no key: mac-mismatch', async () => {
      const { path, lines } = await tenLines();
      const original = parseAuditLine(at(lines, 4));
      if (original?.event === undefined) throw new Error('unreachable');
      const forged = formatLine(
        'event',
        canonicalJson({ ...original.event, outcome: 'denied' }),
        original.seq,
        original.ts,
        original.prev,
        original.kid,
        () => original.mac, // reuse the old MAC: the attacker cannot compute a new one
      );
      lines[4] = forged.line;
      writeLines(path, lines);
      expect((await verify({ path, key: keyA })).error).toMatchObject({
        seq: 5,
        reason: 'mac-mismatch',
      });
    });

    it('a deleted line: seq-mismatch at the missing seq', async () => {
      const { path, lines } = await tenLines();
      lines.splice(6, 1);
      writeLines(path, lines);
      const report = await verify({ path, key: keyA });
      expect(report).toMatchObject({ ok: false, count: 6 });
      expect(report.error).toMatchObject({ seq: 7, reason: 'seq-mismatch' });
    });

    it('an inserted duplicate (replayed) line: seq-mismatch', async () => {
      const { path, lines } = await tenLines();
      lines.splice(3, 0, at(lines, 2));
      writeLines(path, lines);
      expect((await verify({ path, key: keyA })).error).toMatchObject({
        seq: 4,
        reason: 'seq-mismatch',
      });
    });

    it('an inserted forged line under another key: unknown-key', async () => {
      const { path, lines } = await tenLines();
      const prev = parseAuditLine(at(lines, 2));
      const other = compileMacKeys([new TextEncoder().encode(keyB)], 't').current;
      const forged = formatLine(
        'event',
        canonicalJson(event(99)),
        4,
        1,
        prev?.hash ?? '',
        other.kid,
        other.mac,
      );
      lines.splice(3, 0, forged.line);
      writeLines(path, lines);
      expect((await verify({ path, key: keyA })).error).toMatchObject({
        seq: 4,
        reason: 'unknown-key',
      });
    });

    it('reordered lines: seq-mismatch at the first swapped position', async () => {
      const { path, lines } = await tenLines();
      [lines[7], lines[8]] = [at(lines, 8), at(lines, 7)];
      writeLines(path, lines);
      expect((await verify({ path, key: keyA })).error).toMatchObject({
        seq: 8,
        reason: 'seq-mismatch',
      });
    });

    it('a line spliced in from another log under the same key: prev-mismatch', async () => {
      const { path, lines } = await tenLines();
      const otherPath = join(tempDir(), 'other.jsonl');
      await writeLog(otherPath, 10, keyA, { now: () => 1 }); // same key and events, other timestamps
      lines[5] = at(readLines(otherPath), 5); // a genuine line 6, but of another chain
      writeLines(path, lines);
      expect((await verify({ path, key: keyA })).error).toMatchObject({
        seq: 6,
        reason: 'prev-mismatch',
      });
    });

    it('a full rewrite under another key: unknown-key at seq 1', async () => {
      const path = join(tempDir(), 'audit.jsonl');
      await writeLog(path, 5, keyB);
      expect((await verify({ path, key: keyA })).error).toMatchObject({
        seq: 1,
        reason: 'unknown-key',
      });
    });

    it('a truncated tail is invisible without anchors, and caught with them', async () => {
      const path = join(tempDir(), 'audit.jsonl');
      const anchored: AuditCheckpoint[] = [];
      await writeLog(path, 10, keyA, {
        checkpoint: { every: 4, privateKey: signer.privateKey, anchor: async (c) => void anchored.push(c) },
      });
      // 10 events + checkpoints after lines 4, 9 (covering 4 and 8 lines before them) + final on close
      const lines = readLines(path);
      expect(anchored.map((c) => c.size)).toEqual([4, 9, 12]);
      const full = await verify({ path, key: keyA, publicKey: signer.publicKey, anchors: anchored });
      expect(full).toMatchObject({ ok: true, count: 13, checkpoints: 3 });

      writeLines(path, lines.slice(0, 8)); // cut back before the checkpoint at line 10 and the final one
      expect(await verify({ path, key: keyA })).toMatchObject({ ok: true, count: 8 });
      const cut = await verify({ path, key: keyA, publicKey: signer.publicKey, anchors: anchored });
      expect(cut).toMatchObject({ ok: false, count: 8 });
      expect(cut.error).toMatchObject({ seq: 9, reason: 'truncated' });
    });

    it('a rewrite by a holder of the MAC key: anchor-mismatch', async () => {
      const path = join(tempDir(), 'audit.jsonl');
      const anchored: AuditCheckpoint[] = [];
      await writeLog(path, 6, keyA, {
        checkpoint: { every: 100, privateKey: signer.privateKey, anchor: async (c) => void anchored.push(c) },
      });
      rmSync(path);
      await writeLog(path, 8, keyA); // same key, other history
      const report = await verify({ path, key: keyA, anchors: anchored });
      expect(anchored.map((c) => c.size)).toEqual([6]); // the final checkpoint, written by close()
      expect(report.error).toMatchObject({ seq: 6, reason: 'anchor-mismatch' });
    });

    it('checkpoint signatures: a wrong public key and a forged anchor are reported', async () => {
      const path = join(tempDir(), 'audit.jsonl');
      const anchored: AuditCheckpoint[] = [];
      await writeLog(path, 3, keyA, {
        checkpoint: { privateKey: signer.privateKey, anchor: async (c) => void anchored.push(c) },
      });
      const other = generateKeyPairSync('ed25519');
      expect((await verify({ path, key: keyA, publicKey: other.publicKey })).error).toMatchObject({
        seq: 4,
        reason: 'checkpoint-signature',
      });
      const forged = { ...(anchored[0] as AuditCheckpoint), size: 2 };
      expect(
        (await verify({ path, key: keyA, publicKey: signer.publicKey, anchors: [forged] })).error,
      ).toMatchObject({ seq: 2, reason: 'anchor-invalid' });
    });
  });

  describe(' across rotated files', () => {
    async function rotatedLog(): Promise<{ path: string; files: string[] }> {
      const dir = tempDir();
      const path = join(dir, 'audit.jsonl');
      const log = createAuditLog({ sink: fileSink({ path, rotate: { maxBytes: 1024 } }), key: keyA });
      for (let i = 1; i <= 12; i++) await log.record(event(i));
      await log.close();
      const files = [`${path}.1`, `${path}.2`, `${path}.3`];
      return { path, files };
    }

    it('follows the chain through every file', async () => {
      const { path } = await rotatedLog();
      const report = await verify({ path, key: keyA });
      expect(report.ok).toBe(true);
      expect(report.count).toBe(12);
      expect(report.files).toBeGreaterThan(3);
      // the first line of the second file carries the last hash of the first
      const first = readLines(`${path}.1`);
      const second = readLines(`${path}.2`);
      expect(parseAuditLine(at(second, 0))?.prev).toBe(parseAuditLine(at(first, first.length - 1))?.hash);
    });

    it('a deleted rotated file: seq-mismatch at the first missing seq', async () => {
      const { path } = await rotatedLog();
      const missing = parseAuditLine(at(readLines(`${path}.2`), 0))?.seq;
      rmSync(`${path}.2`);
      expect((await verify({ path, key: keyA })).error).toMatchObject({
        seq: missing,
        reason: 'seq-mismatch',
      });
    });

    it('a rotated file cut short: seq-mismatch; cut mid-line: torn-line', async () => {
      const { path } = await rotatedLog();
      const lines = readLines(`${path}.1`);
      writeLines(`${path}.1`, lines.slice(0, -1));
      expect((await verify({ path, key: keyA })).error).toMatchObject({
        seq: lines.length,
        reason: 'seq-mismatch',
      });
      writeFileSync(
        `${path}.1`,
        `${lines.slice(0, -1).join('\n')}\n${at(lines, lines.length - 1).slice(0, 30)}`,
      );
      expect((await verify({ path, key: keyA })).error).toMatchObject({
        seq: lines.length,
        reason: 'torn-line',
      });
    });
  });

  describe(' on damaged input reports, never throws', () => {
    it('tolerates only a torn final line', async () => {
      const { path, lines } = await tenLines();
      appendFileSync(path, at(lines, 9).slice(0, 50));
      expect(await verify({ path, key: keyA })).toMatchObject({ ok: true, count: 10, tornTail: true });
    });

    it('garbage, empty, missing, directories and blank lines', async () => {
      const dir = tempDir();
      const path = join(dir, 'audit.jsonl');
      expect(await verify({ path, key: keyA })).toMatchObject({
        ok: false,
        error: { reason: 'missing' },
      });
      writeFileSync(path, '');
      expect(await verify({ path, key: keyA })).toMatchObject({ ok: true, count: 0, files: 1 });
      writeFileSync(path, 'hello\nworld\n');
      expect(await verify({ path, key: keyA })).toMatchObject({
        ok: false,
        error: { seq: 1, reason: 'malformed-line' },
      });
      writeFileSync(path, '\n');
      expect((await verify({ path, key: keyA })).error?.reason).toBe('malformed-line');
      writeFileSync(path, Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0x7b, 0x0a]));
      expect((await verify({ path, key: keyA })).error?.reason).toBe('malformed-line');
      rmSync(path);
      mkdirSync(path);
      expect((await verify({ path, key: keyA })).error?.reason).toBe('read-failed');
    });

    it('a blank line inside a good log', async () => {
      const { path, lines } = await tenLines();
      lines.splice(2, 0, '');
      writeLines(path, lines);
      expect((await verify({ path, key: keyA })).error).toMatchObject({
        seq: 3,
        reason: 'malformed-line',
      });
    });

    it('emits audit.chain_broken on the bus', async () => {
      const { path, lines } = await tenLines();
      writeLines(path, lines.slice(1));
      const bus = createEventBus();
      const seen: unknown[] = [];
      bus.on('audit.chain_broken', (e) => void seen.push(e));
      await verify({ path, key: keyA, bus });
      expect(seen).toEqual([expect.objectContaining({ seq: 1, reason: 'seq-mismatch', source: path })]);
    });

    it('bad options are CONFIG_INVALID naming the path', async () => {
      await expect(verify({ path: 'x', key: 'short' })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        issues: [expect.objectContaining({ path: 'key[0]' })],
      });
      await expect(verify({ path: 'x', key: keyA, publicKey: 'not a key' })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        issues: [expect.objectContaining({ path: 'publicKey' })],
      });
    });
  });

  describe('MAC key rotation', () => {
    it('old lines verify with the old key still in the list', async () => {
      const path = join(tempDir(), 'audit.jsonl');
      await writeLog(path, 3, keyA);
      await writeLog(path, 3, [keyB, keyA]);
      const kids = readLines(path).map((line) => parseAuditLine(line)?.kid);
      expect(new Set(kids.slice(0, 3)).size).toBe(1);
      expect(kids[3]).not.toBe(kids[0]);
      expect(await verify({ path, key: [keyB, keyA] })).toMatchObject({ ok: true, count: 6 });
      expect((await verify({ path, key: keyB })).error).toMatchObject({
        seq: 1,
        reason: 'unknown-key',
      });
      expect((await verify({ path, key: keyA })).error).toMatchObject({
        seq: 4,
        reason: 'unknown-key',
      });
    });
  });
});
