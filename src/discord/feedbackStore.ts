import { createHash } from 'node:crypto';
import type { Citation } from '../answer/types.js';
import { JsonlFile } from './jsonlFile.js';

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

export function hashUserId(userId: string): string {
  return createHash('sha256').update(`briefing-bot:${userId}`).digest('hex');
}

/** FEEDBACK_FILE: append-only JSONL, flushed on shutdown. */
export class FeedbackStore {
  private readonly file: JsonlFile<FeedbackRecord>;

  constructor(path: string) {
    this.file = new JsonlFile(path);
  }

  record(record: FeedbackRecord): Promise<void> {
    return this.file.append(record);
  }

  readAll(): Promise<FeedbackRecord[]> {
    return this.file.readAll();
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
