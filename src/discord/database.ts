import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** better-sqlite3's connection type. */
export type Db = Database.Database;

/** How long answer records (and the text of feedback) are kept when nothing else is said. */
export const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Pruning runs at open and then at most this often, on the next write (one indexed DELETE: cheap). */
export const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * One table per store. Times are epoch milliseconds (indexed, so pruning is a range delete). An answer record
 * holds the question and answer only as long as its buttons work (the retention); feedback keeps the vote and the
 * question it was about, and loses the answer text and quotes at the same age. User ids are only HMAC hashes.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS answers (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  time_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  mode TEXT NOT NULL,
  abstained INTEGER NOT NULL,
  question TEXT NOT NULL,
  answer TEXT NOT NULL,
  citations TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_time ON answers (time_ms);
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  vote TEXT NOT NULL,
  answer_key TEXT NOT NULL,
  question TEXT NOT NULL,
  answer TEXT,
  citations TEXT,
  user_hash TEXT NOT NULL,
  guild_id TEXT
);
CREATE INDEX IF NOT EXISTS feedback_time ON feedback (time_ms);
`;

export interface DatabaseOptions {
  retentionDays?: number;
  /** The clock, for tests. */
  now?: () => number;
}

interface Open {
  db: Db;
  retentionMs: number;
  now: () => number;
  lastPrune: number;
}

/**
 * One connection per database file in this process, shared by the answer log and the feedback store; the options
 * (retention, clock) of whichever opens it first apply until it is closed.
 */
const connections = new Map<string, Open>();

/**
 * The data database (DATA_DB_FILE): opened on first use, in WAL mode, schema created, old records pruned.
 * Opening is retried on every call after a failure, so a path that was unusable (a directory in its place, a
 * corrupt file, no permission) starts working as soon as it is fixed. Errors carry SQLite's code
 * (SQLITE_CANTOPEN, SQLITE_NOTADB, SQLITE_READONLY, …) for the caller's one warning.
 */
export function openDataDatabase(file: string, options: DatabaseOptions = {}): Open {
  const key = path.resolve(file);
  const existing = connections.get(key);
  if (existing) return existing;
  mkdirSync(path.dirname(key), { recursive: true });
  const db = new Database(key, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
  } catch (error) {
    db.close();
    throw error;
  }
  const open: Open = { db, retentionMs: (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS, now: options.now ?? Date.now, lastPrune: 0 };
  connections.set(key, open);
  pruneNow(open);
  return open;
}

/** Deletes answer records past the retention and strips the text of feedback past it. Returns what it changed. */
export function pruneNow(open: Open): { answers: number; feedback: number } {
  const now = open.now();
  const cutoff = now - open.retentionMs;
  const answers = open.db.prepare('DELETE FROM answers WHERE time_ms < ?').run(cutoff).changes;
  const feedback = open.db.prepare('UPDATE feedback SET answer = NULL, citations = NULL WHERE time_ms < ? AND (answer IS NOT NULL OR citations IS NOT NULL)').run(cutoff).changes;
  open.lastPrune = now;
  return { answers, feedback };
}

/** Prunes if the last pruning is older than PRUNE_EVERY_MS. */
export function pruneIfDue(open: Open): void {
  if (open.now() - open.lastPrune >= PRUNE_EVERY_MS) pruneNow(open);
}

/** Closes the shared connection (WAL checkpointed by SQLite on close); the next use opens it again. */
export function closeDataDatabase(file: string): void {
  const key = path.resolve(file);
  const open = connections.get(key);
  if (!open) return;
  connections.delete(key);
  if (open.db.open) open.db.close();
}

/**
 * Opens an existing database for reading (`npm run feedback`); undefined when the file does not exist. Never
 * creates the file or its tables. (Not SQLite's read-only mode: a WAL database needs its -shm file.)
 */
export function openExisting(file: string): Db | undefined {
  if (!existsSync(file)) return undefined;
  return new Database(file, { fileMustExist: true, timeout: 5000 });
}
