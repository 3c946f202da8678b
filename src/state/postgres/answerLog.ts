import type pg from 'pg';
import { isLoggedAnswer, newAnswerKey, type LoggedAnswer } from '../../discord/answerLog.js';
import { DEFAULT_RETENTION_DAYS, PRUNE_EVERY_MS } from '../../discord/database.js';
import type { AnswerStore } from '../types.js';
import { StateUnavailableError } from '../errors.js';
import { toMs } from './connection.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface PostgresAnswerLogOptions {
  retentionDays?: number;
  now?: () => number;
  /** Answers kept in memory (PostgreSQL is asked only for older ones or another process's). */
  memoryLimit?: number;
}

interface AnswerRow {
  key: string;
  time_ms: string;
  kind: string;
  mode: string;
  abstained: boolean;
  question: string;
  answer: string;
  citations: unknown;
}

function fromRow(row: AnswerRow): LoggedAnswer | undefined {
  const time = toMs(row.time_ms);
  const { key, kind, mode, abstained, question, answer, citations } = row;
  const value = { key, time: Number.isFinite(time) ? new Date(time).toISOString() : undefined, kind, mode, abstained, question, answer, citations };
  return isLoggedAnswer(value) ? value : undefined;
}

/**
 * The answer log on PostgreSQL: any shard finds an answer another shard (or this one before a restart) gave.
 * Retention as with SQLite: answers older than ANSWER_LOG_RETENTION_DAYS are deleted, and feedback past that age
 * loses its answer text and quotes, at start and then at most hourly (one indexed range delete, whichever process
 * gets there first). A failed write is thrown: the caller sends the answer without buttons.
 */
export class PostgresAnswerLog implements AnswerStore {
  readonly location = 'PostgreSQL (DATABASE_URL)';
  private readonly recent = new Map<string, LoggedAnswer>();
  private readonly retentionMs: number;
  private readonly now: () => number;
  private readonly memoryLimit: number;
  private lastPrune = 0;

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresAnswerLogOptions = {},
  ) {
    this.retentionMs = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS;
    this.now = options.now ?? Date.now;
    this.memoryLimit = options.memoryLimit ?? 2000;
  }

  async add(entry: Omit<LoggedAnswer, 'key' | 'time'>): Promise<LoggedAnswer> {
    const nowMs = this.now();
    const logged: LoggedAnswer = { key: newAnswerKey(), time: new Date(nowMs).toISOString(), ...entry };
    if (nowMs - this.lastPrune >= PRUNE_EVERY_MS) await this.prune();
    await this.pool.query({
      name: 'answer-insert',
      text: 'INSERT INTO answers (key, time_ms, kind, mode, abstained, question, answer, citations) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      values: [logged.key, nowMs, logged.kind, logged.mode, logged.abstained, logged.question, logged.answer, JSON.stringify(logged.citations)],
    });
    this.remember(logged);
    return logged;
  }

  async get(key: string): Promise<LoggedAnswer | undefined> {
    const cached = this.recent.get(key);
    if (cached && !this.expired(cached)) return cached;
    this.recent.delete(key);
    let rows: AnswerRow[];
    try {
      ({ rows } = await this.pool.query<AnswerRow>('SELECT key, time_ms, kind, mode, abstained, question, answer, citations FROM answers WHERE key = $1', [key]));
    } catch {
      throw new StateUnavailableError('I cannot reach my database right now, so this button does not work for a moment. Please try again shortly.');
    }
    const found = rows[0] && fromRow(rows[0]);
    if (!found || this.expired(found)) return undefined;
    this.remember(found);
    return found;
  }

  /** Deletes answers past the retention and strips the text of feedback past it. */
  async prune(): Promise<{ answers: number; feedback: number }> {
    const cutoff = this.now() - this.retentionMs;
    const answers = await this.pool.query('DELETE FROM answers WHERE time_ms < $1', [cutoff]);
    const feedback = await this.pool.query('UPDATE feedback SET answer = NULL, citations = NULL WHERE time_ms < $1 AND (answer IS NOT NULL OR citations IS NOT NULL)', [cutoff]);
    this.lastPrune = this.now();
    return { answers: answers.rowCount ?? 0, feedback: feedback.rowCount ?? 0 };
  }

  /** Every write is committed when it returns; the pool is closed by its owner. */
  async flush(): Promise<void> {}

  private expired(entry: LoggedAnswer): boolean {
    return Date.parse(entry.time) < this.now() - this.retentionMs;
  }

  private remember(entry: LoggedAnswer): void {
    this.recent.set(entry.key, entry);
    if (this.recent.size > this.memoryLimit) this.recent.delete(this.recent.keys().next().value as string);
  }
}
