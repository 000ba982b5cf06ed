import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { AuditEventInput } from '../src/audit-event.js';

export const keyA = 'audit-mac-key-A-0123456789abcdef0123456789';
export const keyB = 'audit-mac-key-B-0123456789abcdef0123456789';
export const signer = generateKeyPairSync('ed25519');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'secbot-audit-'));
  dirs.push(dir);
  return dir;
}

/** An event numbered `i`. */
export function event(i: number, details?: unknown): AuditEventInput {
  return {
    actor: { id: `user-${i}`, roles: ['agent'], tenantId: 'acme' },
    action: 'transcripts.read',
    target: { type: 'conversation', id: `c-${i}` },
    outcome: 'success',
    requestId: `req-${i}`,
    ...(details === undefined ? {} : { details }),
  };
}

/** The lines of a log file (without the final empty string). */
export function readLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Rewrite a log file from lines (each followed by a newline). */
export function writeLines(path: string, lines: readonly string[]): void {
  writeFileSync(path, lines.map((line) => `${line}\n`).join(''));
}
