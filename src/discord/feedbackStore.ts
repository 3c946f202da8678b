import { createHmac } from 'node:crypto';
import path from 'node:path';
import type { Citation } from '../answer/types.js';
import { loadOrCreateSecret } from './installationSecret.js';
import { JsonlFile, type JsonlContents } from './jsonlFile.js';
import { hasStrings, isCitationList, isObject } from './recordShapes.js';

export type Vote = 'up' | 'down';

/** One 👍/👎, self-contained so the file can be read without the answer log. The user is only a hash. */
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

/** A feedback line the summary can use: every field present with its type. */
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

/** Where the secret lives by default: beside the feedback it protects. */
export function defaultSecretFile(feedbackFile: string): string {
  return path.join(path.dirname(feedbackFile), 'user-hash.secret');
}

/** FEEDBACK_FILE: append-only JSONL, flushed on shutdown. */
export class FeedbackStore {
  private readonly file: JsonlFile<FeedbackRecord>;
  private secret: Promise<Buffer> | null = null;

  constructor(
    path: string,
    readonly secretFile = defaultSecretFile(path),
  ) {
    this.file = new JsonlFile(path, isFeedbackRecord);
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

  record(record: FeedbackRecord): Promise<void> {
    return this.file.append(record);
  }

  readAll(): Promise<FeedbackRecord[]> {
    return this.file.readAll();
  }

  /** The records and the number of unreadable lines skipped. */
  read(): Promise<JsonlContents<FeedbackRecord>> {
    return this.file.read();
  }

  flush(): Promise<void> {
    return this.file.flush();
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
