/**
 * Acknowledgements (deferred replies) on their way to Discord. Answers computed on the main thread wait for them
 * (`settled`) before they start: sending an acknowledgement takes a few turns of the event loop (a connection
 * to open, a socket to write), and an answer computed in between delays each of those turns by its whole length.
 * The wait is bounded: past `maxWaitMs` the request has long been written and the rest is Discord's round trip,
 * which an answer need not wait for (interactions arriving back to back would otherwise starve the answers).
 */
export class PendingAcks {
  private pending = 0;
  private readonly waiters = new Set<() => void>();

  get size(): number {
    return this.pending;
  }

  /** Counts `ack` as pending until it settles (either way). */
  track(ack: Promise<unknown>): void {
    this.pending += 1;
    const settle = () => {
      this.pending -= 1;
      if (this.pending === 0) for (const wake of [...this.waiters]) wake();
    };
    ack.then(settle, settle);
  }

  /** Resolves once no acknowledgement is pending, or after `maxWaitMs`, whichever comes first. */
  settled(maxWaitMs: number): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, maxWaitMs);
      this.waiters.add(wake);
    });
  }
}
