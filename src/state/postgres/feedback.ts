import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { hashUserId, isFeedbackRecord, type FeedbackContents, type FeedbackRecord } from '../../discord/feedbackStore.js';
import type { FeedbackSink } from '../types.js';
import { FeedbackDeferredError } from '../errors.js';
import { toMs } from './connection.js';

export { FeedbackDeferredError };

/** Votes held in memory while PostgreSQL is away (a bound, so an outage cannot exhaust memory). */
const MAX_PENDING = 10_000;
const RETRY_MS = 2000;
const SECRET_NAME = 'user-hash-secret';

interface FeedbackRow {
  time_ms: string;
  vote: string;
  answer_key: string;
  question: string;
  answer: string | null;
  citations: unknown;
  user_hash: string;
  guild_id: string | null;
}

function fromRow(row: FeedbackRow): FeedbackRecord | undefined {
  const time = toMs(row.time_ms);
  const value = {
    time: Number.isFinite(time) ? new Date(time).toISOString() : undefined,
    vote: row.vote,
    answerKey: row.answer_key,
    question: row.question,
    answer: row.answer ?? '',
    citations: row.citations ?? [],
    userHash: row.user_hash,
    guildId: row.guild_id,
  };
  return isFeedbackRecord(value) ? value : undefined;
}

/**
 * Feedback on PostgreSQL. The HMAC secret for user ids lives in the database too (created once by whichever
 * process gets there first), so every host hashes a user the same way. When PostgreSQL is away, a vote is kept
 * in memory, the user is told it could not be stored yet, and the pending votes are written, in order, as soon
 * as a retry succeeds.
 */
export class PostgresFeedback implements FeedbackSink {
  private secret: Buffer | null = null;
  private readonly pending: FeedbackRecord[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  /** Votes were deferred and not all written yet (said once when they are). */
  private behind = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly onChange: (event: 'deferred' | 'caught-up', pending: number) => void = () => undefined,
  ) {}

  /** Reads (or creates) the shared secret; called at start so hashing works even when the database goes away. */
  async init(): Promise<void> {
    if (this.secret) return;
    await this.pool.query('INSERT INTO installation (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [SECRET_NAME, randomBytes(32).toString('hex')]);
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM installation WHERE name = $1', [SECRET_NAME]);
    if (!rows[0] || !/^[0-9a-f]{64}$/.test(rows[0].value)) throw new Error('the installation secret in PostgreSQL is missing or damaged');
    this.secret = Buffer.from(rows[0].value, 'hex');
  }

  async hashUser(userId: string): Promise<string> {
    await this.init();
    return hashUserId(userId, this.secret as Buffer);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  async record(record: FeedbackRecord): Promise<void> {
    // Queued first, so a vote cast while earlier ones still wait is written after them.
    if (this.pending.length >= MAX_PENDING) this.pending.shift();
    this.pending.push(record);
    await this.drain();
    if (!this.pending.includes(record)) return;
    this.behind = true;
    this.onChange('deferred', this.pending.length);
    this.scheduleRetry();
    throw new FeedbackDeferredError();
  }

  async read(): Promise<FeedbackContents> {
    const { rows } = await this.pool.query<FeedbackRow>('SELECT time_ms, vote, answer_key, question, answer, citations, user_hash, guild_id FROM feedback ORDER BY time_ms, id');
    const records: FeedbackRecord[] = [];
    let skipped = 0;
    for (const row of rows) {
      const record = fromRow(row);
      if (record) records.push(record);
      else skipped += 1;
    }
    return { records, skipped };
  }

  /** Tries once more to write what is pending (on shutdown); what still fails is lost with the process. */
  async flush(): Promise<void> {
    await this.drain();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private async insert(record: FeedbackRecord): Promise<void> {
    await this.pool.query('INSERT INTO feedback (time_ms, vote, answer_key, question, answer, citations, user_hash, guild_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      Date.parse(record.time),
      record.vote,
      record.answerKey,
      record.question,
      record.answer,
      JSON.stringify(record.citations),
      record.userHash,
      record.guildId,
    ]);
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.drain().then(() => {
        if (this.pending.length > 0) this.scheduleRetry();
      });
    }, RETRY_MS);
    this.retryTimer.unref();
  }

  private drain(): Promise<void> {
    this.draining ??= (async () => {
      try {
        while (this.pending.length > 0) {
          await this.insert(this.pending[0]);
          this.pending.shift();
        }
      } catch {
        // still away; the timer tries again
      } finally {
        this.draining = null;
      }
      if (this.pending.length === 0 && this.behind) {
        this.behind = false;
        this.onChange('caught-up', 0);
      }
    })();
    return this.draining;
  }
}
