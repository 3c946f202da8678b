import type { RateLimit } from '../state/types.js';

/**
 * A sliding-window limiter: at most `perMinute` hits per key in any 60 s. `perMinute = 0` turns it off.
 * Memory stays bounded: a key's timestamps are dropped once they leave the window.
 */
export class RateLimiter implements RateLimit {
  private readonly hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    readonly perMinute: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Records a hit if allowed; otherwise says how long until the next one would be. */
  take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterMs: number } {
    if (this.perMinute <= 0) return { ok: true };
    this.sweep(now);
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.perMinute) {
      this.hits.set(key, recent);
      return { ok: false, retryAfterMs: Math.max(1, recent[0] + this.windowMs - now) };
    }
    recent.push(now);
    this.hits.set(key, recent);
    return { ok: true };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, times] of this.hits) if (times.every((t) => now - t >= this.windowMs)) this.hits.delete(key);
  }
}
