import { type FileHandle, mkdir, open, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomically } from '@secbot/core/node';
import { z } from 'zod';
import { notificationSchema } from '../notify/alert-schema.js';
import type { DeadLetter, OutboxItem } from './dead-letter.js';

/** What the journal keeps of an outbox item. */
export type StoredItem = Pick<OutboxItem, 'id' | 'channel' | 'notification' | 'attempts' | 'enqueuedAt'>;

/** One line of the outbox journal. Replaying them in order is idempotent. */
export type JournalRecord =
  | { readonly op: 'add'; readonly item: StoredItem }
  | { readonly op: 'attempt'; readonly id: string; readonly attempts: number }
  | { readonly op: 'dead'; readonly letter: Omit<DeadLetter, 'notification' | 'channel'> }
  | { readonly op: 'done'; readonly id: string };

const id = z.string().min(1).max(128);
const recordSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('add'),
    item: z.object({
      id,
      channel: z.string().min(1).max(128),
      notification: notificationSchema,
      attempts: z.number().int().min(0),
      enqueuedAt: z.number().finite(),
    }),
  }),
  z.object({ op: z.literal('attempt'), id, attempts: z.number().int().min(0) }),
  z.object({
    op: z.literal('dead'),
    letter: z.object({
      id,
      attempts: z.number().int().min(0),
      code: z.string().min(1).max(64),
      receiverStatus: z.number().int().optional(),
      reason: z.string().max(1024),
      failedAt: z.number().finite(),
    }),
  }),
  z.object({ op: z.literal('done'), id }),
]);

/** What a journal held when it was opened. */
export interface JournalState {
  /** Items still to deliver, in the order they were added. */
  readonly pending: StoredItem[];
  /** Dead letters, oldest first. */
  readonly dead: DeadLetter[];
  /** Lines that could not be read (skipped). */
  readonly corruptLines: number;
}

/** An append-only, fsynced record of an outbox, so pending notifications survive a restart. */
export interface OutboxJournal {
  /**
   * Read and replay the journal, hand what it held to `merge`, then rewrite it compacted from the
   * snapshot. Records appended before this resolves are covered by that snapshot. Call once.
   */
  open(merge: (state: JournalState) => void): Promise<void>;
  /** Queue a record; records are written in order, in batches, each batch fsynced. */
  append(record: JournalRecord): void;
  /** Resolves once every queued record is written (or failed). */
  idle(): Promise<void>;
  /** Write what is queued and close the file. */
  close(): Promise<void>;
}

/** Options of {@link createOutboxJournal}. */
export interface OutboxJournalOptions {
  /** The directory holding `outbox.jsonl` (created with mode 700 when missing). */
  readonly directory: string;
  /** The live state as records, for compaction. */
  readonly snapshot: () => JournalRecord[];
  /** Receives write failures (the outbox keeps working in memory). */
  readonly onError: (error: unknown) => void;
}

/** The journal is rewritten from a snapshot once it has this many lines more than the snapshot had. */
const compactAfterLines = 2048;

/**
 * A file-backed journal: one JSON record per line in `<directory>/outbox.jsonl` (mode 600).
 * Opening replays it, skipping unreadable lines, then rewrites it compacted (atomically);
 * it is compacted again whenever it grows by {@link compactAfterLines} lines. One process per
 * directory.
 */
export function createOutboxJournal(options: OutboxJournalOptions): OutboxJournal {
  const directory = resolve(options.directory);
  const path = join(directory, 'outbox.jsonl');
  let handle: FileHandle | undefined;
  let queued: string[] = [];
  let lines = 0;
  let loaded = false;
  let draining: Promise<void> | undefined;

  const compact = async (): Promise<void> => {
    const records = options.snapshot();
    await handle?.close();
    handle = undefined;
    await writeFileAtomically(path, new TextEncoder().encode(records.map(line).join('')));
    handle = await open(path, 'a', 0o600);
    lines = records.length;
  };

  const drain = async (): Promise<void> => {
    while (queued.length > 0) {
      const batch = queued;
      queued = [];
      try {
        if (handle === undefined) handle = await open(path, 'a', 0o600);
        await handle.write(batch.join(''));
        await handle.datasync();
        lines += batch.length;
        if (lines > compactAfterLines + options.snapshot().length) await compact();
      } catch (error) {
        options.onError(error);
      }
    }
  };

  const schedule = (): void => {
    if (!loaded || draining !== undefined || queued.length === 0) return;
    draining = drain().finally(() => {
      draining = undefined;
      schedule();
    });
  };

  return {
    async open(merge) {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      let text = '';
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      merge(replay(text));
      queued = []; // the snapshot includes whatever was appended before
      await compact();
      loaded = true;
      schedule();
    },
    append(record) {
      queued.push(line(record));
      schedule();
    },
    async idle() {
      while (draining !== undefined) await draining;
    },
    async close() {
      while (draining !== undefined) await draining;
      await handle?.close();
      handle = undefined;
    },
  };
}

function line(record: JournalRecord): string {
  return `${JSON.stringify(record)}\n`;
}

function replay(text: string): JournalState {
  const pending = new Map<string, StoredItem>();
  const dead = new Map<string, DeadLetter>();
  let corruptLines = 0;
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    let parsed: ReturnType<typeof recordSchema.safeParse>;
    try {
      parsed = recordSchema.safeParse(JSON.parse(raw));
    } catch {
      corruptLines += 1;
      continue;
    }
    if (!parsed.success) {
      corruptLines += 1;
      continue;
    }
    const record = parsed.data;
    if (record.op === 'add') {
      dead.delete(record.item.id);
      pending.set(record.item.id, record.item);
    } else if (record.op === 'attempt') {
      const item = pending.get(record.id);
      if (item !== undefined) item.attempts = record.attempts;
    } else if (record.op === 'dead') {
      const item = pending.get(record.letter.id);
      if (item === undefined) continue;
      pending.delete(item.id);
      dead.set(item.id, {
        ...(record.letter as Omit<DeadLetter, 'notification' | 'channel'>),
        channel: item.channel,
        notification: item.notification,
      });
    } else {
      pending.delete(record.id);
      dead.delete(record.id);
    }
  }
  return { pending: [...pending.values()], dead: [...dead.values()], corruptLines };
}
