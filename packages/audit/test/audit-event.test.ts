import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditEventLimits, parseAuditEvent } from '../src/audit-event.js';
import { parseAuditLine } from '../src/audit-line.js';
import { createAuditLog } from '../src/audit-log.js';
import { fileSink } from '../src/file-sink.js';
import { verifyAuditLog } from '../src/verify-audit-log.js';
import { event, keyA, readLines, tempDir } from './helpers.js';

const base = { actor: { id: 'u1' }, action: 'x', outcome: 'success' as const };

describe('parseAuditEvent bounds hostile content', () => {
  it('cuts huge strings and role lists with a marker', () => {
    const e = parseAuditEvent({
      ...base,
      reason: 'r'.repeat(1_000_000),
      actor: { id: 'u'.repeat(5000), roles: Array.from({ length: 500 }, (_, i) => `role-${i}`) },
    });
    expect(e.reason).toMatch(/^r{1024}…\[truncated 998976 chars\]$/);
    expect(e.actor.id.startsWith('u'.repeat(1024))).toBe(true);
    expect(e.actor.roles).toHaveLength(auditEventLimits.maxRoles + 1);
    expect(e.actor.roles?.at(-1)).toBe('…[truncated 436 roles]');
  });

  it('never splits a surrogate pair when cutting', () => {
    const e = parseAuditEvent({ ...base, reason: `${'a'.repeat(1023)}😀😀` });
    expect(e.reason?.startsWith(`${'a'.repeat(1023)}…`)).toBe(true);
  });

  it('bounds depth, cycles, non-JSON values and prototype keys in details', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    const hostile = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}');
    const e = parseAuditEvent({
      ...base,
      details: {
        cyclic,
        deep,
        fn: () => 1,
        sym: Symbol('s'),
        big: 12345678901234567890n,
        nums: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1.5],
        holes: [undefined, 1],
        gone: undefined,
        date: new Date(0),
        bytes: new Uint8Array(7),
        error: Object.assign(new Error('bad'), { secret: 'x' }),
        map: new Map([[1, 2]]),
        getter: Object.defineProperty({}, 'boom', {
          enumerable: true,
          get() {
            throw new Error('trap');
          },
        }),
        proxy: new Proxy(
          {},
          {
            ownKeys() {
              throw new Error('trap');
            },
          },
        ),
        hostile,
        many: Array.from({ length: 1000 }, (_, i) => i),
      },
    });
    const d = e.details as Record<string, unknown>;
    expect(d.cyclic).toEqual({ name: 'loop', self: '[circular]' });
    expect(JSON.stringify(d.deep)).toContain('[depth limit]');
    expect(JSON.stringify(d.deep)).not.toContain('leaf');
    expect(d.fn).toBe('[function]');
    expect(d.sym).toBe('[symbol]');
    expect(d.big).toBe('12345678901234567890');
    expect(d.nums).toEqual(['NaN', 'Infinity', '-Infinity', 0, 1.5]);
    expect(d.holes).toEqual([null, 1]);
    expect('gone' in d).toBe(false);
    expect(d.date).toBe('1970-01-01T00:00:00.000Z');
    expect(d.bytes).toBe('[binary 7 bytes]');
    expect(d.error).toEqual({ name: 'Error', message: 'bad' });
    expect(d.map).toBe('[Map]');
    expect(d.getter).toEqual({ boom: '[unreadable]' });
    expect(d.proxy).toBe('[unreadable]');
    expect(d.hostile).toEqual({ '[__proto__]': { polluted: true }, constructor: { prototype: { x: 1 } } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((d.many as unknown[]).length).toBe(auditEventLimits.maxItems + 1);
  });

  it('replaces details larger than 16 KiB by a marker with a preview', () => {
    const e = parseAuditEvent({ ...base, details: Array.from({ length: 100 }, () => 'x'.repeat(1000)) });
    expect(e.details).toMatchObject({ '[truncated]': true, bytes: expect.any(Number) });
    expect(JSON.stringify(e.details).length).toBeLessThan(2000);
  });

  it('bounds shared references that would expand exponentially', () => {
    let node: unknown = 'leaf';
    for (let i = 0; i < 8; i++) node = [node, node, node, node];
    const e = parseAuditEvent({ ...base, details: node });
    expect(JSON.stringify(e.details).length).toBeLessThan(20_000);
  });

  it('refuses a malformed event', () => {
    for (const bad of [
      null,
      'x',
      [],
      { ...base, actor: undefined },
      { ...base, extra: 1 },
      { ...base, ts: 1 },
    ]) {
      expect(() => parseAuditEvent(bad)).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
    }
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(() => parseAuditEvent(trap)).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
  });
});

describe('a field can never split or forge a line', () => {
  it('newlines, NUL and "}\\n{ stay inside their line on disk', async () => {
    const path = join(tempDir(), 'audit.jsonl');
    const log = createAuditLog({ sink: fileSink({ path }), key: keyA });
    const nasty = `a\nb\r\nc\u0000d"}\n{"event":{"action":"forged"},"seq":2}\u2028\u2029\ud800`;
    await log.record({ ...event(1), reason: nasty, details: { [nasty]: nasty } });
    await log.record(event(2));
    await log.close();
    const lines = readLines(path);
    expect(lines).toHaveLength(2);
    const first = parseAuditLine(lines[0] as string);
    expect(first?.event?.reason).toBe(nasty);
    expect(await verifyAuditLog({ path, key: keyA })).toMatchObject({ ok: true, count: 2 });
  });

  it('property: any string in any field yields exactly one line per record', async () => {
    const path = join(tempDir(), 'audit.jsonl');
    const log = createAuditLog({ sink: fileSink({ path, fsync: false }), key: keyA });
    let expected = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 64 }),
        fc.string({ unit: 'grapheme-composite', maxLength: 32 }),
        fc.jsonValue({ maxDepth: 3 }),
        async (a, b, details) => {
          await log.record({
            actor: { id: `x${a}` },
            action: `y${b}`,
            outcome: 'failure',
            reason: a,
            details,
          });
          expected += 1;
        },
      ),
      { numRuns: 200 },
    );
    await log.close();
    expect(readLines(path)).toHaveLength(expected);
    expect(await verifyAuditLog({ path, key: keyA })).toMatchObject({ ok: true, count: expected });
  });
});
