import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSyslog5424, type SyslogMessage } from '../../../src/channels/syslog/syslog-5424.js';
import { parseSyslog } from './parse.js';

const base: SyslogMessage = {
  facility: 'authpriv',
  severity: 3,
  timestamp: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
  hostname: 'bot-1.example.com',
  appName: 'secbot',
  procId: '4242',
  msgId: 'alert',
  structuredData: [{ id: 'secbot@32473', params: [['ruleId', 'auth.brute-force']] }],
  msg: 'Brute force on alice',
};

describe('formatSyslog5424', () => {
  it('writes the exact RFC 5424 layout: PRI, version, RFC 3339 UTC time with ms, fields, SD, MSG', () => {
    expect(formatSyslog5424(base)).toBe(
      '<83>1 2026-01-02T03:04:05.006Z bot-1.example.com secbot 4242 alert [secbot@32473 ruleId="auth.brute-force"] Brute force on alice',
    );
    expect(formatSyslog5424({ ...base, facility: 'local0', severity: 6 })).toMatch(/^<134>1 /);
    expect(formatSyslog5424({ ...base, facility: 'kern', severity: 0 })).toMatch(/^<0>1 /);
  });

  it('escapes ", \\ and ] in PARAM-VALUE and reads back exactly (control characters become spaces)', () => {
    const value = 'a"b\\c]d\ne\u2028f';
    const line = formatSyslog5424({ ...base, structuredData: [{ id: 'x@1', params: [['v', value]] }] });
    expect(line).toContain('[x@1 v="a\\"b\\\\c\\]d e f"]');
    expect(parseSyslog(line).sd).toEqual([{ id: 'x@1', params: [['v', 'a"b\\c]d e f']] }]);
  });

  it('cleans SD-IDs and PARAM-NAMEs to SD-NAME characters, at most 32, drops empty names and repeated ids', () => {
    const line = formatSyslog5424({
      ...base,
      structuredData: [
        {
          id: 'my id="x"]',
          params: [
            ['bad key=x', '1'],
            ['__proto__', '2'],
            ['=" ]', '3'],
            ['k'.repeat(40), '4'],
          ],
        },
        { id: 'myid=x', params: [['dup', '5']] },
        { id: ' ', params: [['gone', '6']] },
      ],
    });
    expect(parseSyslog(line).sd).toEqual([
      {
        id: 'myidx',
        params: [
          ['badkeyx', '1'],
          ['__proto__', '2'],
          ['k'.repeat(32), '4'],
        ],
      },
    ]);
  });

  it('keeps header fields to printable US-ASCII and their limits, NILVALUE when empty', () => {
    const line = formatSyslog5424({
      ...base,
      hostname: 'h'.repeat(300),
      appName: `app name\n${'a'.repeat(60)}`,
      procId: '',
      msgId: 'é\u0000',
      timestamp: undefined,
      structuredData: [],
      msg: '',
    });
    const parsed = parseSyslog(line);
    expect(parsed.hostname).toBe('h'.repeat(255));
    expect(parsed.appName).toBe(`appname${'a'.repeat(41)}`);
    expect(parsed).toMatchObject({ procId: '-', msgId: '-', timestamp: '-', sd: [], msg: undefined });
    expect(line.endsWith(' -')).toBe(true);
  });

  it('writes NILVALUE for timestamps that RFC 3339 cannot hold', () => {
    for (const timestamp of [Number.NaN, 8.64e15, -1e14]) {
      expect(parseSyslog(formatSyslog5424({ ...base, timestamp })).timestamp).toBe('-');
    }
  });

  it('puts a BOM before a non-ASCII MSG, not before an ASCII one nor when bom is off; line breaks cannot forge a line', () => {
    expect(parseSyslog(formatSyslog5424({ ...base, msg: 'héllo 🔥' }))).toMatchObject({
      msg: 'héllo 🔥',
      bom: true,
    });
    expect(parseSyslog(formatSyslog5424(base)).bom).toBe(false);
    expect(parseSyslog(formatSyslog5424({ ...base, msg: 'héllo' }, { bom: false }))).toMatchObject({
      bom: false,
    });
    const forged = formatSyslog5424({
      ...base,
      msg: 'ok\n<0>1 2026-01-01T00:00:00.000Z evil - - - - forged',
    });
    expect(forged).not.toMatch(/[\r\n]/);
  });

  it('bounds the message in bytes: cuts MSG at a UTF-8 boundary, never leaves a lone backslash, drops SD that does not fit', () => {
    const long = formatSyslog5424({ ...base, msg: '🔥'.repeat(1000) }, { maxBytes: 1024 });
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(1024);
    expect(Buffer.byteLength(long)).toBeGreaterThan(1020);
    expect(parseSyslog(long).msg).toMatch(/^(🔥)+$/u);

    const backslashes = formatSyslog5424({ ...base, msg: 'x\\'.repeat(2000) }, { maxBytes: 1024 });
    expect(backslashes.endsWith('x')).toBe(true);

    const bigSd = formatSyslog5424(
      {
        ...base,
        structuredData: [
          { id: 'small@1', params: [['a', 'b']] },
          { id: 'big@1', params: [['v', 'x'.repeat(2000)]] },
        ],
      },
      { maxBytes: 1024 },
    );
    expect(parseSyslog(bigSd).sd.map((element) => element.id)).toEqual(['small@1']);
    expect(parseSyslog(bigSd).msg).toBe('Brute force on alice');
  });

  it('property: any text in fields, values and MSG yields one parseable line within the bound', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 3000 }),
        fc.integer({ min: 1024, max: 4096 }),
        (name, value, msg, maxBytes) => {
          const line = formatSyslog5424(
            {
              ...base,
              hostname: name,
              structuredData: [{ id: name || 'x', params: [[name || 'k', value]] }],
              msg,
            },
            { maxBytes },
          );
          expect(Buffer.byteLength(line)).toBeLessThanOrEqual(maxBytes);
          expect(line).not.toMatch(/[\r\n]/);
          const parsed = parseSyslog(line);
          expect(parsed.pri).toBe(83);
        },
      ),
      { numRuns: 300 },
    );
  });
});
