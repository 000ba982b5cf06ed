import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditGenesis } from '../src/audit-line.js';
import { fileSink } from '../src/file-sink.js';
import { verifyAuditLog } from '../src/verify-audit-log.js';
import { keyA, tempDir } from './helpers.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
let bundle = '';

beforeAll(() => {
  // Bundle the child once so each round starts plain node (~40 ms), not a TypeScript loader.
  bundle = join(tempDir(), 'crash-child.mjs');
  execFileSync(
    join(root, 'node_modules/.bin/esbuild'),
    [child, '--bundle', '--platform=node', '--format=esm', `--outfile=${bundle}`, '--log-level=warning'],
    { cwd: root },
  );
}, 30_000);

/** Run the child until it has acknowledged `killAfter` records, then SIGKILL it. */
function round(path: string, killAfter: number): Promise<{ acked: number[]; opened: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [bundle, path, keyA, '64'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked: number[] = [];
    let opened = '';
    let buffered = '';
    let killed = false;
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
        else if (line.startsWith('open ')) opened = line;
      }
      if (!killed && acked.length >= killAfter) {
        killed = true;
        proc.kill('SIGKILL');
      }
    });
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}`));
      else resolve({ acked, opened });
    });
  });
}

describe('durability under SIGKILL', () => {
  it('every acknowledged record survives 20 kills mid-write; the torn tail is recovered; the chain verifies', async () => {
    const path = join(tempDir(), 'audit.jsonl');
    let maxAcked = 0;
    let recovered = 0;
    let simulated = 0;
    let tornBefore = false;
    for (let i = 0; i < 20; i++) {
      const { acked, opened } = await round(path, 20 + Math.floor(Math.random() * 300));
      if (i > 0 && opened.endsWith('true')) recovered += 1;
      if (tornBefore) expect(opened.endsWith('true')).toBe(true);
      const opening = Number(opened.split(' ')[1]);
      expect(opening).toBeGreaterThanOrEqual(maxAcked); // nothing acknowledged before was lost
      maxAcked = Math.max(maxAcked, ...acked);
      // every acknowledged seq is in the file: the verified prefix covers them all
      const report = await verifyAuditLog({ path, key: keyA });
      expect(report.ok).toBe(true);
      expect(report.count).toBeGreaterThanOrEqual(maxAcked);
      // A real kill rarely lands inside write(2) (fsync dominates); on odd rounds also simulate
      // the torn multi-page write a power cut or a kill mid-write leaves: part of a line, no newline.
      tornBefore = report.tornTail;
      if (i % 2 === 1 && !report.tornTail) {
        const text = readFileSync(path, 'utf8');
        const last = text.slice(text.lastIndexOf('\n', text.length - 2) + 1);
        appendFileSync(path, last.slice(0, 1 + Math.floor(Math.random() * (last.length - 2))));
        simulated += 1;
        tornBefore = true;
      }
    }
    // a final open cuts whatever the last kill tore, and the log verifies without a torn tail
    const sink = fileSink({ path });
    await sink.open(auditGenesis);
    await sink.close();
    const final = await verifyAuditLog({ path, key: keyA });
    expect(final).toMatchObject({ ok: true, tornTail: false });
    expect(final.count).toBeGreaterThanOrEqual(maxAcked);
    console.log(
      `crash test: ${final.count} lines, ${maxAcked} acknowledged, ${recovered} torn tails recovered on open (${simulated} simulated)`,
    );
  }, 30_000);
});
