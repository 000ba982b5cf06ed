import type { AuditSink } from '@secbot/core';
import { createEventBus, isSecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import type { AuditCheckpoint } from '../src/audit-line.js';
import { parseAuditLine } from '../src/audit-line.js';
import { createAuditLog } from '../src/audit-log.js';
import { memorySink } from '../src/memory-sink.js';
import { event, keyA, signer } from './helpers.js';

/** A memory sink whose appends can be made to fail, counting calls. */
function failingSink(failOnAppend: number): AuditSink & { lines: readonly string[]; calls: number } {
  const inner = memorySink();
  let calls = 0;
  let broken = false;
  return {
    get lines() {
      return inner.lines;
    },
    get calls() {
      return calls;
    },
    open: (genesis) => inner.open(genesis),
    async append(lines) {
      calls += 1;
      const call = calls; // appends overlap: this one's number, taken before the fsync
      await new Promise((resolve) => setTimeout(resolve, 5)); // an fsync
      if (call === failOnAppend) broken = true;
      // the port's contract: every append after a failed one fails too (timers fire in call order)
      if (broken) throw new Error('EIO: disk on fire');
      await inner.append(lines);
    },
    close: () => inner.close(),
  };
}

describe('group commit', () => {
  it('100 concurrent records share a few appends and are acknowledged in call order', async () => {
    const sink = memorySink();
    const log = createAuditLog({ sink, key: keyA });
    const order: number[] = [];
    const receipts = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        log.record(event(i)).then((receipt) => {
          order.push(receipt.seq);
          return receipt;
        }),
      ),
    );
    expect(receipts.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(order).toEqual(receipts.map((r) => r.seq));
    expect(sink.appends).toBeLessThanOrEqual(Math.ceil(100 / 32)); // batches of maxEvents (32)
    expect(sink.lines.map((line) => parseAuditLine(line)?.event?.requestId)).toEqual(
      Array.from({ length: 100 }, (_, i) => `req-${i}`),
    );
    await log.close();
  });

  it('a batch closes at maxEvents', async () => {
    const sink = memorySink();
    const log = createAuditLog({ sink, key: keyA, batch: { maxEvents: 10, maxDelayMs: 1000 } });
    await Promise.all(Array.from({ length: 35 }, (_, i) => log.record(event(i))));
    // 3 full batches close at once; the last 5 wait for close() or the delay
    expect(sink.appends).toBeGreaterThanOrEqual(4);
    await log.close();
    expect(sink.lines).toHaveLength(35);
  });

  it('records arriving during an append share the next one', async () => {
    const sink = failingSink(-1);
    const log = createAuditLog({ sink, key: keyA });
    const first = log.record(event(0));
    await new Promise((resolve) => setTimeout(resolve, 4)); // the first append is in flight
    const rest = Array.from({ length: 50 }, (_, i) => log.record(event(i + 1)));
    await Promise.all([first, ...rest]);
    expect(sink.calls).toBeLessThanOrEqual(3);
    await log.close();
  });
});

describe('fail closed', () => {
  it('a failed append rejects every waiting and later record; nothing acknowledged is lost', async () => {
    const sink = failingSink(2);
    const log = createAuditLog({ sink, key: keyA, batch: { maxEvents: 5 } });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => log.record(event(i))));
    const acknowledged = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.seq] : []));
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(acknowledged).toEqual([1, 2, 3, 4, 5]);
    expect(rejected).toHaveLength(15);
    for (const r of rejected) expect(isSecbotError(r.reason, 'AUDIT_WRITE_FAILED')).toBe(true);
    expect(sink.lines.map((line) => parseAuditLine(line)?.seq)).toEqual(acknowledged);
    await expect(log.record(event(99))).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
    await log.close();
    await expect(log.record(event(100))).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
  });

  it('a sink that cannot open rejects records with its error', async () => {
    const sink: AuditSink = {
      open: async () => {
        throw new Error('EACCES');
      },
      append: async () => undefined,
      close: async () => undefined,
    };
    const log = createAuditLog({ sink, key: keyA });
    await expect(log.record(event(1))).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
    await expect(log.ready()).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
    await log.close();
  });

  it('durable: false acknowledges before the write and reports the loss on close', async () => {
    const sink = failingSink(1);
    const log = createAuditLog({ sink, key: keyA, durable: false });
    const receipt = await log.record(event(1));
    expect(receipt.seq).toBe(1);
    expect(sink.lines).toHaveLength(0); // not yet written
    await expect(log.close()).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
  });
});

