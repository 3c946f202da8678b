import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { AnswerLog } from '../src/discord/answerLog.js';
import { FeedbackStore, hashUserId, readFeedbackFile, type FeedbackRecord } from '../src/discord/feedbackStore.js';
import { closeDataDatabase, openDataDatabase, PRUNE_EVERY_MS } from '../src/discord/database.js';

/** The data database (DATA_DB_FILE): WAL, retention of answers, feedback text dropped with age, failures thrown. */

const DAY = 24 * 60 * 60 * 1000;
const citation = { n: 1, source: 'seeds/a.txt', start: 0, end: 6, quote: 'Motegi', chunkId: 'c0', score: 1 };
const answer = (question: string) => ({ kind: 'answer' as const, question, answer: 'Motegi [1].', mode: 'extractive' as const, abstained: false, citations: [citation] });

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'data-db-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A clock the test moves. */
function clock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function rawRows(file: string, sql: string): Record<string, unknown>[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe('data database', () => {
  it('is in WAL mode with both tables, and one connection serves the answer log and the feedback', async () => {
    const file = path.join(dir, 'wal', 'briefing.db');
    const log = new AnswerLog(file);
    await log.add(answer('q'));
    const open = openDataDatabase(file);
    expect(open.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(open.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()).toEqual([{ name: 'answers' }, { name: 'feedback' }]);
    await new FeedbackStore(file).record({ time: new Date().toISOString(), vote: 'up', answerKey: 'k', question: 'q', answer: 'a', citations: [], userHash: 'h', guildId: null });
    expect(open.db.prepare('SELECT count(*) AS n FROM feedback').get()).toEqual({ n: 1 });
    await log.flush();
    expect(open.db.open).toBe(false);
    // Closed by flush (shutdown); the next use opens it again.
    expect(await new FeedbackStore(file).readAll()).toHaveLength(1);
    closeDataDatabase(file);
  });

  it('answers past the retention are deleted (at open and hourly), and their buttons find nothing', async () => {
    const file = path.join(dir, 'retention.db');
    const t = clock();
    const log = new AnswerLog(file, { retentionDays: 30, now: t.now });
    const old = await log.add(answer('old question'));
    t.advance(29 * DAY);
    const recent = await log.add(answer('recent question'));
    t.advance(DAY + 1);
    // Past its retention: the cached entry is refused even before the database is pruned.
    expect(await log.get(old.key)).toBeUndefined();
    expect((await log.get(recent.key))?.question).toBe('recent question');
    expect(rawRows(file, 'SELECT key FROM answers ORDER BY time_ms').map((r) => r.key)).toEqual([old.key, recent.key]);
    // The next write more than an hour after the last pruning prunes.
    t.advance(PRUNE_EVERY_MS);
    await log.add(answer('third'));
    expect(rawRows(file, 'SELECT key FROM answers').map((r) => r.key)).not.toContain(old.key);
    expect(rawRows(file, 'SELECT question FROM answers').map((r) => r.question)).not.toContain('old question');
    await log.flush();
    // At open: a restart after a long pause deletes everything past the retention at once.
    t.advance(31 * DAY);
    const later = new AnswerLog(file, { retentionDays: 30, now: t.now });
    expect(await later.get(recent.key)).toBeUndefined();
    expect(rawRows(file, 'SELECT count(*) AS n FROM answers')).toEqual([{ n: 0 }]);
    await later.flush();
  });

  it('the retention is a setting: 1 day keeps an answer for one day only', async () => {
    const file = path.join(dir, 'one-day.db');
    const t = clock();
    const log = new AnswerLog(file, { retentionDays: 1, now: t.now });
    const a = await log.add(answer('q'));
    t.advance(DAY - 1);
    expect(await log.get(a.key)).toBeDefined();
    t.advance(2);
    expect(await log.get(a.key)).toBeUndefined();
    await log.flush();
  });

  it('feedback keeps vote, question and the user hash past the retention, and drops the answer text and quotes', async () => {
    const file = path.join(dir, 'feedback-retention.db');
    const t = clock();
    const store = new FeedbackStore(file, { retentionDays: 30, now: t.now });
    const secret = Buffer.alloc(32, 9);
    const vote = (v: 'up' | 'down', user: string): FeedbackRecord => ({ time: new Date(t.now()).toISOString(), vote: v, answerKey: 'k1', question: 'Who?', answer: 'Motegi [1].', citations: [citation], userHash: hashUserId(user, secret), guildId: '111111111111111111' });
    await store.record(vote('down', '123456789012345678'));
    t.advance(31 * DAY);
    await store.record(vote('up', '223456789012345678'));
    t.advance(PRUNE_EVERY_MS);
    const { records, skipped } = await store.read();
    expect(skipped).toBe(0);
    expect(records.map((r) => [r.vote, r.question, r.answer, r.citations.length])).toEqual([
      ['down', 'Who?', '', 0],
      ['up', 'Who?', 'Motegi [1].', 1],
    ]);
    await store.flush();
    const raw = rawRows(file, 'SELECT * FROM feedback');
    expect(JSON.stringify(raw)).not.toContain('123456789012345678');
    expect(raw[0]).toMatchObject({ answer: null, citations: null, user_hash: hashUserId('123456789012345678', secret) });
  });

  it('a corrupt file or an unusable path throws with SQLite\'s code, and works again once fixed', async () => {
    const file = path.join(dir, 'corrupt', 'briefing.db');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, Buffer.alloc(4096, 0x41));
    const log = new AnswerLog(file);
    await expect(log.add(answer('q'))).rejects.toMatchObject({ code: 'SQLITE_NOTADB' });
    await expect(log.get('someKey001')).rejects.toMatchObject({ code: 'SQLITE_NOTADB' });
    await expect(new FeedbackStore(file).read()).rejects.toMatchObject({ code: 'SQLITE_NOTADB' });
    await fs.rm(file);
    await fs.mkdir(file);
    await expect(log.add(answer('q'))).rejects.toMatchObject({ code: 'SQLITE_CANTOPEN' });
    await fs.rm(file, { recursive: true });
    const logged = await log.add(answer('q'));
    expect((await new AnswerLog(file).get(logged.key))?.question).toBe('q');
    await log.flush();
  });

  it('npm run feedback reads without creating or changing anything, also while the bot holds the database', async () => {
    const file = path.join(dir, 'shared.db');
    const store = new FeedbackStore(file);
    await store.record({ time: new Date().toISOString(), vote: 'up', answerKey: 'k', question: 'q', answer: 'a', citations: [], userHash: 'h', guildId: null });
    // The bot's connection is still open (WAL): the reader sees the committed vote.
    expect(readFeedbackFile(file).records.map((r) => r.vote)).toEqual(['up']);
    await store.flush();
    expect(readFeedbackFile(path.join(dir, 'absent.db'))).toEqual({ records: [], skipped: 0 });
    await expect(fs.stat(path.join(dir, 'absent.db'))).rejects.toThrow();
  });
});
