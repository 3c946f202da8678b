import type pg from 'pg';

/**
 * The schema, as numbered steps. Each runs once, in order, inside one transaction with the row that records it;
 * every process applies the missing ones at start under a transaction-level advisory lock, so shards starting
 * together neither race nor fail. Never edit a shipped step: add the next one.
 */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'answers, feedback, installation secret',
    sql: `
CREATE TABLE answers (
  key TEXT PRIMARY KEY,
  time_ms BIGINT NOT NULL,
  kind TEXT NOT NULL,
  mode TEXT NOT NULL,
  abstained BOOLEAN NOT NULL,
  question TEXT NOT NULL,
  answer TEXT NOT NULL,
  citations JSONB NOT NULL
);
CREATE INDEX answers_time ON answers (time_ms);
CREATE TABLE feedback (
  id BIGSERIAL PRIMARY KEY,
  time_ms BIGINT NOT NULL,
  vote TEXT NOT NULL,
  answer_key TEXT NOT NULL,
  question TEXT NOT NULL,
  answer TEXT,
  citations JSONB,
  user_hash TEXT NOT NULL,
  guild_id TEXT
);
CREATE INDEX feedback_time ON feedback (time_ms);
CREATE TABLE installation (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);`,
  },
  {
    version: 2,
    name: 'rate-limit buckets',
    sql: `
CREATE TABLE rate_buckets (
  key TEXT PRIMARY KEY,
  hits BIGINT[] NOT NULL,
  allowed BOOLEAN NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX rate_buckets_updated ON rate_buckets (updated_ms);`,
  },
  {
    version: 3,
    name: 'summary cache',
    sql: `
CREATE TABLE summary_cache (
  key TEXT PRIMARY KEY,
  result JSONB NOT NULL,
  used_ms BIGINT NOT NULL
);
CREATE INDEX summary_cache_used ON summary_cache (used_ms);`,
  },
];

/** Any fixed 64-bit number, the same in every process: the lock that serialises migrations. */
const MIGRATION_LOCK = 7_214_020_931_001;

/** Applies the missing migrations; returns the versions it applied (empty when the schema was current). */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS briefing_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM briefing_migrations')).rows.map((r) => r.version));
    for (const step of MIGRATIONS) {
      if (done.has(step.version)) continue;
      await client.query(step.sql);
      await client.query('INSERT INTO briefing_migrations (version, name) VALUES ($1, $2)', [step.version, step.name]);
      applied.push(step.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
