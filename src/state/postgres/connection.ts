import pg from 'pg';

/**
 * A small pool for one process. Short connect and query timeouts: when PostgreSQL is away, a button or a rate
 * check must fail in about a second (and the caller fall back), not hang the interaction past Discord's 3 s.
 */
export function createPool(url: string, options: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 8, connectionTimeoutMillis: 1500, query_timeout: 5000, idleTimeoutMillis: 10_000 });
  // An idle connection dropped by a server restart is reported here; the next query simply reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** BIGINT columns arrive as strings (they may exceed 2^53); ours are epoch milliseconds. */
export const toMs = (value: string | number): number => Number(value);
