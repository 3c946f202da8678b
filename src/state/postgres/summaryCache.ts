import type pg from 'pg';
import { isSummaryResult } from '../../summary/cache.js';
import type { SummaryResult } from '../../summary/types.js';
import type { SummaryStore } from '../types.js';

/**
 * The summary cache on PostgreSQL, shared by every shard: a summary made on one is a hit on all. Bounded like
 * the file cache: past `maxEntries`, the least recently used rows go. A failed read or write is a miss (the
 * summary is made again), never an error for the user.
 */
export class PostgresSummaryCache implements SummaryStore {
  constructor(
    private readonly pool: pg.Pool,
    readonly maxEntries: number,
  ) {}

  get enabled(): boolean {
    return this.maxEntries > 0;
  }

  async get(key: string): Promise<SummaryResult | null> {
    if (!this.enabled) return null;
    try {
      const { rows } = await this.pool.query<{ result: unknown }>('UPDATE summary_cache SET used_ms = $2 WHERE key = $1 RETURNING result', [key, Date.now()]);
      const result = rows[0]?.result;
      return isSummaryResult(result) ? result : null;
    } catch {
      return null;
    }
  }

  async set(key: string, result: SummaryResult): Promise<void> {
    if (!this.enabled) return;
    try {
      await this.pool.query(
        'INSERT INTO summary_cache (key, result, used_ms) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET result = EXCLUDED.result, used_ms = EXCLUDED.used_ms',
        [key, JSON.stringify({ ...result, cached: false }), Date.now()],
      );
      await this.pool.query('DELETE FROM summary_cache WHERE key IN (SELECT key FROM summary_cache ORDER BY used_ms DESC, key OFFSET $1)', [this.maxEntries]);
    } catch {
      // A cache that cannot be written is only slower.
    }
  }
}
