import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseAuditLine } from '../src/audit-line.js';
import { createAuditLog } from '../src/audit-log.js';
import { stdoutSink } from '../src/stdout-sink.js';
import { event, keyA } from './helpers.js';

describe('stdoutSink', () => {
  it('writes one line per record to the stream and resumes a chain', async () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    const log = createAuditLog({ sink: stdoutSink({ stream }), key: keyA });
    await Promise.all([log.record(event(1)), log.record(event(2))]);
    await log.close();
    const lines = text.trimEnd().split('\n');
    expect(lines.map((line) => parseAuditLine(line)?.seq)).toEqual([1, 2]);
    const last = parseAuditLine(lines[1] as string);
    const resumed = createAuditLog({
      sink: stdoutSink({ stream, resume: { seq: 2, head: last?.hash ?? '' } }),
      key: keyA,
    });
    expect(await resumed.record(event(3))).toMatchObject({ seq: 3 });
    await resumed.close();
    expect(parseAuditLine(text.trimEnd().split('\n')[2] as string)?.prev).toBe(last?.hash);
  });

  it('a failing stream rejects with AUDIT_WRITE_FAILED', async () => {
    const stream = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('EPIPE'));
      },
    });
    stream.on('error', () => undefined);
    const log = createAuditLog({ sink: stdoutSink({ stream }), key: keyA });
    await expect(log.record(event(1))).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
    await log.close();
  });
});
