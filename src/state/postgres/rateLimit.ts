import type pg from 'pg';
import { RateLimiter } from '../../discord/rateLimiter.js';
import type { RateLimit, RateVerdict } from '../types.js';

/**
 * One statement per hit, atomic per key: the upsert locks the bucket's row, keeps the hits still inside the
 * window, appends this one only if there is room, and says whether it did. Two shards taking the same user's
 * last slot at once are serialised by the row lock, so exactly one gets it.
 */
const TAKE = `
INSERT INTO rate_buckets AS b (key, hits, allowed, updated_ms) VALUES ($1, ARRAY[$2::bigint], true, $2)
ON CONFLICT (key) DO UPDATE SET
  allowed = cardinality(ARRAY(SELECT h FROM unnest(b.hits) h WHERE h > $2 - $3)) < $4,
  hits = CASE WHEN cardinality(ARRAY(SELECT h FROM unnest(b.hits) h WHERE h > $2 - $3)) < $4
    THEN ARRAY(SELECT h FROM unnest(b.hits) h WHERE h > $2 - $3) || $2::bigint
    ELSE ARRAY(SELECT h FROM unnest(b.hits) h WHERE h > $2 - $3) END,
  updated_ms = $2
RETURNING allowed, hits[1] AS oldest`;

const RETRY_AFTER_FAILURE_MS = 2000;

/**
 * A sliding-window limiter shared by every shard through PostgreSQL (keys are prefixed with the limiter's name).
 * When PostgreSQL cannot be reached, this process's own in-memory limiter decides instead (the limit then holds
 * per process until the database is back), and `onFallback` is told once per outage.
 */
export class PostgresRateLimit implements RateLimit {
  private readonly local: RateLimiter;
  private failing = false;
  private lastSweep = 0;
  /** After a failure PostgreSQL is not asked again for a while: an unreachable host would cost every check its
   * connect timeout, before the acknowledgement Discord wants within 3 s. */
  private retryAt = 0;

  constructor(
    private readonly pool: pg.Pool,
    readonly name: string,
    readonly perMinute: number,
    private readonly onFallback: (down: boolean, error?: unknown) => void = () => undefined,
    private readonly windowMs = 60_000,
  ) {
    this.local = new RateLimiter(perMinute, windowMs);
  }

  async take(key: string, now = Date.now()): Promise<RateVerdict> {
    if (this.perMinute <= 0) return { ok: true };
    if (Date.now() < this.retryAt) return this.local.take(key, now);
    try {
      // Named: prepared once per connection, since it runs before every acknowledgement.
      const { rows } = await this.pool.query<{ allowed: boolean; oldest: string }>({ name: 'rate-take', text: TAKE, values: [`${this.name}:${key}`, now, this.windowMs, this.perMinute] });
      if (this.failing) {
        this.failing = false;
        this.onFallback(false);
      }
      void this.sweep(now);
      const row = rows[0];
      return row.allowed ? { ok: true } : { ok: false, retryAfterMs: Math.max(1, Number(row.oldest) + this.windowMs - now) };
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        this.onFallback(true, error);
      }
      this.retryAt = Date.now() + RETRY_AFTER_FAILURE_MS;
      return this.local.take(key, now);
    }
  }

  /** Buckets untouched for a whole window hold nothing: dropped about once a window by each process. */
  private async sweep(now: number): Promise<void> {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    await this.pool.query('DELETE FROM rate_buckets WHERE updated_ms < $1', [now - this.windowMs]).catch(() => undefined);
  }
}
