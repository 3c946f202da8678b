/**
 * Replies being prepared. On shutdown they get a grace period to finish; the ones still running are failed
 * politely (the user sees "please ask again", never a hanging "thinking…").
 */
export class InFlight {
  private readonly running = new Map<number, { done: Promise<unknown>; fail: () => Promise<unknown> }>();
  private next = 0;

  get size(): number {
    return this.running.size;
  }

  track<T>(work: Promise<T>, fail: () => Promise<unknown>): Promise<T> {
    const id = this.next++;
    const done = work.finally(() => this.running.delete(id));
    this.running.set(id, { done: done.catch(() => undefined), fail });
    return done;
  }

  /** Waits up to `graceMs` for everything running, then fails what is left. */
  async drain(graceMs: number): Promise<{ finished: number; failed: number }> {
    const before = this.running.size;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.running.values()].map((r) => r.done)),
      new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    const left = [...this.running.values()];
    await Promise.all(left.map((r) => r.fail().catch(() => undefined)));
    return { finished: before - left.length, failed: left.length };
  }
}
