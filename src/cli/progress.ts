import cliProgress from 'cli-progress';
import { loadSettings } from '../configSchema.js';

/**
 * A progress bar on stderr that appears only when the work takes more than a moment and stderr is a terminal
 * (or BRIEFING_PROGRESS=1), so piped JSON output and tests stay clean.
 */
export function createProgress(label: string, delayMs = 500): { update: (done: number, total: number) => void; stop: () => void } {
  const enabled = process.stderr.isTTY || loadSettings().BRIEFING_PROGRESS;
  const started = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(done, total) {
      if (!enabled) return;
      if (!bar && Date.now() - started >= delayMs && done < total) {
        bar = new cliProgress.SingleBar(
          {
            format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`,
            stream: process.stderr,
            hideCursor: true,
            // Without this cli-progress draws nothing when stderr is not a terminal (BRIEFING_PROGRESS=1 in a pipe).
            noTTYOutput: !process.stderr.isTTY,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      }
      bar?.update(done);
      if (bar && bar.getTotal() !== total) bar.setTotal(total);
    },
    stop() {
      bar?.stop();
    },
  };
}
