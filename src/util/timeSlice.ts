import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** How long a slice of synchronous work may hold the event loop before it lets timers and I/O run. */
export const SLICE_MS = 8;

/**
 * Splits a long synchronous loop into slices: `if (slice.due()) await slice.pause();` wherever the loop may
 * stop. Only a slice that has run `budgetMs` yields to the event loop; until then a check is one clock read.
 */
export class TimeSlice {
  private started = performance.now();

  constructor(private readonly budgetMs = SLICE_MS) {}

  /** True once the current slice has used its budget. */
  due(): boolean {
    return performance.now() - this.started >= this.budgetMs;
  }

  /** Lets the event loop run (timers, I/O), then starts a new slice. */
  async pause(): Promise<void> {
    await nextTurn();
    this.started = performance.now();
  }
}
