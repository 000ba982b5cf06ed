import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A mistake in the command line: printed with a hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where a command writes; injectable so tests need no child process. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly env: NodeJS.ProcessEnv;
  /** Progress display tuning (tests): smallest log shown, redraw period. */
  readonly progress?: { readonly minBytes?: number; readonly intervalMs?: number };
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseCommandArgs} returns for the options `O`. */
export type ParsedArgs<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/**
 * `parseArgs`, strict, with its errors turned into {@link UsageError}s that name the argument.
 *
 * @param args - The arguments after the command name.
 * @param options - The accepted options.
 */
export function parseCommandArgs<O extends Options>(args: readonly string[], options: O): ParsedArgs<O> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // node's messages name the option; cut its generic advice on `--` positionals.
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
}

/** Exactly one positional argument (the log path). */
export function onePath(positionals: readonly string[], command: string): string {
  if (positionals.length === 0) throw new UsageError(`${command}: missing <path> to the audit log`);
  if (positionals.length > 1)
    throw new UsageError(`${command}: unexpected argument "${positionals[1]}" (only one <path> is accepted)`);
  const path = positionals[0] as string;
  if (path.trim() === '') throw new UsageError(`${command}: <path> is empty`);
  return path;
}
