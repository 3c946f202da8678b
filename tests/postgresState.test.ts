import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createPool } from '../src/state/postgres/connection.js';
import { migrate, MIGRATIONS } from '../src/state/postgres/migrations.js';
import { PostgresAnswerLog } from '../src/state/postgres/answerLog.js';
import { FeedbackDeferredError, PostgresFeedback } from '../src/state/postgres/feedback.js';
import { StateUnavailableError } from '../src/state/errors.js';
import { PostgresRateLimit } from '../src/state/postgres/rateLimit.js';
import { PostgresSummaryCache } from '../src/state/postgres/summaryCache.js';
import type { FeedbackRecord } from '../src/discord/feedbackStore.js';
import type { SummaryResult } from '../src/summary/types.js';
import { freePort, postgresSkipReason, startPostgres, type TestPostgres } from './helpers/postgres.js';
import { runCliInProcess } from './helpers/runCli.js';
import { openBotState } from '../src/state/botState.js';
import { createLogger } from '../src/discord/logger.js';
import { main as feedbackMain } from '../src/cli/feedback.js';

// One throwaway cluster for the file; each case gets its own database, and two pools stand for two processes.
const suite = postgresSkipReason ? describe.skip : describe;
if (postgresSkipReason) console.warn(`postgresState tests skipped: ${postgresSkipReason}`);

const citation = { n: 1, source: 'seeds/a.txt', start: 0, end: 5, quote: 'Hello', chunkId: 'c1', score: 1 };
const entry = { kind: 'answer' as const, question: 'Who met?', answer: 'Kang met Pompeo [1]', mode: 'extractive' as const, abstained: false, citations: [citation] };

function vote(answerKey: string, userHash: string, v: 'up' | 'down' = 'up'): FeedbackRecord {
  return { time: new Date().toISOString(), vote: v, answerKey, question: 'Who met?', answer: 'Kang', citations: [{ n: 1, source: 'seeds/a.txt', start: 0, end: 5, quote: 'Hello' }], userHash, guildId: '123456789012345678' };
}

