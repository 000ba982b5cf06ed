import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import { type AuditLine, parseAuditLine } from './audit-line.js';
import { readLines } from './internal/line-reader.js';
import { listLogFiles, rotationIndex } from './internal/log-files.js';

/** Which events {@link queryAuditLog} yields; every field given must match (AND). */
export interface AuditQueryFilter {
  /** `event.actor.id`, exactly. */
  readonly actor?: string;
  /** `event.action`, exactly; or a prefix when it ends in `*` (`auth.*`). */
  readonly action?: string;
  /** `event.outcome`. */
  readonly outcome?: 'success' | 'failure' | 'denied';
  /** Lines with `ts` at or after this instant (Date, epoch ms or an ISO 8601 string). */
  readonly from?: Date | number | string;
  /** Lines with `ts` before this instant (exclusive). */
  readonly to?: Date | number | string;
  /** `event.requestId`, exactly. */
  readonly requestId?: string;
  /** `event.actor.tenantId`, exactly. */
  readonly tenantId?: string;
}

/** A line that could not be read as a log line, reported and skipped. */
export interface MalformedLine {
  readonly file: string;
  readonly lineNumber: number;
  /** `not a log line` (bad JSON or shape), `too long`, or `unterminated` (a torn last line). */
  readonly reason: 'not a log line' | 'too long' | 'unterminated';
}

/** Options of {@link queryAuditLog}. */
export interface AuditQueryOptions {
  /** The current log file; its rotated files (`path.1`, `path.2`, ...) are read first. */
  readonly path: string;
  /** What to match; omit to yield every event. */
  readonly filter?: AuditQueryFilter;
  /** Stop after this many matches. */
  readonly limit?: number;
  /** Called for each malformed line (they are skipped and counted in `stats.malformed`). */
  readonly onMalformed?: (line: MalformedLine) => void;
  /** Longest line read, in bytes; longer lines are skipped as malformed. Default 1 MiB. */
  readonly maxLineBytes?: number;
}

/** One matching event line, with where it was found. */
export interface AuditQueryMatch extends AuditLine {
  readonly event: Readonly<Record<string, unknown>>;
  /** The file it was read from. */
  readonly file: string;
  /** Its 1-based line number in that file. */
  readonly lineNumber: number;
}

/** Counters of a query, final once iteration ends. */
export interface AuditQueryStats {
  /** Files read. */
  files: number;
  /** Lines read (all kinds). */
  lines: number;
  /** Event lines yielded. */
  matched: number;
  /** Checkpoint lines seen (never yielded). */
  checkpoints: number;
  /** Malformed lines skipped. */
  malformed: number;
}

/** What {@link queryAuditLog} returns: iterate it; read `stats` during or after. */
export interface AuditQuery extends AsyncIterable<AuditQueryMatch> {
  readonly stats: Readonly<AuditQueryStats>;
}

const instant = z.union([
  z.date().refine((d) => !Number.isNaN(d.getTime()), 'invalid date'),
  z.number().finite(),
  z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO 8601 date'),
]);
const id = z.string().min(1).max(1024);

const optionsSchema = z.strictObject({
  path: z.string().min(1).max(4096),
  filter: z
    .strictObject({
      actor: id.optional(),
      action: id.optional(),
      outcome: z.enum(['success', 'failure', 'denied']).optional(),
      from: instant.optional(),
      to: instant.optional(),
      requestId: id.optional(),
      tenantId: id.optional(),
    })
    .default({}),
  limit: z.number().int().positive().optional(),
  onMalformed: z
    .custom<(line: MalformedLine) => void>((v) => typeof v === 'function', 'must be a function')
    .optional(),
  maxLineBytes: z
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
});

const toMs = (value: Date | number | string): number =>
  value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);

/**
 * Search an audit log, streaming: the rotated files in order (`path.1`, `path.2`, ...), then
 * `path`, one line at a time, so memory stays bounded whatever the log's size. A file rotated
 * while the query runs is picked up before the current file, and lines already seen (by `seq`) are
 * not yielded twice.
 *
 * It reads; it does not verify (use `verifyAuditLog` for that). Malformed lines, including an
 * over-long line or a torn last line, are skipped, counted in `stats.malformed` and passed to
 * `onMalformed`; they never end the query. (With a filter on strings, a line that looks like an
 * event line but lacks the filter's values is ruled out from its text without parsing, so it is
 * not inspected further.) Checkpoint lines are counted, not yielded.
 *
 * @param options - Path, filter, limit, malformed-line callback.
 * @returns An async iterable of matching event lines, with running {@link AuditQueryStats}.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (thrown at once, not on iteration).
 *   Iteration rejects with the file system's error when a file cannot be read.
 * @example
 * ```ts
 * import { queryAuditLog } from '@secbot/audit';
 *
 * const query = queryAuditLog({ path: '/var/log/secbot/audit.jsonl', filter: { actor: 'u1', outcome: 'denied' } });
 * for await (const line of query) console.log(line.seq, line.event.action);
 * console.log(query.stats.malformed, 'malformed lines skipped');
 * ```
 */
