import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditGenesis, parseAuditLine } from '../src/audit-line.js';
import { createAuditLog } from '../src/audit-log.js';
import { fileSink } from '../src/file-sink.js';
import { memorySink } from '../src/memory-sink.js';
import { verifyAuditLog } from '../src/verify-audit-log.js';
import { event, keyA, readLines, tempDir } from './helpers.js';

describe('record / verify round trip', () => {
  it('writes chained, MACed, canonical lines that verify', async () => {
    const path = join(tempDir(), 'audit.jsonl');
    let t = 1_767_225_600_000;
    const log = createAuditLog({ sink: fileSink({ path }), key: keyA, now: () => t++ });
    const receipts = [];
    for (let i = 1; i <= 5; i++) receipts.push(await log.record(event(i, { n: i, z: [1, { b: 2, a: 1 }] })));
    await log.close();
    expect(receipts.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);

    const lines = readLines(path);
    expect(lines).toHaveLength(5);
    const first = parseAuditLine(lines[0] as string);
    expect(first?.prev).toBe(auditGenesis);
    expect(first?.ts).toBe(1_767_225_600_000);
    expect(first?.kid).toMatch(/^[0-9a-f]{8}$/);
    // canonical: keys sorted at every depth, no whitespace
    expect(lines[0]).toMatch(/^\{"event":\{"action":"transcripts.read","actor":\{"id":"user-1"/);
    expect(lines[0]).toContain('"details":{"n":1,"z":[1,{"a":1,"b":2}]}');
    expect(lines[0]).not.toMatch(/\s/);
    expect(parseAuditLine(lines[1] as string)?.prev).toBe(first?.hash);
    expect(receipts[4]?.hash).toBe(parseAuditLine(lines[4] as string)?.hash);

    const report = await verifyAuditLog({ path, key: keyA });
    expect(report).toMatchObject({ ok: true, count: 5, files: 1, tornTail: false, checkpoints: 0 });
    expect(report.head).toBe(receipts[4]?.hash);
  });

  it('continues the chain when the log is reopened', async () => {
    const path = join(tempDir(), 'audit.jsonl');
    const first = createAuditLog({ sink: fileSink({ path }), key: keyA });
    await first.record(event(1));
    await first.close();
    const second = createAuditLog({ sink: fileSink({ path }), key: keyA });
    expect(await second.ready()).toMatchObject({ seq: 1, recoveredTornLine: false });
    expect((await second.record(event(2))).seq).toBe(2);
    await second.close();
    expect(await verifyAuditLog({ path, key: keyA })).toMatchObject({ ok: true, count: 2 });
  });

  it('works over the memory sink and reopens it', async () => {
    const sink = memorySink();
    const log = createAuditLog({ sink, key: keyA });
    await log.record(event(1));
    await log.close();
    const again = createAuditLog({ sink, key: keyA });
    expect((await again.record(event(2))).seq).toBe(2);
    expect(parseAuditLine(sink.lines[1] as string)?.prev).toBe(parseAuditLine(sink.lines[0] as string)?.hash);
  });
});
