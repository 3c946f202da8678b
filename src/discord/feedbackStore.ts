import { createHmac } from 'node:crypto';
import path from 'node:path';
import type { Citation } from '../answer/types.js';
import { closeDataDatabase, openDataDatabase, openExisting, pruneIfDue, type DatabaseOptions, type Db } from './database.js';
import { loadOrCreateSecret } from './installationSecret.js';
import { hasStrings, isCitationList, isObject } from './recordShapes.js';
import type { FeedbackSink } from '../state/types.js';

export type Vote = 'up' | 'down';

/**
 * One 👍/👎, self-contained so it can be read without the answer log (whose records expire). The user is only a
 * hash. Past the retention the answer text and quotes are dropped (read back as '' and []); vote and question stay.
 */
export interface FeedbackRecord {
  time: string;
  vote: Vote;
  answerKey: string;
  question: string;
  answer: string;
  citations: Pick<Citation, 'n' | 'source' | 'start' | 'end' | 'quote'>[];
  userHash: string;
  guildId: string | null;
}

/** A feedback record the summary can use: every field present with its type. */
export function isFeedbackRecord(value: unknown): value is FeedbackRecord {
  return (
    isObject(value) &&
    hasStrings(value, ['time', 'answerKey', 'question', 'answer', 'userHash']) &&
    (value.vote === 'up' || value.vote === 'down') &&
    (value.guildId === null || typeof value.guildId === 'string') &&
    isCitationList(value.citations)
  );
}

/**
 * The user id as HMAC-SHA256 under this installation's secret: stable, so a changed vote replaces the old one,
 * but no one without the secret can check a known user id against the file.
 */
export function hashUserId(userId: string, secret: Buffer): string {
  return createHmac('sha256', secret).update(userId).digest('hex');
}

/** Where the secret lives by default: beside the database holding the hashes it protects. */
export function defaultSecretFile(databaseFile: string): string {
  return path.join(path.dirname(databaseFile), 'user-hash.secret');
}

/** The readable records, and how many records were skipped as unreadable (a field missing or of the wrong kind). */
export interface FeedbackContents {
  records: FeedbackRecord[];
  skipped: number;
}

interface FeedbackRow {
  time_ms: number;
  vote: string;
  answer_key: string;
  question: string;
  answer: string | null;
  citations: string | null;
  user_hash: string;
  guild_id: string | null;
}

function fromRow(row: FeedbackRow): FeedbackRecord | undefined {
  let citations: unknown = [];
  if (row.citations !== null) {
    try {
      citations = JSON.parse(row.citations);
    } catch {
      return undefined;
    }
  }
  const value = {
    time: Number.isFinite(row.time_ms) ? new Date(row.time_ms).toISOString() : undefined,
    vote: row.vote,
    answerKey: row.answer_key,
    question: row.question,
    answer: row.answer ?? '',
    citations,
    userHash: row.user_hash,
    guildId: row.guild_id,
  };
  return isFeedbackRecord(value) ? value : undefined;
}

/** Every feedback record of a database, oldest first, and the number of unreadable ones. */
export function readFeedback(db: Db): FeedbackContents {
  const records: FeedbackRecord[] = [];
  let skipped = 0;
  let rows: FeedbackRow[];
  try {
    rows = db.prepare('SELECT time_ms, vote, answer_key, question, answer, citations, user_hash, guild_id FROM feedback ORDER BY time_ms, id').all() as FeedbackRow[];
  } catch (error) {
    // A database the bot has not written feedback to yet.
    if (/no such table/.test(String((error as Error).message))) return { records, skipped };
    throw error;
  }
  for (const row of rows) {
    const record = fromRow(row);
    if (record) records.push(record);
    else skipped += 1;
  }
  return { records, skipped };
}

/**
 * The 👍/👎 table of the data database (DATA_DB_FILE). Each vote is a row; a changed vote is a new row (the summary
 * counts the latest per user and answer). A failed write is thrown to the caller; the next call opens again.
 */
export class FeedbackStore implements FeedbackSink {
  private secret: Promise<Buffer> | null = null;
  readonly secretFile: string;

  constructor(
    readonly file: string,
    private readonly options: DatabaseOptions & { secretFile?: string } = {},
  ) {
    this.secretFile = options.secretFile ?? defaultSecretFile(file);
  }

  /** The hash stored for a user; the secret is read (or generated) on first use, and retried if that failed. */
  async hashUser(userId: string): Promise<string> {
    this.secret ??= loadOrCreateSecret(this.secretFile);
    try {
      return hashUserId(userId, await this.secret);
    } catch (error) {
      this.secret = null;
      throw error;
    }
  }

  async record(record: FeedbackRecord): Promise<void> {
    this.use((db) =>
      db
        .prepare('INSERT INTO feedback (time_ms, vote, answer_key, question, answer, citations, user_hash, guild_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(Date.parse(record.time), record.vote, record.answerKey, record.question, record.answer, JSON.stringify(record.citations), record.userHash, record.guildId),
    );
  }

  async readAll(): Promise<FeedbackRecord[]> {
    return (await this.read()).records;
  }

  /** The records and the number of unreadable ones skipped. */
  async read(): Promise<FeedbackContents> {
    return this.use((db) => readFeedback(db));
  }

  /** Writes are already on disk; closes the connection (the next call opens it again). */
  async flush(): Promise<void> {
    closeDataDatabase(this.file);
  }

  private use<T>(work: (db: Db) => T): T {
    const open = openDataDatabase(this.file, this.options);
    try {
      pruneIfDue(open);
      return work(open.db);
    } catch (error) {
      closeDataDatabase(this.file);
      throw error;
    }
  }
}

/** `npm run feedback`: the feedback of an existing database, without creating or changing anything. */
export function readFeedbackFile(file: string): FeedbackContents {
  const db = openExisting(file);
  if (!db) return { records: [], skipped: 0 };
  try {
    return readFeedback(db);
  } finally {
    db.close();
  }
}

export interface FeedbackSummary {
  total: number;
  up: number;
  down: number;
  voters: number;
  /** Latest vote per (user, answer): a changed mind counts once. */
  byQuestion: { question: string; up: number; down: number }[];
}

export function summarizeFeedback(records: FeedbackRecord[]): FeedbackSummary {
  const latest = new Map<string, FeedbackRecord>();
  for (const r of records) latest.set(`${r.userHash}:${r.answerKey}`, r);
  const votes = [...latest.values()];
  const byQuestion = new Map<string, { question: string; up: number; down: number }>();
  for (const v of votes) {
    const key = v.question.trim().toLowerCase();
    const entry = byQuestion.get(key) ?? { question: v.question, up: 0, down: 0 };
    entry[v.vote] += 1;
    byQuestion.set(key, entry);
  }
  return {
    total: votes.length,
    up: votes.filter((v) => v.vote === 'up').length,
    down: votes.filter((v) => v.vote === 'down').length,
    voters: new Set(votes.map((v) => v.userHash)).size,
    byQuestion: [...byQuestion.values()].sort((a, b) => b.down - a.down || b.up + b.down - (a.up + a.down)),
  };
}
