import type { CliIo } from './usage.js';

/** A progress display on stderr: a redrawn bar on a TTY, otherwise a line every few seconds. */
export interface Progress {
  /** Report a fraction in [0, 1], or `undefined` when only the elapsed time is known. */
  update(fraction?: number): void;
  /** Stop and clear the bar. */
  done(): void;
}

const width = 30;

/**
 * Start a progress display for a long task.
 *
 * @param io - Where to write (only stderr is used).
 * @param label - What is being done, e.g. `verifying 240 MiB in 3 files`.
 * @param intervalMs - Redraw (TTY) or print (non-TTY) period.
 */
export function startProgress(io: CliIo, label: string, intervalMs: number): Progress {
  const started = Date.now();
  const tty = io.stderr.isTTY === true;
  let fraction: number | undefined;
  let frame = 0;
  const seconds = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const draw = (): void => {
    if (tty) {
      let bar: string;
      if (fraction === undefined) {
        // Unknown progress: a block bouncing along the bar.
        const at = frame++ % (2 * (width - 3));
        const pos = at < width - 3 ? at : 2 * (width - 3) - at;
        bar = `${' '.repeat(pos)}===${' '.repeat(width - 3 - pos)}`;
      } else {
        const filled = Math.round(fraction * width);
        bar = `${'='.repeat(filled)}${' '.repeat(width - filled)}`;
      }
      const pct = fraction === undefined ? '' : ` ${(fraction * 100).toFixed(0)}%`;
      io.stderr.write(`\r${label} [${bar}]${pct} ${seconds()}\x1b[K`);
    } else {
      const pct = fraction === undefined ? '' : ` ${(fraction * 100).toFixed(0)}%`;
      io.stderr.write(`${label}:${pct} ${seconds()} elapsed\n`);
    }
  };
  const timer = setInterval(draw, intervalMs);
  timer.unref();
  return {
    update(value) {
      fraction = value === undefined ? undefined : Math.min(1, Math.max(0, value));
    },
    done() {
      clearInterval(timer);
      if (tty) io.stderr.write('\r\x1b[K');
    },
  };
}
