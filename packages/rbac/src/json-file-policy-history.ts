import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseOptions, SecbotError } from '@secbot/core';
import { writeFileAtomically } from '@secbot/core/node';
import { z } from 'zod';
import { invalidInput } from './invalid-input.js';
import { freezeChange, type PolicyChange, policyChangeSchema } from './policy-change.js';
import type { PolicyHistoryStore } from './policy-history-store.js';

/** Options of {@link jsonFilePolicyHistory}. */
export interface JsonFilePolicyHistoryOptions {
  /** The history file. Its directory must exist; the file is created on the first save. */
  readonly path: string;
}

/** Largest history file read, in bytes. */
const maxFileBytes = 256 * 1024 * 1024;
const format = 'secbot-policy-history';

const optionsSchema = z.object({ path: z.string().min(1).max(4096) }).strict();

const fileSchema = z
  .object({
    format: z.literal(format),
    version: z.literal(1),
    changes: z.array(policyChangeSchema),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.changes.forEach((change, index) => {
      if (seen.has(change.id))
        ctx.addIssue({ code: 'custom', path: ['changes', index, 'id'], message: 'duplicate id' });
      seen.add(change.id);
    });
  });

// Errors from fsync on a directory that mean "not supported here" (Windows, some filesystems).

/**
 * A {@link PolicyHistoryStore} kept in one JSON file, for a single process. The whole file is read
 * and checked when the store is opened; each save rewrites it atomically (a temporary file in the
 * same directory, fsynced, renamed over the old one, then the directory fsynced), so a crash
 * leaves either the old or the new history, never a torn one.
 *
 * A file that is not valid JSON, does not have the expected shape, or breaks a record invariant
 * is refused when the store is opened: the store never starts empty over a damaged history. Only
 * a missing file means an empty history.
 *
 * @param options - Where the file is.
 * @returns The store, loaded.
 * @throws SecbotError `CONFIG_INVALID` naming the bad path, when the options are invalid, the
 *   directory does not exist, the file cannot be read, or its content is corrupt or of the wrong
 *   shape. `save` rejects with `STORE_UNAVAILABLE` when the file cannot be written (the history
 *   then stays as it was) and with `ARGUMENT_INVALID` for a malformed record.
 * @example
 * ```ts
 * import { createPolicyAdmin, createRbac, jsonFilePolicyHistory } from '@secbot/rbac';
 *
 * const rbac = createRbac({ version: 1, roles: { admin: { allow: ['policy:*'] } } });
 * const admin = createPolicyAdmin({ rbac, history: jsonFilePolicyHistory({ path: '/var/lib/bot/policy-history.json' }) });
 * ```
 */
export function jsonFilePolicyHistory(options: JsonFilePolicyHistoryOptions): PolicyHistoryStore {
  const file = resolve(parseOptions(optionsSchema, options, 'jsonFilePolicyHistory').path);
  let records: readonly PolicyChange[] = load(file);
  let tail: Promise<void> = Promise.resolve();

  return {
    async save(change) {
      const copy = freezeChange(change, 'jsonFilePolicyHistory');
      // Writes run one at a time, each from the state the previous one left.
      const run = tail.then(async () => {
        const index = records.findIndex((record) => record.id === copy.id);
        const next =
          index === -1 ? [...records, copy] : records.map((record, i) => (i === index ? copy : record));
        await writeAtomically(file, `${JSON.stringify({ format, version: 1, changes: next }, null, 2)}\n`);
        records = next;
      });
      tail = run.catch(() => undefined);
      return run;
    },
    async get(id) {
      return records.find((record) => record.id === id);
    },
    async list() {
      return [...records];
    },
  };
}

function load(file: string): readonly PolicyChange[] {
  const what = `jsonFilePolicyHistory: ${file}`;
  let text: string;
  try {
    if (statSync(file).size > maxFileBytes) {
      throw new SecbotError('CONFIG_INVALID', `${what}: larger than ${maxFileBytes} bytes`, {
        issues: [{ path: 'path', message: 'history file too large' }],
      });
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof SecbotError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && isDirectory(dirname(file))) return [];
    throw new SecbotError('CONFIG_INVALID', `${what}: cannot read the history file or its directory`, {
      issues: [{ path: 'path', message: 'cannot be read' }],
      cause: error,
    });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    throw new SecbotError(
      'CONFIG_INVALID',
      `${what}: not valid JSON (refusing to start over a damaged history)`,
      {
        issues: [{ path: '', message: 'not valid JSON' }],
        cause,
      },
    );
  }
  const parsed = fileSchema.safeParse(document);
  if (!parsed.success) throw invalidInput('CONFIG_INVALID', what, parsed.error);
  const changes = (document as { changes: unknown[] }).changes;
  return changes.map((change) => freezeChange(change, what));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  try {
    await writeFileAtomically(file, new TextEncoder().encode(text));
  } catch (cause) {
    throw new SecbotError('STORE_UNAVAILABLE', `jsonFilePolicyHistory: could not write ${file}`, { cause });
  }
}
