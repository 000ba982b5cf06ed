import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../src/audit-log.js';
import { runCli } from '../src/cli/run-cli.js';
import type { CliIo } from '../src/cli/usage.js';
import { fileSink } from '../src/file-sink.js';

const main = resolve(__dirname, '../src/cli/main.ts');
const root = resolve(__dirname, '../../..');
const key = 'test-mac-key-SECRETMARKER-0123456789abcdef';
let dir: string;
let log: string;
let keyFile: string;
let pubFile: string;

function cli(
  args: string[],
  env: Record<string, string> = {},
): { code: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'secbot-cli-'));
  log = join(dir, 'audit.jsonl');
  keyFile = join(dir, 'mac.key');
  writeFileSync(keyFile, `${key}\n`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  pubFile = join(dir, 'pub.pem');
  writeFileSync(pubFile, publicKey.export({ type: 'spki', format: 'pem' }));
  const audit = createAuditLog({
    sink: fileSink({ path: log, rotate: { maxBytes: 4096 } }),
    key,
    checkpoint: { every: 10, privateKey },
  });
  for (let i = 0; i < 40; i++)
    await audit.record({
      actor: { id: `user-${i % 3}`, tenantId: 'acme' },
      action: i % 2 === 0 ? 'auth.failure' : 'transcripts.read',
      outcome: i % 5 === 0 ? 'denied' : 'success',
      target: { type: 'conversation', id: `c${i}` },
      requestId: `req-${i}`,
      reason: i === 3 ? 'evil \u001b[2J\u0007 text' : undefined,
    });
  await audit.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secbot-audit verify', () => {
  it('exits 0 on a good log, with a key file, an env key and a public key, never printing the key', () => {
    const byFile = cli(['verify', log, '--key-file', keyFile, '--public-key', pubFile]);
    expect(byFile.code).toBe(0);
    expect(byFile.out).toMatch(/^ok: \d+ lines in \d+ files, \d+ checkpoints/);
    const byEnv = cli(['verify', log, '--key-env', 'AUDIT_KEY'], { AUDIT_KEY: key });
    expect(byEnv.code).toBe(0);
    for (const run of [byFile, byEnv]) expect(run.out + run.err).not.toContain('SECRETMARKER');
  });

  it('exits 1 naming the first bad seq and the reason on a tampered log', () => {
    const copy = join(dir, 'tampered.jsonl');
    writeFileSync(copy, readFileSync(`${log}.1`));
    const lines = readFileSync(copy, 'utf8').split('\n');
    lines[1] = (lines[1] as string).replace('user-', 'uxer-');
    writeFileSync(copy, lines.join('\n'));
    const run = cli(['verify', copy, '--key-file', keyFile]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^FAILED at seq 2: hash-mismatch \(.*tampered\.jsonl:2\)/);
    expect(run.out + run.err).not.toContain('SECRETMARKER');
  });

  it('exits 1 with the wrong key, and on a missing log', () => {
    const wrong = cli(['verify', log, '--key-env', 'K'], { K: 'another-key-of-enough-length-0123456789' });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('unknown-key');
    expect(wrong.out + wrong.err).not.toContain('another-key');
    const missing = cli(['verify', join(dir, 'nope.jsonl'), '--key-file', keyFile]);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('missing');
  });

  const usage: [string, string[], Record<string, string>, RegExp][] = [
    ['no path', ['verify', '--key-file', 'x'], {}, /missing <path>/],
    ['no key', ['verify', 'log'], {}, /a MAC key is required/],
    [
      'both keys',
      ['verify', 'log', '--key-file', 'a', '--key-env', 'B'],
      {},
      /either --key-file or --key-env/,
    ],
    [
      'unreadable key file',
      ['verify', 'log', '--key-file', '/nonexistent/k'],
      {},
      /cannot read --key-file.*ENOENT/,
    ],
    ['unset env', ['verify', 'log', '--key-env', 'SECBOT_UNSET_VAR'], {}, /SECBOT_UNSET_VAR is not set/],
    ['bad env name', ['verify', 'log', '--key-env', '1-x'], {}, /not a variable name/],
    [
      'short key',
      ['verify', 'log', '--key-env', 'K'],
      { K: 'tooshortSECRETMARKER' },
      /MAC key\[0\]: .*32 bytes/,
    ],
    ['unknown option', ['verify', 'log', '--nope'], {}, /Unknown option '--nope'/],
    ['missing value', ['verify', 'log', '--key-file'], {}, /--key-file/],
    ['two paths', ['verify', 'a', 'b', '--key-env', 'K'], { K: key }, /unexpected argument "b"/],
  ];
  for (const [name, args, env, message] of usage) {
    it(`exits 2 with a helpful message: ${name}`, () => {
      const run = cli(args, env);
      expect(run.code).toBe(2);
      expect(run.err).toMatch(message);
      expect(run.err).toContain('--help');
      expect(run.out + run.err).not.toContain('SECRETMARKER');
    });
  }

  it('prints help', () => {
    const run = cli(['verify', '--help']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('Usage: secbot-audit verify');
  });

  it('shows periodic progress lines on a non-TTY stderr for large logs', async () => {
    let err = '';
    let out = '';
    const sink = (write: (text: string) => void): Writable =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          write(chunk.toString());
          done();
        },
      });
    const big = join(dir, 'big.jsonl');
    const audit = createAuditLog({ sink: fileSink({ path: big }), key, durable: false });
    await Promise.all(
      Array.from({ length: 5000 }, () =>
        audit.record({ actor: { id: 'u' }, action: 'a', outcome: 'success', reason: 'r'.repeat(200) }),
      ),
    );
    await audit.close();
    const io: CliIo = {
      stdout: sink((t) => {
        out += t;
      }),
      stderr: sink((t) => {
        err += t;
      }),
      env: { K: key },
      progress: { minBytes: 1, intervalMs: 1 },
    };
    const code = await runCli(['verify', big, '--key-env', 'K'], io);
    expect(code).toBe(0);
    expect(out).toContain('ok: 5000 lines');
    expect(err).toMatch(/verifying \d+ MiB in 1 file: [\d.]+ s elapsed\n/);
    expect(err).not.toContain('\r');
  });
});

