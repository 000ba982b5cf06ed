import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditGenesis } from '../src/audit-line.js';
import { createAuditLog } from '../src/audit-log.js';
import { fileSink } from '../src/file-sink.js';
import { verifyAuditLog } from '../src/verify-audit-log.js';
import { event, keyA, readLines, tempDir } from './helpers.js';

async function writeLog(path: string, count: number): Promise<void> {
  const log = createAuditLog({ sink: fileSink({ path }), key: keyA });
  for (let i = 1; i <= count; i++) await log.record(event(i));
  await log.close();
}

describe('fileSink', () => {
  it('opens an empty or missing file at genesis, creating directories', async () => {
    const path = join(tempDir(), 'nested', 'dir', 'audit.jsonl');
    const sink = fileSink({ path });
    expect(await sink.open(auditGenesis)).toEqual({ seq: 0, head: auditGenesis, recoveredTornLine: false });
    await sink.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('cuts a torn last line (no newline) and continues the chain', async () => {
    const path = join(tempDir(), 'audit.jsonl');
    await writeLog(path, 3);
    const lines = readLines(path);
    appendFileSync(path, (lines[2] as string).slice(0, 40));
    const log = createAuditLog({ sink: fileSink({ path }), key: keyA });
    expect(await log.ready()).toMatchObject({ seq: 3, recoveredTornLine: true });
    await log.record(event(4));
    await log.close();
    expect(readLines(path)).toHaveLength(4);
    expect(await verifyAuditLog({ path, key: keyA })).toMatchObject({ ok: true, count: 4, tornTail: false });
  });

  it('cuts a final line that ends in a newline but is not JSON (zeros after a crash)', async () => {
    const path = join(tempDir(), 'audit.jsonl');
    await writeLog(path, 2);
    appendFileSync(path, Buffer.concat([Buffer.alloc(100), Buffer.from('\n')]));
    const sink = fileSink({ path });
    expect(await sink.open(auditGenesis)).toMatchObject({ seq: 2, recoveredTornLine: true });
    await sink.close();
    expect(readFileSync(path, 'utf8').endsWith('}\n')).toBe(true);
  });

  it('refuses a file that does not end in log lines', async () => {
    const path = join(tempDir(), 'audit.jsonl');
    writeFileSync(path, 'not a log\nstill not\n');
    await expect(fileSink({ path }).open(auditGenesis)).rejects.toMatchObject({ code: 'AUDIT_CHAIN_BROKEN' });
  });

  it('rotates by size and by time; the chain continues across files and after a crash between rename and create', async () => {
    const dir = tempDir();
    const path = join(dir, 'audit.jsonl');
    let t = 0;
    const log = createAuditLog({
      sink: fileSink({ path, rotate: { intervalMs: 1000 }, now: () => t }),
      key: keyA,
    });
    await log.record(event(1));
    t = 1500;
    await log.record(event(2)); // rotates first
    await log.close();
    expect(readLines(`${path}.1`)).toHaveLength(1);
    expect(readLines(path)).toHaveLength(1);
    // a crash right after the rename: no current file
    renameSync(path, `${path}.2`);
    const again = createAuditLog({ sink: fileSink({ path, rotate: { maxBytes: 2048 } }), key: keyA });
    expect(await again.ready()).toMatchObject({ seq: 2 });
    for (let i = 3; i <= 12; i++) await again.record(event(i));
    await again.close();
    expect(existsSync(`${path}.3`)).toBe(true);
    expect(await verifyAuditLog({ path, key: keyA })).toMatchObject({ ok: true, count: 12 });
  });

  it("one writer per file: a second sink is refused until the first closes; a dead writer's lock is taken over", async () => {
    const path = join(tempDir(), 'audit.jsonl');
    const first = fileSink({ path });
    await first.open(auditGenesis);
    expect(readFileSync(`${path}.lock`, 'utf8').trim()).toBe(String(process.pid));
    const second = fileSink({ path });
    await expect(second.open(auditGenesis)).rejects.toMatchObject({
      code: 'AUDIT_WRITE_FAILED',
      message: expect.stringContaining('one writer per file'),
    });
    await first.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
    const third = fileSink({ path });
    await third.open(auditGenesis);
    await third.close();
    // a writer killed with -9 leaves its lock behind; its pid is gone, so the lock is taken over
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(`${path}.lock`, `${dead.stdout.toString()}\n`);
    const fourth = fileSink({ path });
    await fourth.open(auditGenesis);
    expect(readFileSync(`${path}.lock`, 'utf8').trim()).toBe(String(process.pid));
    await fourth.close();
    // a lock held by a live process (here: our parent) is refused
    writeFileSync(`${path}.lock`, `${process.ppid}\n`);
    await expect(fileSink({ path }).open(auditGenesis)).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
  });

  it('concurrent appends land in call order, each resolving after the ones before it', async () => {
    const path = join(tempDir(), 'audit.jsonl');
    const sink = fileSink({ path });
    await sink.open(auditGenesis);
    const settled: number[] = [];
    const appends = Array.from({ length: 20 }, (_, i) =>
      sink.append([`line-${i}-a`, `line-${i}-b`]).then(() => settled.push(i)),
    );
    await Promise.all(appends);
    await sink.close();
    expect(settled).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(readLines(path)).toEqual(
      Array.from({ length: 20 }, (_, i) => [`line-${i}-a`, `line-${i}-b`]).flat(),
    );
  });

  it('an append after close is refused with AUDIT_WRITE_FAILED and writes nothing', async () => {
    const path = join(tempDir(), 'audit.jsonl');
    const sink = fileSink({ path });
    await sink.open(auditGenesis);
    await sink.append(['first']);
    await sink.close();
    await expect(sink.append(['late'])).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
    expect(readLines(path)).toEqual(['first']);
  });

  it('validates options', () => {
    expect(() => fileSink({ path: '' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => fileSink({ path: 'x', rotate: { maxBytes: 1 } })).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: 'rotate.maxBytes' })] }),
    );
  });
});
