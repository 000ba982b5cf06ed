import { readFileSync, statSync } from 'node:fs';
import { isSecbotError } from '@secbot/core';
import { listLogFiles } from '../internal/log-files.js';
import { verifyAuditLog } from '../verify-audit-log.js';
import { startProgress } from './progress.js';
import { type CliIo, onePath, parseCommandArgs, UsageError } from './usage.js';

export const verifyHelp = `Usage: secbot-audit verify <path> (--key-file F | --key-env VAR) [--public-key F]

Verify an audit log and its rotated files (<path>.1, <path>.2, ...): every line's hash, MAC,
sequence number and link to the previous line, and checkpoint signatures given --public-key.

Options:
  --key-file F     File holding the MAC key(s), one per line, newest first (as given to createAuditLog)
  --key-env VAR    Environment variable holding the MAC key (several: one per line)
  --public-key F   Ed25519 public key (PEM) that signs checkpoints
  -h, --help       Show this help

Exit codes: 0 the log verifies; 1 it does not (the first bad seq and the reason are printed);
2 usage error. Keys are never printed.
`;

/** Logs larger than this get a progress display. */
const progressThreshold = 16 * 1024 * 1024;

function readKeys(text: string, where: string): string[] {
  const keys = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (keys.length === 0) throw new UsageError(`verify: ${where} holds no key`);
  return keys;
}

function readFileFor(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`verify: cannot read ${option} "${path}" (${code})`);
  }
}

/**
 * `secbot-audit verify`.
 *
 * @returns The exit code.
 */
export async function verifyCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    'key-file': { type: 'string' },
    'key-env': { type: 'string' },
    'public-key': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout.write(verifyHelp);
    return 0;
  }
  const path = onePath(positionals, 'verify');
  const keyFile = values['key-file'];
  const keyEnv = values['key-env'];
  if (keyFile === undefined && keyEnv === undefined)
    throw new UsageError('verify: a MAC key is required: pass --key-file F or --key-env VAR');
  if (keyFile !== undefined && keyEnv !== undefined)
    throw new UsageError('verify: pass either --key-file or --key-env, not both');
  let keys: string[];
  if (keyFile !== undefined) keys = readKeys(readFileFor(keyFile, '--key-file'), `--key-file "${keyFile}"`);
  else {
    const name = keyEnv as string;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new UsageError(`verify: --key-env "${name}" is not a variable name`);
    const value = io.env[name];
    if (value === undefined || value.trim() === '')
      throw new UsageError(`verify: environment variable ${name} is not set or empty`);
    keys = readKeys(value, `environment variable ${name}`);
  }
  const publicKeyFile = values['public-key'];
  const publicKey = publicKeyFile === undefined ? undefined : readFileFor(publicKeyFile, '--public-key');

  const { rotated, current } = await listLogFiles(path);
  const files = [...rotated, ...(current === undefined ? [] : [current])];
  let bytes = 0;
  for (const file of files) bytes += statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  const progress =
    bytes >= (io.progress?.minBytes ?? progressThreshold)
      ? startProgress(
          io,
          `verifying ${(bytes / 2 ** 20).toFixed(0)} MiB in ${files.length} file${files.length === 1 ? '' : 's'}`,
          io.progress?.intervalMs ?? (io.stderr.isTTY === true ? 100 : 2000),
        )
      : undefined;
  let report: Awaited<ReturnType<typeof verifyAuditLog>>;
  try {
    report = await verifyAuditLog({
      path,
      key: keys,
      ...(publicKey === undefined ? {} : { publicKey }),
      ...(progress === undefined
        ? {}
        : {
            onProgress: (read: number, total: number) =>
              progress.update(total > 0 ? read / total : undefined),
          }),
    });
  } catch (error) {
    // Bad options (a key shorter than 32 bytes, a public key that is not Ed25519): the message
    // names the option, never the key.
    if (isSecbotError(error) && error.code === 'CONFIG_INVALID') {
      const name = (path: string): string =>
        path.startsWith('key')
          ? `MAC key${path.slice(3)}`
          : path.startsWith('publicKey')
            ? '--public-key'
            : path;
      const issues = error.issues?.map((issue) => `${name(issue.path)}: ${issue.message}`).join('; ');
      throw new UsageError(`verify: ${issues ?? 'invalid options'}`);
    }
    throw error;
  } finally {
    progress?.done();
  }
  if (report.ok) {
    const tail = report.tornTail ? ' (a torn last line from a crash was ignored)' : '';
    io.stdout.write(
      `ok: ${report.count} lines in ${report.files} file${report.files === 1 ? '' : 's'}, ${report.checkpoints} checkpoints${tail}\n`,
    );
    return 0;
  }
  const error = report.error;
  const where =
    error?.file === undefined ? '' : ` (${error.file}${error.line === undefined ? '' : `:${error.line}`})`;
  io.stdout.write(
    `FAILED at seq ${error?.seq ?? '?'}: ${error?.reason ?? 'unknown'}${where}: ${error?.message ?? ''}\n` +
      `${report.count} lines verified before it\n`,
  );
  return 1;
}
