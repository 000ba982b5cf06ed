// The `secbot-audit` dispatcher, separate from the bin entry so tests can run it in-process.
import { queryCommand } from './query-command.js';
import { type CliIo, UsageError } from './usage.js';
import { verifyCommand } from './verify-command.js';

export const mainHelp = `Usage: secbot-audit <command> [options]

Commands:
  verify <path> (--key-file F | --key-env VAR) [--public-key F]   check the hash chain, MACs and checkpoints
  query <path> [filters] [--format json|table] [--limit N]        print matching events

Run "secbot-audit <command> --help" for a command's options.
`;

/**
 * Run the command line.
 *
 * @param argv - Arguments after the program name.
 * @param io - Streams and environment.
 * @returns The exit code: 0 ok, 1 verification failed or an unexpected error, 2 usage error.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'verify':
        return await verifyCommand(rest, io);
      case 'query':
        return await queryCommand(rest, io);
      case undefined:
        io.stderr.write(mainHelp);
        return 2;
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(mainHelp);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}" (expected verify or query)`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `secbot-audit: ${error.message}\nRun "secbot-audit ${command === 'verify' || command === 'query' ? `${command} ` : ''}--help" for usage.\n`,
      );
      return 2;
    }
    // A SecbotError message never carries a secret; anything else is reported by name only.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
    io.stderr.write(`secbot-audit: ${message}\n`);
    return 1;
  }
}
