import { isSecbotError } from '@secbot/core';
import { type AuditQueryFilter, queryAuditLog } from '../query.js';
import { type CliIo, onePath, parseCommandArgs, UsageError } from './usage.js';

export const queryHelp = `Usage: secbot-audit query <path> [filters] [--format json|table] [--limit N]

Print the events of an audit log and its rotated files that match every filter given.
It reads; it does not verify (use "secbot-audit verify").

Filters:
  --actor ID          actor.id
  --action NAME       action, exactly; NAME* for a prefix (quote it: 'auth.*')
  --outcome O         success | failure | denied
  --from T            at or after T (ISO 8601, e.g. 2025-01-31T00:00:00Z, or epoch ms)
  --to T              before T
  --request-id ID     requestId
  --tenant ID         actor.tenantId
Output:
  --format F          json (default: one line object per line) or table
  --limit N           stop after N events
  -h, --help          show this help

Malformed lines are skipped; their count is printed to stderr. Exit codes: 0 done, 2 usage error.
`;

const outcomes = ['success', 'failure', 'denied'] as const;

function instant(value: string, option: string): number | string {
  if (/^\d+$/.test(value)) return Number(value);
  if (Number.isNaN(Date.parse(value)))
    throw new UsageError(`query: ${option} "${value}" is not a date (use ISO 8601 or epoch milliseconds)`);
  return value;
}

const cell = (value: unknown, width: number): string => {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  // Control characters from a log line must not drive the terminal (escape-sequence injection).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what this removes
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > width ? `${clean.slice(0, width - 1)}…` : clean.padEnd(width);
};

/**
 * `secbot-audit query`.
 *
 * @returns The exit code.
 */
export async function queryCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    actor: { type: 'string' },
    action: { type: 'string' },
    outcome: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'request-id': { type: 'string' },
    tenant: { type: 'string' },
    format: { type: 'string', default: 'json' },
    limit: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout.write(queryHelp);
    return 0;
  }
  const path = onePath(positionals, 'query');
  const format = values.format;
  if (format !== 'json' && format !== 'table')
    throw new UsageError(`query: --format "${format}" is not one of json, table`);
  let limit: number | undefined;
  if (values.limit !== undefined) {
    if (!/^[1-9]\d{0,9}$/.test(values.limit))
      throw new UsageError(`query: --limit "${values.limit}" is not a positive integer`);
    limit = Number(values.limit);
  }
  const outcome = values.outcome;
  if (outcome !== undefined && !(outcomes as readonly string[]).includes(outcome))
    throw new UsageError(`query: --outcome "${outcome}" is not one of ${outcomes.join(', ')}`);
  for (const name of ['actor', 'action', 'request-id', 'tenant'] as const)
    if (values[name] === '') throw new UsageError(`query: --${name} is empty`);
  const filter: AuditQueryFilter = {
    ...(values.actor === undefined ? {} : { actor: values.actor }),
    ...(values.action === undefined ? {} : { action: values.action }),
    ...(outcome === undefined ? {} : { outcome: outcome as AuditQueryFilter['outcome'] }),
    ...(values.from === undefined ? {} : { from: instant(values.from, '--from') }),
    ...(values.to === undefined ? {} : { to: instant(values.to, '--to') }),
    ...(values['request-id'] === undefined ? {} : { requestId: values['request-id'] }),
    ...(values.tenant === undefined ? {} : { tenantId: values.tenant }),
  };
  let query: ReturnType<typeof queryAuditLog>;
  try {
    query = queryAuditLog({ path, filter, ...(limit === undefined ? {} : { limit }) });
  } catch (error) {
    if (isSecbotError(error, 'CONFIG_INVALID'))
      throw new UsageError(
        `query: ${error.issues?.map((i) => `${i.path}: ${i.message}`).join('; ') ?? error.message}`,
      );
    throw error;
  }
  if (format === 'table')
    io.stdout.write(
      `${cell('SEQ', 8)} ${cell('TIME', 24)} ${cell('ACTOR', 20)} ${cell('ACTION', 24)} ${cell('OUTCOME', 8)} ${cell('TARGET', 24)} REQUEST\n`,
    );
  for await (const line of query) {
    const event = line.event as Record<string, unknown>;
    if (format === 'json') {
      io.stdout.write(
        `${JSON.stringify({ seq: line.seq, ts: line.ts, event, file: line.file, line: line.lineNumber })}\n`,
      );
    } else {
      const actor = event.actor as { id?: unknown } | undefined;
      const target = event.target as { type?: unknown; id?: unknown } | undefined;
      io.stdout.write(
        `${cell(String(line.seq), 8)} ${cell(new Date(line.ts).toISOString(), 24)} ${cell(actor?.id, 20)} ${cell(event.action, 24)} ${cell(event.outcome, 8)} ${cell(target === undefined ? '' : `${String(target.type)}:${String(target.id)}`, 24)} ${cell(event.requestId, 36).trimEnd()}\n`,
      );
    }
  }
  if (query.stats.malformed > 0)
    io.stderr.write(
      `query: skipped ${query.stats.malformed} malformed line${query.stats.malformed === 1 ? '' : 's'}\n`,
    );
  return 0;
}
