import { type FSWatcher, type StatsListener, unwatchFile, watch, watchFile } from 'node:fs';
import { dirname } from 'node:path';

export interface WatchFilesOptions {
  /** Quiet time after the last event before `onChange` runs, so a multi-file update lands once. */
  readonly debounceMs: number;
  /** Also poll each file's `stat` this often (0: never), for file systems without change events. */
  readonly pollIntervalMs: number;
  /** Something may have changed; the caller compares contents. */
  readonly onChange: () => void;
  /** A directory could not be watched; polling (if on) still runs. */
  readonly onWatchError: (dir: string, cause: unknown) => void;
}

/**
 * Watch files for replacement. Watches each file's directory rather than the file itself, so
 * atomic replacement (write a temp file, rename over), certbot's symlinks and Kubernetes secret
 * volumes (a `..data` symlink swapped) are all seen. Nothing here keeps the process alive.
 *
 * @returns A function that stops watching; calling it twice is harmless.
 */
export function watchFiles(paths: readonly string[], options: WatchFilesOptions): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (): void => {
    if (stopped) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!stopped) options.onChange();
    }, options.debounceMs);
    timer.unref();
  };

  const watchers: FSWatcher[] = [];
  for (const dir of new Set(paths.map((path) => dirname(path)))) {
    try {
      const watcher = watch(dir, { persistent: false }, schedule);
      watcher.on('error', (cause) => {
        watcher.close();
        options.onWatchError(dir, cause);
      });
      watchers.push(watcher);
    } catch (cause) {
      options.onWatchError(dir, cause);
    }
  }

  const polled: string[] = [];
  const onStat: StatsListener = (current, previous) => {
    if (
      current.mtimeMs !== previous.mtimeMs ||
      current.ino !== previous.ino ||
      current.size !== previous.size
    ) {
      schedule();
    }
  };
  if (options.pollIntervalMs > 0) {
    for (const path of new Set(paths)) {
      watchFile(path, { persistent: false, interval: options.pollIntervalMs }, onStat);
      polled.push(path);
    }
  }

  return () => {
    if (stopped) return;
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
    for (const path of polled) unwatchFile(path, onStat);
  };
}