describe('events, redaction, bus', () => {
  it('refuses a malformed event with ARGUMENT_INVALID naming the path', async () => {
    const log = createAuditLog({ sink: memorySink(), key: keyA });
    await expect(log.record({ actor: { id: '' }, action: 'x', outcome: 'success' })).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
      message: expect.stringContaining('actor.id'),
    });
    await expect(
      log.record({ actor: { id: 'u' }, action: 'x', outcome: 'maybe' as 'success' }),
    ).rejects.toMatchObject({ code: 'ARGUMENT_INVALID', message: expect.stringContaining('outcome') });
    await log.close();
  });

  it('applies redact and validates its output', async () => {
    const sink = memorySink();
    const log = createAuditLog({
      sink,
      key: keyA,
      redact: (e) => ({ ...e, ip: '[redacted]' }),
    });
    await log.record({ ...event(1), ip: '203.0.113.9' });
    expect(sink.lines[0]).toContain('"ip":"[redacted]"');
    expect(sink.lines[0]).not.toContain('203.0.113.9');
    const broken = createAuditLog({
      sink: memorySink(),
      key: keyA,
      redact: () => {
        throw new Error('boom');
      },
    });
    await expect(broken.record(event(1))).rejects.toMatchObject({ code: 'ARGUMENT_INVALID' });
    await log.close();
    await broken.close();
  });

  it('records every security event emitted on the bus', async () => {
    const bus = createEventBus({ now: () => 42 });
    const sink = memorySink();
    const log = createAuditLog({ sink, key: keyA, bus });
    bus.emit('auth.failure', {
      provider: 'local',
      method: 'password',
      code: 'AUTH_INVALID_CREDENTIALS',
      username: 'mallory',
      ip: '198.51.100.7',
    });
    bus.emit('access.denied', {
      actor: { id: 'u1', roles: ['agent'] },
      permission: 'transcripts:export',
      reason: 'no-grant',
      target: { type: 'conversation', id: 'c1' },
      requestId: 'r1',
    });
    bus.emit('key.rotated', { keyId: 'k2', previousKeyId: 'k1', scope: 'kek' });
    await log.close();
    const events = sink.lines.map((line) => parseAuditLine(line)?.event);
    expect(events).toEqual([
      expect.objectContaining({
        action: 'auth.failure',
        actor: { id: 'mallory' },
        outcome: 'failure',
        reason: 'AUTH_INVALID_CREDENTIALS',
        ip: '198.51.100.7',
      }),
      expect.objectContaining({
        action: 'access.denied',
        actor: { id: 'u1', roles: ['agent'] },
        outcome: 'denied',
        reason: 'no-grant',
        target: { type: 'conversation', id: 'c1' },
        requestId: 'r1',
        details: { eventTs: 42, permission: 'transcripts:export', reason: 'no-grant' },
      }),
      expect.objectContaining({
        action: 'key.rotated',
        actor: { id: 'system' },
        target: { type: 'key', id: 'k2' },
      }),
    ]);
    expect(bus.listenerCount()).toBe(0); // unsubscribed on close
  });
});

describe('checkpoints', () => {
  it('checkpoint() writes a signed line and hands it to the anchor once durable', async () => {
    const sink = memorySink();
    const anchored: AuditCheckpoint[] = [];
    const log = createAuditLog({
      sink,
      key: keyA,
      logId: 'tenant-acme',
      now: () => 1000,
      checkpoint: {
        privateKey: signer.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
        anchor: async (c) => {
          expect(sink.lines).toHaveLength(c.size + 1); // its line is already stored
          anchored.push(c);
        },
      },
    });
    await log.record(event(1));
    await log.record(event(2));
    const checkpoint = await log.checkpoint();
    expect(checkpoint).toMatchObject({ log: 'tenant-acme', size: 2, ts: 1000 });
    expect(anchored).toEqual([checkpoint]);
    const line = parseAuditLine(sink.lines[2] as string);
    expect(line?.checkpoint).toEqual({ ...checkpoint, ts: undefined });
    expect(line?.prev).toBe(checkpoint.head);
    await log.close(); // nothing new since: no final checkpoint
    expect(sink.lines).toHaveLength(3);
  });

  it('an anchor failure rejects checkpoint() with AUDIT_WRITE_FAILED and goes to onAnchorError otherwise', async () => {
    const errors: unknown[] = [];
    const log = createAuditLog({
      sink: memorySink(),
      key: keyA,
      checkpoint: {
        every: 2,
        privateKey: signer.privateKey,
        anchor: async () => {
          throw new Error('WORM store down');
        },
        onAnchorError: (error) => errors.push(error),
      },
    });
    await log.record(event(1));
    await log.record(event(2)); // automatic checkpoint
    await expect(log.checkpoint()).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
    await log.close();
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });

  it('checkpoint.intervalMs writes a checkpoint once time passes with unchecked lines, and only then', async () => {
    const sink = memorySink();
    const anchored: AuditCheckpoint[] = [];
    const log = createAuditLog({
      sink,
      key: keyA,
      checkpoint: {
        intervalMs: 25,
        every: 1_000_000,
        privateKey: signer.privateKey,
        anchor: async (checkpoint) => {
          anchored.push(checkpoint);
        },
      },
    });
    await log.record(event(1));
    await log.record(event(2));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(anchored.map((c) => c.size)).toEqual([2]); // one checkpoint: nothing new after it
    await log.record(event(3));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(anchored.map((c) => c.size)).toEqual([2, 4]);
    await log.close();
    const kinds = sink.lines.map((line) => (parseAuditLine(line)?.checkpoint ? 'checkpoint' : 'event'));
    expect(kinds).toEqual(['event', 'event', 'checkpoint', 'event', 'checkpoint']);
  });

  it('checkpoint() without options is CONFIG_INVALID', async () => {
    const log = createAuditLog({ sink: memorySink(), key: keyA });
    await expect(log.checkpoint()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await log.close();
  });
});

describe('options', () => {
  it('CONFIG_INVALID names the bad path', () => {
    const bad = (options: unknown, path: string) =>
      expect(() => createAuditLog(options as Parameters<typeof createAuditLog>[0])).toThrow(
        expect.objectContaining({
          code: 'CONFIG_INVALID',
          issues: expect.arrayContaining([expect.objectContaining({ path })]),
        }),
      );
    bad({ sink: memorySink(), key: 'short' }, 'key[0]');
    bad({ sink: {}, key: keyA }, 'sink');
    bad({ sink: memorySink(), key: keyA, batch: { maxEvents: 0 } }, 'batch.maxEvents');
    bad({ sink: memorySink(), key: keyA, checkpoint: { privateKey: 'nope' } }, 'checkpoint.privateKey');
    bad(
      { sink: memorySink(), key: keyA, checkpoint: { privateKey: signer.publicKey } },
      'checkpoint.privateKey',
    );
    bad({ sink: memorySink(), key: keyA, extra: 1 }, '');
    bad({ sink: memorySink(), key: [keyA, keyA] }, 'key[1]');
  });
});
