import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecbotError } from '@secbot/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog } from '../src/audit-log.js';
import { fileSink } from '../src/file-sink.js';
import { type AuditQueryMatch, type MalformedLine, queryAuditLog } from '../src/query.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'secbot-query-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const key = randomBytes(32);

async function writeLog(path: string, n: number, rotateBytes?: number, start = 0): Promise<void> {
  let clock = 1_000_000 + start * 1000;
  const log = createAuditLog({
    sink: fileSink({ path, ...(rotateBytes === undefined ? {} : { rotate: { maxBytes: rotateBytes } }) }),
    key,
    now: () => clock,
  });
  for (let i = start; i < start + n; i++) {
    clock = 1_000_000 + i * 1000;
    await log.record({
      actor: { id: `user-${i % 3}`, tenantId: i % 2 === 0 ? 'acme' : 'globex' },
      action: i % 4 === 0 ? 'auth.failure' : 'transcripts.read',
      outcome: i % 5 === 0 ? 'denied' : 'success',
      requestId: `req-${i}`,
    });
  }
  await log.close();
}

async function collect(iterable: AsyncIterable<AuditQueryMatch>): Promise<AuditQueryMatch[]> {
  const out: AuditQueryMatch[] = [];
  for await (const line of iterable) out.push(line);
  return out;
}

describe('queryAuditLog', () => {
  it('streams every event across rotated files, in seq order', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeLog(path, 60, 2048);
    expect(readdirSync(dir).length).toBeGreaterThan(3);
    const query = queryAuditLog({ path });
    const all = await collect(query);
    expect(all.map((line) => line.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(query.stats.files).toBe(readdirSync(dir).length);
    expect(query.stats.malformed).toBe(0);
    expect(all[0]?.file).toBe(`${path}.1`);
    expect(all.at(-1)?.file).toBe(path);
  });

  it('filters by actor, action (exact and prefix), outcome, tenant, request and time', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeLog(path, 40, 4096);
    const seqs = async (filter: Parameters<typeof queryAuditLog>[0]['filter']): Promise<number[]> =>
      (await collect(queryAuditLog({ path, filter }))).map((line) => line.seq);
    const i = (seq: number): number => seq - 1;
    expect(await seqs({ actor: 'user-1' })).toEqual(
      Array.from({ length: 40 }, (_, k) => k + 1).filter((s) => i(s) % 3 === 1),
    );
    expect((await seqs({ action: 'auth.failure' })).length).toBe(10);
    expect((await seqs({ action: 'auth.*' })).length).toBe(10);
    expect((await seqs({ action: 'auth' })).length).toBe(0);
    expect((await seqs({ outcome: 'denied' })).length).toBe(8);
    expect((await seqs({ tenantId: 'globex' })).length).toBe(20);
    expect(await seqs({ requestId: 'req-7' })).toEqual([8]);
    expect(await seqs({ from: 1_000_000 + 10_000, to: new Date(1_000_000 + 13_000) })).toEqual([11, 12, 13]);
    expect(await seqs({ from: new Date(1_000_000 + 38_000).toISOString() })).toEqual([39, 40]);
    expect(await seqs({ actor: 'user-0', outcome: 'denied', tenantId: 'acme' })).toEqual([1, 31]);
  });

  it('stops at the limit', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeLog(path, 30, 2048);
    const got = await collect(queryAuditLog({ path, limit: 5, filter: { actor: 'user-2' } }));
    expect(got.map((line) => line.seq)).toEqual([3, 6, 9, 12, 15]);
  });

  it('skips and reports garbage, oversized and torn lines without crashing', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeLog(path, 10);
    appendFileSync(path, 'not json at all\n\n{"event":{}}\n');
    appendFileSync(path, `${'x'.repeat(5000)}\n`);
    appendFileSync(path, Buffer.from([0xff, 0xfe, 0x00, 0x0a]));
    await writeLog(join(dir, 'other.jsonl'), 1);
    appendFileSync(path, '{"event":{"action":"torn');
    const malformed: MalformedLine[] = [];
    const query = queryAuditLog({ path, maxLineBytes: 1024, onMalformed: (line) => malformed.push(line) });
    const got = await collect(query);
    expect(got.length).toBe(10);
    expect(query.stats.malformed).toBe(6);
    expect(malformed.map((m) => m.reason)).toEqual([
      'not a log line',
      'not a log line',
      'not a log line',
      'too long',
      'not a log line',
      'unterminated',
    ]);
    expect(malformed[0]).toEqual({ file: path, lineNumber: 11, reason: 'not a log line' });
  });

  it('reads a line split across read chunks, with multi-byte characters intact', async () => {
    const path = join(dir, 'audit.jsonl');
    const log = createAuditLog({ sink: fileSink({ path }), key });
    const text = 'é漢字🙂'.repeat(200);
    for (let i = 0; i < 300; i++)
      await log.record({ actor: { id: `u${i}` }, action: 'a', outcome: 'success', reason: text });
    await log.close();
    const got = await collect(queryAuditLog({ path }));
    expect(got.length).toBe(300);
    expect(got.every((line) => line.event.reason === text)).toBe(true);
  });

  it('yields nothing for a missing log and no files', async () => {
    const query = queryAuditLog({ path: join(dir, 'missing.jsonl') });
    expect(await collect(query)).toEqual([]);
    expect(query.stats.files).toBe(0);
  });

  it('does not yield a line twice when files overlap (a file rotated during the query)', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeLog(path, 5);
    // A copy of the same lines as a rotated file: the chain order says they were seen already.
    writeFileSync(`${path}.1`, (await import('node:fs')).readFileSync(path));
    const got = await collect(queryAuditLog({ path }));
    expect(got.map((line) => line.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses bad options at once with CONFIG_INVALID naming the path', () => {
    const bad = [
      { path: '' },
      { path: 'x', limit: 0 },
      { path: 'x', filter: { outcome: 'maybe' } },
      { path: 'x', filter: { from: 'yesterday-ish' } },
      { path: 'x', filter: { nope: 1 } },
    ];
    for (const options of bad) {
      try {
        queryAuditLog(options as never);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(SecbotError);
        expect((error as SecbotError).code).toBe('CONFIG_INVALID');
      }
    }
  });
});
