import path from 'node:path';
import { watch } from 'chokidar';
import { oneLine } from '../errors.js';

export interface SeedWatcherOptions {
  /** Quiet time after the last change before the rebuild starts: a copy of many files gives one rebuild. */
  debounceMs?: number;
  /** The rebuild (BriefingService.reindex). Never run twice at once; changes during it give one more run after. */
  rebuild: () => Promise<unknown>;
  log?: (line: string) => void;
}

export interface SeedWatcher {
  /** Resolves once chokidar has read the folder (changes after this are seen). */
  ready: Promise<void>;
  /** Resolves when no rebuild is running or waiting (for tests and shutdown). */
  idle: () => Promise<void>;
  close: () => Promise<void>;
}

export const DEFAULT_DEBOUNCE_MS = 1000;

/**
 * Watches the seeds folder (subfolders too; dotfiles ignored, like the seeds reader does) and runs `rebuild`
 * once per burst of changes. A failed rebuild is logged in one line; the watcher goes on.
 */
export function watchSeeds(seedsDir: string, options: SeedWatcherOptions): SeedWatcher {
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const log = options.log ?? (() => undefined);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let pending = false;
  let closed = false;

  const run = (): void => {
    timer = undefined;
    if (closed) return;
    if (running) {
      pending = true; // one more run once this one ends, for the changes it may have missed
      return;
    }
    running = (async () => {
      try {
        await options.rebuild();
      } catch (error) {
        log(`Rebuild after a change in ${seedsDir} failed: ${oneLine(error)}`);
      }
    })().finally(() => {
      running = undefined;
      if (pending && !closed) {
        pending = false;
        run();
      }
    });
  };

  const changed = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, debounceMs);
  };

  const watcher = watch(seedsDir, {
    ignoreInitial: true,
    ignored: (file) => path.basename(file).startsWith('.') && path.resolve(file) !== path.resolve(seedsDir),
  });
  watcher.on('all', changed);
  watcher.on('error', (error) => log(`Watching ${seedsDir}: ${oneLine(error)}`));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  return {
    ready,
    idle: async () => {
      while (timer || running) {
        if (running) await running;
        else await new Promise((resolve) => setTimeout(resolve, debounceMs));
      }
    },
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}