export function queryAuditLog(options: AuditQueryOptions): AuditQuery {
  const parsed = parseOptions(optionsSchema, options, 'queryAuditLog');
  const match = compileFilter(parsed.filter);
  const stats: AuditQueryStats = { files: 0, lines: 0, matched: 0, checkpoints: 0, malformed: 0 };
  const limit = parsed.limit ?? Number.POSITIVE_INFINITY;

  async function* run(): AsyncGenerator<AuditQueryMatch> {
    if (limit <= 0) return;
    let lastSeq = 0;
    const { rotated } = await listLogFiles(parsed.path);
    let maxIndex = 0;
    const queue = [...rotated];
    const report = (file: string, lineNumber: number, reason: MalformedLine['reason']): void => {
      stats.malformed += 1;
      parsed.onMalformed?.({ file, lineNumber, reason });
    };
    let current = false;
    for (;;) {
      const file = queue.shift();
      if (file === undefined) {
        if (current) return;
        // Before the current file, pick up files rotated since the listing.
        const again = await listLogFiles(parsed.path);
        for (const extra of again.rotated) if (rotationIndex(extra) > maxIndex) queue.push(extra);
        if (queue.length === 0) {
          current = true;
          queue.push(parsed.path);
        }
        continue;
      }
      if (!current) maxIndex = Math.max(maxIndex, rotationIndex(file));
      try {
        stats.files += 1;
        for await (const raw of readLines(file, parsed.maxLineBytes)) {
          stats.lines += 1;
          if (raw.oversized) {
            report(file, raw.lineNumber, 'too long');
            continue;
          }
          // A well-formed-looking event line without the filter's values cannot match: not parsed.
          if (!match.prefilter(raw.text)) continue;
          const line = parseAuditLine(raw.text);
          if (line === undefined) {
            report(file, raw.lineNumber, raw.unterminated ? 'unterminated' : 'not a log line');
            continue;
          }
          if (line.seq <= lastSeq) continue;
          lastSeq = line.seq;
          if (line.event === undefined) {
            stats.checkpoints += 1;
            continue;
          }
          if (!match.line(line)) continue;
          stats.matched += 1;
          yield { ...line, event: line.event, file, lineNumber: raw.lineNumber };
          if (stats.matched >= limit) return;
        }
      } catch (error) {
        // The current file may have been rotated away between listing and opening: read on.
        if (!(current && (error as NodeJS.ErrnoException).code === 'ENOENT')) throw error;
        stats.files -= 1;
      }
    }
  }

  return {
    stats,
    [Symbol.asyncIterator]: () => run(),
  };
}

interface CompiledFilter {
  /** A cheap test on the raw text: false means the line cannot match (so it is not parsed). */
  prefilter(text: string): boolean;
  line(line: AuditLine): boolean;
}

function compileFilter(filter: z.output<typeof optionsSchema>['filter']): CompiledFilter {
  const needles: string[] = [];
  const checks: ((event: Readonly<Record<string, unknown>>, ts: number) => boolean)[] = [];
  const field = (value: unknown, name: string): unknown =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
  const exact = (
    want: string | undefined,
    get: (event: Readonly<Record<string, unknown>>) => unknown,
  ): void => {
    if (want === undefined) return;
    needles.push(JSON.stringify(want));
    checks.push((event) => get(event) === want);
  };
  exact(filter.actor, (event) => field(event.actor, 'id'));
  exact(filter.tenantId, (event) => field(event.actor, 'tenantId'));
  exact(filter.requestId, (event) => event.requestId);
  exact(filter.outcome, (event) => event.outcome);
  if (filter.action !== undefined) {
    const action = filter.action;
    if (action.endsWith('*')) {
      const prefix = action.slice(0, -1);
      needles.push(JSON.stringify(prefix).slice(0, -1));
      checks.push((event) => typeof event.action === 'string' && event.action.startsWith(prefix));
    } else exact(action, (event) => event.action);
  }
  if (filter.from !== undefined) {
    const from = toMs(filter.from);
    checks.push((_event, ts) => ts >= from);
  }
  if (filter.to !== undefined) {
    const to = toMs(filter.to);
    checks.push((_event, ts) => ts < to);
  }
  return {
    // A malformed line must still be counted, so the prefilter only rejects lines that parse-free
    // inspection shows to be well-formed-looking events that lack a needle.
    prefilter: (text) => {
      if (needles.length === 0) return true;
      if (!text.startsWith('{"event":') || !text.endsWith('}')) return true;
      for (const needle of needles) if (!text.includes(needle)) return false;
      return true;
    },
    line: (line) => {
      const event = line.event ?? {};
      for (const check of checks) if (!check(event, line.ts)) return false;
      return true;
    },
  };
}
