import { randomBytes } from 'node:crypto';
import type { AnswerMode, Citation } from '../answer/types.js';
import { closeDataDatabase, openDataDatabase, pruneIfDue, DEFAULT_RETENTION_DAYS, type DatabaseOptions } from './database.js';
import { hasStrings, isCitationList, isObject } from './recordShapes.js';
import type { AnswerStore } from '../state/types.js';

/** What a button needs to act on an answer after a restart: stored under a short key carried in its custom_id. */
export interface LoggedAnswer {
  key: string;
  time: string;
  kind: 'answer' | 'summary';
  question: string;
  answer: string;
  mode: AnswerMode;
  abstained: boolean;
  citations: Citation[];
}

/** A record of the answer log that a button can use: every field present with its type. */
export function isLoggedAnswer(value: unknown): value is LoggedAnswer {
  return (
    isObject(value) &&
    hasStrings(value, ['key', 'time', 'question', 'answer', 'mode']) &&
    (value.kind === 'answer' || value.kind === 'summary') &&
    typeof value.abstained === 'boolean' &&
    isCitationList(value.citations)
  );
}

/** Keys are 10 base64url characters (60 bits): short enough for custom_id (≤ 100), not guessable. */
export function newAnswerKey(): string {
  return randomBytes(8).toString('base64url').slice(0, 10);
}

interface AnswerRow {
  key: string;
  time_ms: number;
  kind: string;
  mode: string;
  abstained: number;
  question: string;
  answer: string;
  citations: string;
}

/** A row as a LoggedAnswer, or undefined when it is damaged (citations not JSON, a field of the wrong kind). */
function fromRow(row: AnswerRow): LoggedAnswer | undefined {
  let citations: unknown;
  try {
    citations = JSON.parse(row.citations);
  } catch {
    return undefined;
  }
  const value = {
    key: row.key,
    time: Number.isFinite(row.time_ms) ? new Date(row.time_ms).toISOString() : undefined,
    kind: row.kind,
    question: row.question,
    answer: row.answer,
    mode: row.mode,
    abstained: row.abstained === 1 ? true : row.abstained === 0 ? false : undefined,
    citations,
  };
  return isLoggedAnswer(value) ? value : undefined;
}

export interface AnswerLogOptions extends DatabaseOptions {
  /** Answers kept in memory (the database is asked only for older ones). */
  memoryLimit?: number;
}

/**
 * Answers the bot has given, in the data database (DATA_DB_FILE), so "Show sources" and 👍/👎 keep working after a
 * restart, for `retentionDays` (ANSWER_LOG_RETENTION_DAYS): older records, question and answer text included, are
 * deleted (at open and then hourly) and their buttons say the answer is gone. Recent entries are kept in memory;
 * older ones are looked up by key. Writes are synchronous SQLite inserts; a failure (unusable path, corrupt file)
 * is thrown to the caller and the next call opens the database again.
 */
export class AnswerLog implements AnswerStore {
  private readonly recent = new Map<string, LoggedAnswer>();
  private readonly memoryLimit: number;
  private readonly retentionMs: number;
  private readonly now: () => number;

  constructor(
    readonly file: string,
    private readonly options: AnswerLogOptions = {},
  ) {
    this.memoryLimit = options.memoryLimit ?? 2000;
    this.retentionMs = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * 24 * 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  get location(): string {
    return this.file;
  }

  async add(entry: Omit<LoggedAnswer, 'key' | 'time'>): Promise<LoggedAnswer> {
    const nowMs = this.now();
    const logged: LoggedAnswer = { key: newAnswerKey(), time: new Date(nowMs).toISOString(), ...entry };
    this.use((open) => {
      pruneIfDue(open);
      open.db
        .prepare('INSERT INTO answers (key, time_ms, kind, mode, abstained, question, answer, citations) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(logged.key, nowMs, logged.kind, logged.mode, logged.abstained ? 1 : 0, logged.question, logged.answer, JSON.stringify(logged.citations));
    });
    this.remember(logged);
    return logged;
  }

  async get(key: string): Promise<LoggedAnswer | undefined> {
    const cached = this.recent.get(key);
    if (cached) {
      if (!this.expired(cached)) return cached;
      this.recent.delete(key);
      return undefined;
    }
    const row = this.use((open) => open.db.prepare('SELECT * FROM answers WHERE key = ?').get(key) as AnswerRow | undefined);
    const found = row && fromRow(row);
    if (!found || this.expired(found)) return undefined;
    this.remember(found);
    return found;
  }

  /** Writes are already on disk; closes the connection (the next call opens it again). */
  async flush(): Promise<void> {
    closeDataDatabase(this.file);
  }

  private expired(entry: LoggedAnswer): boolean {
    return Date.parse(entry.time) < this.now() - this.retentionMs;
  }

  private use<T>(work: (open: ReturnType<typeof openDataDatabase>) => T): T {
    const open = openDataDatabase(this.file, this.options);
    try {
      return work(open);
    } catch (error) {
      closeDataDatabase(this.file);
      throw error;
    }
  }

  private remember(entry: LoggedAnswer): void {
    this.recent.set(entry.key, entry);
    if (this.recent.size > this.memoryLimit) this.recent.delete(this.recent.keys().next().value as string);
  }
}