suite('shared state on PostgreSQL', () => {
  let server: TestPostgres;
  const pools: pg.Pool[] = [];
  let databases = 0;

  /** A fresh migrated database and `n` pools on it (one per pretend process). */
  async function fresh(n = 2): Promise<pg.Pool[]> {
    databases += 1;
    const url = await server.createSchema(`t${databases}`);
    const made = Array.from({ length: n }, () => createPool(url));
    pools.push(...made);
    await migrate(made[0]);
    return made;
  }

  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    await server?.destroy();
  });

  it('applies migrations once, in order, even when processes start together', async () => {
    databases += 1;
    const url = await server.createSchema(`t${databases}`);
    const [a, b, c] = [createPool(url), createPool(url), createPool(url)];
    pools.push(a, b, c);
    const results = await Promise.all([migrate(a), migrate(b), migrate(c)]);
    const all = MIGRATIONS.map((m) => m.version);
    expect(results.filter((r) => r.length > 0)).toEqual([all]);
    expect(await migrate(a)).toEqual([]);
    const { rows } = await a.query<{ version: number }>('SELECT version FROM briefing_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(all);
  });

  it('finds an answer given by another process (a button pressed after a restart)', async () => {
    const [a, b] = await fresh();
    const logged = await new PostgresAnswerLog(a).add(entry);
    const elsewhere = new PostgresAnswerLog(b);
    expect(await elsewhere.get(logged.key)).toEqual(logged);
    expect(await elsewhere.get('nosuchkey0')).toBeUndefined();
  });

  it('deletes answers past the retention and strips the text of old feedback', async () => {
    const [a] = await fresh(1);
    let now = Date.parse('2026-01-01T00:00:00Z');
    const log = new PostgresAnswerLog(a, { retentionDays: 1, now: () => now });
    const old = await log.add(entry);
    const feedback = new PostgresFeedback(a);
    await feedback.init();
    await feedback.record({ ...vote(old.key, 'h1'), time: new Date(now).toISOString() });
    now += 2 * 24 * 60 * 60 * 1000;
    expect(await new PostgresAnswerLog(a, { retentionDays: 1, now: () => now }).get(old.key)).toBeUndefined();
    expect(await log.prune()).toEqual({ answers: 1, feedback: 1 });
    const { records } = await feedback.read();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ vote: 'up', question: 'Who met?', answer: '', citations: [] });
  });

  it('hashes a user the same way on every process, with a secret kept in the database', async () => {
    const [a, b] = await fresh();
    const first = new PostgresFeedback(a);
    const second = new PostgresFeedback(b);
    await Promise.all([first.init(), second.init()]);
    const hash = await first.hashUser('424242424242424242');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await second.hashUser('424242424242424242')).toBe(hash);
    expect(await second.hashUser('424242424242424243')).not.toBe(hash);
    await first.record(vote('k1', hash, 'down'));
    expect((await second.read()).records.map((r) => [r.vote, r.userHash])).toEqual([['down', hash]]);
  });

  it('holds a user limit across processes: of 12 simultaneous questions, exactly 3 pass', async () => {
    const [a, b] = await fresh();
    const limiters = [new PostgresRateLimit(a, 'user', 3), new PostgresRateLimit(b, 'user', 3)];
    const now = Date.now();
    const verdicts = await Promise.all(Array.from({ length: 12 }, (_, i) => limiters[i % 2].take('u1', now + i)));
    expect(verdicts.filter((v) => v.ok)).toHaveLength(3);
    const refused = verdicts.find((v) => !v.ok);
    expect(refused).toBeDefined();
    expect(refused && !refused.ok && refused.retryAfterMs).toBeGreaterThan(59_000);
    // Another key has its own bucket; the window slides.
    expect((await limiters[0].take('u2', now)).ok).toBe(true);
    expect((await limiters[1].take('u1', now + 60_005)).ok).toBe(true);
  });

  it('shares summaries between processes and keeps the newest within the bound', async () => {
    const [a, b] = await fresh();
    const summary: SummaryResult = { style: 'brief', summary: 'A summary [1]', citations: [citation], mode: 'extractive', cached: false };
    const one = new PostgresSummaryCache(a, 2);
    const two = new PostgresSummaryCache(b, 2);
    await one.set('k1', summary);
    expect(await two.get('k1')).toEqual(summary);
    await two.set('k2', summary);
    await two.set('k3', summary);
    expect(await one.get('k1')).toBeNull();
    expect(await one.get('k3')).toEqual(summary);
    expect(await new PostgresSummaryCache(a, 0).get('k3')).toBeNull();
  });

  it('npm run feedback reads the shared feedback when DATABASE_URL is set; one line when it cannot', async () => {
    databases += 1;
    const url = await server.createSchema(`t${databases}`);
    expect((await runCliInProcess(feedbackMain, [], { DATABASE_URL: url })).stdout).toMatch(/No feedback yet \(PostgreSQL/);
    const [a] = [createPool(url)];
    pools.push(a);
    await migrate(a);
    const feedback = new PostgresFeedback(a);
    await feedback.record(vote('k1', await feedback.hashUser('1'), 'down'));
    await feedback.record(vote('k2', await feedback.hashUser('2'), 'up'));
    const shown = await runCliInProcess(feedbackMain, [], { DATABASE_URL: url });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/2 votes from 2 people — 👍 1 · 👎 1/);
    const unreachable = await runCliInProcess(feedbackMain, [], { DATABASE_URL: `postgres://postgres:hunter2secret@127.0.0.1:${await freePort()}/x` });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toMatch(/^error: cannot read feedback from PostgreSQL/);
    expect(unreachable.stderr).not.toContain('hunter2secret');
  });

  it('an unreachable DATABASE_URL fails the start in one line that names the setting, not the URL', async () => {
    const url = `postgres://bot:hunter2secret@127.0.0.1:${await freePort()}/x`;
    const settings = { databaseUrl: url, dataDbFile: '/nonexistent/unused.db', answerLogRetentionDays: 30, rateLimitUserPerMin: 1, rateLimitGuildPerMin: 1 };
    const failure = await openBotState(settings, createLogger({ level: 'silent' })).then(() => null, (error: Error) => error.message);
    expect(failure).toBe('cannot open the shared state in PostgreSQL (DATABASE_URL): ECONNREFUSED');
  });

  // Last: it stops the server.
  it('when PostgreSQL stops: limits fall back to this process, votes wait in memory and are stored once it is back', async () => {
    const [a] = await fresh(1);
    const events: string[] = [];
    const feedback = new PostgresFeedback(a, (event) => events.push(event));
    await feedback.init();
    const limiter = new PostgresRateLimit(a, 'user', 2, (down) => events.push(down ? 'limit-local' : 'limit-shared'));
    const logged = await new PostgresAnswerLog(a).add(entry);
    await server.stop();
    try {
      const hash = await feedback.hashUser('1');
      await expect(feedback.record(vote(logged.key, hash, 'up'))).rejects.toBeInstanceOf(FeedbackDeferredError);
      await expect(feedback.record(vote(logged.key, hash, 'down'))).rejects.toThrow(/cannot store feedback right now/);
      expect(feedback.pendingCount).toBe(2);
      const now = Date.now();
      expect([(await limiter.take('u', now)).ok, (await limiter.take('u', now)).ok, (await limiter.take('u', now)).ok]).toEqual([true, true, false]);
      await expect(new PostgresAnswerLog(a).add(entry)).rejects.toThrow();
      // Another process's answer (not in this one's memory): a polite line for the button, not an error id.
      await expect(new PostgresAnswerLog(a).get(logged.key)).rejects.toBeInstanceOf(StateUnavailableError);
    } finally {
      await server.start();
    }
    await expect.poll(() => feedback.pendingCount, { timeout: 10_000 }).toBe(0);
    expect((await feedback.read()).records.map((r) => r.vote)).toEqual(['up', 'down']);
    // After a failure the limiter leaves PostgreSQL alone for a moment, then shares the limits again.
    await expect.poll(async () => (await limiter.take('v')).ok && events.includes('limit-shared'), { timeout: 10_000 }).toBe(true);
    expect(events).toEqual(['deferred', 'deferred', 'limit-local', 'caught-up', 'limit-shared']);
  }, 30_000);
});