describe('secbot-audit query', () => {
  it('prints matching events as JSON lines, across rotated files', () => {
    const run = cli(['query', log, '--actor', 'user-1', '--action', 'auth.*']);
    expect(run.code).toBe(0);
    const rows = run.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; event: { actor: { id: string }; action: string } });
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      expect(row.event.actor.id).toBe('user-1');
      expect(row.event.action).toBe('auth.failure');
    }
  });

  it('prints a table with control characters neutralised, and honours --limit', () => {
    const run = cli(['query', log, '--format', 'table', '--limit', '3']);
    expect(run.code).toBe(0);
    const lines = run.out.trim().split('\n');
    expect(lines[0]).toMatch(/^SEQ\s+TIME\s+ACTOR/);
    expect(lines.length).toBe(4);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting none reach the terminal
    expect(run.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('skips malformed lines and says so on stderr', () => {
    const copy = join(dir, 'garbage.jsonl');
    writeFileSync(copy, readFileSync(log));
    appendFileSync(copy, 'garbage\n{"event":\n');
    const run = cli(['query', copy, '--outcome', 'denied']);
    expect(run.code).toBe(0);
    expect(run.err).toContain('skipped 2 malformed lines');
  });

  const usage: [string, string[], RegExp][] = [
    ['no path', ['query'], /missing <path>/],
    ['bad format', ['query', 'log', '--format', 'xml'], /--format "xml" is not one of json, table/],
    ['bad limit', ['query', 'log', '--limit', '-3'], /--limit/],
    ['zero limit', ['query', 'log', '--limit', '0'], /--limit "0" is not a positive integer/],
    ['bad outcome', ['query', 'log', '--outcome', 'maybe'], /--outcome "maybe" is not one of/],
    ['bad date', ['query', 'log', '--from', 'last tuesday'], /--from "last tuesday" is not a date/],
    ['empty actor', ['query', 'log', '--actor', ''], /--actor is empty/],
    ['unknown option', ['query', 'log', '--colour'], /Unknown option '--colour'/],
  ];
  for (const [name, args, message] of usage) {
    it(`exits 2 with a helpful message: ${name}`, () => {
      const run = cli(args);
      expect(run.code).toBe(2);
      expect(run.err).toMatch(message);
    });
  }

  it('prints help, and the top level prints usage', () => {
    expect(cli(['query', '-h']).out).toContain('Usage: secbot-audit query');
    expect(cli(['--help']).code).toBe(0);
    const none = cli([]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('Commands:');
    const unknown = cli(['frob']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command "frob"');
  });
});
