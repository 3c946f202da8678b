import type { LoggedAnswer } from '../discord/answerLog.js';
import type { FeedbackContents, FeedbackRecord } from '../discord/feedbackStore.js';
import type { SummaryResult } from '../summary/types.js';

/**
 * The bot's state behind one set of interfaces, so the same handlers run on the embedded single-process default
 * (SQLite and memory: src/discord/answerLog.ts, feedbackStore.ts, rateLimiter.ts, src/summary/cache.ts) or on a
 * PostgreSQL shared by every shard and host (src/state/postgres/, when DATABASE_URL is set).
 */

/** Answers kept for their buttons ("Show sources", 👍/👎), by the short key in the button's custom_id. */
export interface AnswerStore {
  /** Where answers are kept, for operators' log lines: the SQLite file, or "PostgreSQL (DATABASE_URL)". Never a secret. */
  readonly location: string;
  add(entry: Omit<LoggedAnswer, 'key' | 'time'>): Promise<LoggedAnswer>;
  get(key: string): Promise<LoggedAnswer | undefined>;
  flush(): Promise<void>;
}

/** 👍/👎 votes; user ids only as HMAC under the installation's secret. */
export interface FeedbackSink {
  hashUser(userId: string): Promise<string>;
  record(record: FeedbackRecord): Promise<void>;
  read(): Promise<FeedbackContents>;
  flush(): Promise<void>;
}

export type RateVerdict = { ok: true } | { ok: false; retryAfterMs: number };

/** At most `perMinute` hits per key in any 60 s (0 = off). The embedded limiter answers synchronously. */
export interface RateLimit {
  readonly perMinute: number;
  take(key: string, now?: number): RateVerdict | Promise<RateVerdict>;
}

/** Summaries by cache key (src/summary/cache.ts summaryCacheKey). A failed read is a miss. */
export interface SummaryStore {
  readonly enabled: boolean;
  get(key: string): Promise<SummaryResult | null>;
  set(key: string, result: SummaryResult): Promise<void>;
}
