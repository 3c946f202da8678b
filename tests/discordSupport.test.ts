import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createHash, createHmac } from 'node:crypto';
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import Database from 'better-sqlite3';
import { DiscordAPIError, HTTPError, PermissionsBitField, PermissionFlagsBits } from 'discord.js';
import { RateLimiter } from '../src/discord/rateLimiter.js';
import { loadDiscordConfig, applicationIdFromToken } from '../src/discord/config.js';
import { InFlight } from '../src/discord/inFlight.js';
import { AnswerLog } from '../src/discord/answerLog.js';
import { FeedbackStore, summarizeFeedback, hashUserId, type FeedbackRecord } from '../src/discord/feedbackStore.js';
import { allowedPlace, requireManageGuild, runPreconditions, QUESTION_PRECONDITIONS, type RequestInfo } from '../src/discord/preconditions.js';
import type { BotContext } from '../src/discord/context.js';
import { createLogger } from '../src/discord/logger.js';
import { deployCommands } from '../src/cli/deployCommands.js';
import { printFeedback } from '../src/cli/feedback.js';
import { COMMANDS } from '../src/discord/commandList.js';
import { FakeDiscord, fakeToken } from './helpers/fakeDiscord.js';
import { ConfigError } from '../src/errors.js';
import { runCli } from './helpers/runCli.js';

const TOKEN = fakeToken('123456789012345678');
let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'discord-support-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('RateLimiter', () => {
  it('allows N per minute per key, then says when to retry; 0 turns it off', () => {
    const limiter = new RateLimiter(2);
    expect(limiter.take('a', 0).ok).toBe(true);
    expect(limiter.take('a', 10_000).ok).toBe(true);
    expect(limiter.take('a', 20_000)).toEqual({ ok: false, retryAfterMs: 40_000 });
    expect(limiter.take('b', 20_000).ok).toBe(true);
    expect(limiter.take('a', 60_001).ok).toBe(true);
    const off = new RateLimiter(0);
    for (let i = 0; i < 100; i++) expect(off.take('a').ok).toBe(true);
  });
});

describe('configuration', () => {
  it('reads defaults and validates every variable in one line', () => {
    const config = loadDiscordConfig({ DISCORD_TOKEN: TOKEN }, '/root');
    expect(config).toMatchObject({ apiUrl: 'https://discord.com/api', allowDms: true, answerInThread: false, rateLimitUserPerMin: 6, dataDbFile: '/root/data/briefing.db', answerLogRetentionDays: 30 });
    expect(loadDiscordConfig({ DISCORD_TOKEN: TOKEN, DATA_DB_FILE: 'var/bot.db', ANSWER_LOG_RETENTION_DAYS: '7' }, '/root')).toMatchObject({ dataDbFile: '/root/var/bot.db', answerLogRetentionDays: 7 });
    expect(() => loadDiscordConfig({})).toThrow(ConfigError);
    expect(() => loadDiscordConfig({ DISCORD_TOKEN: TOKEN, ALLOWED_GUILD_IDS: '123456789012345678,abc' })).toThrow(/ALLOWED_GUILD_IDS/);
    expect(() => loadDiscordConfig({ DISCORD_TOKEN: TOKEN, DISCORD_API_URL: 'ftp://x' })).toThrow(/DISCORD_API_URL/);
    expect(() => loadDiscordConfig({ DISCORD_TOKEN: TOKEN, RATE_LIMIT_USER_PER_MIN: 'many' })).toThrow(/RATE_LIMIT_USER_PER_MIN/);
    expect(() => loadDiscordConfig({ DISCORD_TOKEN: TOKEN, ANSWER_LOG_RETENTION_DAYS: '0' })).toThrow(/ANSWER_LOG_RETENTION_DAYS/);
    try {
      loadDiscordConfig({ DISCORD_TOKEN: 'secret-looking-value' });
    } catch (error) {
      expect(String(error)).not.toContain('secret-looking-value');
    }
  });

  it('derives the application id from a token', () => {
    expect(applicationIdFromToken(TOKEN)).toBe('123456789012345678');
    expect(applicationIdFromToken('garbage.x.y')).toBeUndefined();
  });
});

describe('preconditions', () => {
  const base = (env: Record<string, string> = {}) =>
    ({
      config: loadDiscordConfig({ DISCORD_TOKEN: TOKEN, RATE_LIMIT_USER_PER_MIN: '1', ...env }),
      limits: { user: new RateLimiter(1), guild: new RateLimiter(100) },
      state: { shuttingDown: false, answerLogFailing: false },
    }) as unknown as BotContext;
  const request: RequestInfo = { userId: '1', guildId: '111111111111111111', channelId: '222222222222222222', memberPermissions: null };

  it('allowlists guilds and channels (a thread counts as its parent channel) and DMs', async () => {
    const ctx = base({ ALLOWED_GUILD_IDS: '111111111111111111', ALLOWED_CHANNEL_IDS: '333333333333333333', ALLOW_DMS: 'false' });
    expect((await allowedPlace.run(request, ctx)).ok).toBe(false);
    expect((await allowedPlace.run({ ...request, parentChannelId: '333333333333333333' }, ctx)).ok).toBe(true);
    expect((await allowedPlace.run({ ...request, guildId: '999999999999999999', channelId: '333333333333333333' }, ctx)).ok).toBe(false);
    expect((await allowedPlace.run({ ...request, guildId: null }, ctx))).toMatchObject({ ok: false, quietForMessages: true });
  });

  it('Manage Server is checked at run time', async () => {
    const ctx = base();
    expect((await requireManageGuild.run({ ...request, memberPermissions: new PermissionsBitField(PermissionFlagsBits.SendMessages) }, ctx)).ok).toBe(false);
    expect((await requireManageGuild.run({ ...request, memberPermissions: new PermissionsBitField(PermissionFlagsBits.ManageGuild) }, ctx)).ok).toBe(true);
    expect((await requireManageGuild.run({ ...request, guildId: null, memberPermissions: new PermissionsBitField(PermissionFlagsBits.ManageGuild) }, ctx)).ok).toBe(false);
  });

  it('the question chain refuses while shutting down and when over the rate, with the wait in seconds', async () => {
    const ctx = base();
    expect((await runPreconditions(QUESTION_PRECONDITIONS, request, ctx)).ok).toBe(true);
    const limited = await runPreconditions(QUESTION_PRECONDITIONS, request, ctx);
    expect(limited.ok).toBe(false);
    expect(!limited.ok && limited.message).toMatch(/try again in (59|60) s/);
    ctx.state.shuttingDown = true;
    expect((await runPreconditions(QUESTION_PRECONDITIONS, { ...request, userId: '2' }, ctx)).ok).toBe(false);
  });

  it('every command declares its preconditions; /reindex needs Manage Server by default too', () => {
    for (const c of COMMANDS) expect(c.preconditions.length, c.data.name).toBeGreaterThan(0);
    const reindex = COMMANDS.find((c) => c.data.name === 'reindex')!.data.toJSON();
    expect(reindex.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    for (const c of COMMANDS) expect(c.data.toJSON().description_localizations?.id, c.data.name).toBeTruthy();
    const ask = COMMANDS.find((c) => c.data.name === 'ask')!.data.toJSON();
    expect(ask.options?.find((o) => o.name === 'question')).toMatchObject({ required: true, max_length: 1000 });
  });
});

describe('InFlight', () => {
  it('lets quick work finish and fails what outlives the grace period', async () => {
    const inFlight = new InFlight();
    const failed: string[] = [];
    void inFlight.track(new Promise((r) => setTimeout(r, 10)), async () => failed.push('quick'));
    void inFlight.track(new Promise(() => undefined), async () => failed.push('stuck'));
    expect(await inFlight.drain(100)).toEqual({ finished: 1, failed: 1 });
    expect(failed).toEqual(['stuck']);
  });
});

describe('stores', () => {
  it('the answer log survives a restart (a new instance finds old keys)', async () => {
    const file = path.join(dir, 'restart.db');
    const first = new AnswerLog(file);
    const logged = await first.add({ kind: 'answer', question: 'q', answer: 'a', mode: 'extractive', abstained: false, citations: [] });
    expect(logged.key).toMatch(/^[A-Za-z0-9_-]{10}$/);
    await first.flush();
    expect((await new AnswerLog(file).get(logged.key))?.question).toBe('q');
    expect(await new AnswerLog(file).get('missingkey0')).toBeUndefined();
  });

  it('feedback goes to the database, the latest vote per user and answer counts', async () => {
    const file = path.join(dir, 'feedback.db');
    const store = new FeedbackStore(file);
    const secret = Buffer.alloc(32, 7);
    const record = (vote: 'up' | 'down', user: string, key: string, question: string): FeedbackRecord => ({ time: new Date().toISOString(), vote, answerKey: key, question, answer: 'a', citations: [], userHash: hashUserId(user, secret), guildId: null });
    void store.record(record('up', 'u1', 'k1', 'Who?'));
    void store.record(record('down', 'u1', 'k1', 'Who?'));
    void store.record(record('up', 'u2', 'k1', 'Who?'));
    void store.record(record('down', 'u2', 'k2', 'Where?'));
    await store.flush();
    const all = await store.readAll();
    expect(all).toHaveLength(4);
    expect(all.map((r) => r.vote)).toEqual(['up', 'down', 'up', 'down']);
    expect(summarizeFeedback(all)).toMatchObject({ total: 3, up: 1, down: 2, voters: 2 });
    const lines: string[] = [];
    await printFeedback(file, 5, (l) => lines.push(l));
    expect(lines[0]).toMatch(/3 votes from 2 people — 👍 1 · 👎 2 \(33% positive\)/);
    expect(lines.join('\n')).toContain('Most 👎:');
  });
});

describe('stores read back what an operator or a crash left behind', () => {
  const citation = { n: 1, source: 'seeds/a.txt', start: 0, end: 6, quote: 'Motegi', chunkId: 'c0', score: 1 };
  /** A database with one good row per table, then rows an operator damaged by hand: each column made wrong once. */
  async function damaged(file: string): Promise<void> {
    const log = new AnswerLog(file);
    await log.add({ kind: 'answer', question: 'Siapa?', answer: 'Motegi [1].', mode: 'extractive', abstained: false, citations: [citation] });
    await log.flush();
    const db = new Database(file);
    try {
      const now = Date.now();
      const answer = db.prepare('INSERT INTO answers (key, time_ms, kind, mode, abstained, question, answer, citations) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      answer.run('goodKey001', now, 'answer', 'extractive', 0, 'Siapa?', 'Motegi [1].', JSON.stringify([citation]));
      answer.run('tornKey001', now, 'answer', 'extractive', 0, 'Siapa?', 'Motegi [1].', '[{"n":1,');
      answer.run('nullCite01', now, 'answer', 'extractive', 0, 'Siapa?', 'Motegi [1].', JSON.stringify([null]));
      answer.run('kindKey001', now, 'poem', 'extractive', 0, 'Siapa?', 'Motegi [1].', '[]');
      answer.run('abstKey001', now, 'answer', 'extractive', 7, 'Siapa?', 'Motegi [1].', '[]');
      answer.run('blobQuest1', now, 'answer', 'extractive', 0, Buffer.from('Siapa?'), 'Motegi [1].', '[]');
      answer.run('textTime01', 'yesterday', 'answer', 'extractive', 0, 'Siapa?', 'Motegi [1].', '[]');
      const vote = db.prepare('INSERT INTO feedback (time_ms, vote, answer_key, question, answer, citations, user_hash, guild_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      vote.run(now, 'up', 'k1', 'Who?', 'a', '[]', 'h1', null);
      vote.run(now, 'maybe', 'k1', 'Who?', 'a', '[]', 'h2', null);
      vote.run(now, 'down', 'k1', 'Who?', 'a', '{"torn":', 'h2', null);
      vote.run(now, 'down', 'k1', 'Who?', 'a', '[null]', 'h2', null);
      vote.run(now, 'down', 'k1', Buffer.from('Who?'), 'a', '[]', 'h2', null);
      vote.run(now, 'down', 'k1', 'Who?', 'a', '[]', Buffer.from('h2'), null);
      vote.run('yesterday', 'down', 'k1', 'Who?', 'a', '[]', 'h2', null);
      vote.run(now, 'down', 'k1', 'Who?', 'a', '[]', 'h2', Buffer.from('1'));
      vote.run(now, 'down', 'k1', 'Who?', 'a', '[]', 'h3', null);
    } finally {
      db.close();
    }
  }

  it('the answer log skips damaged records: older buttons still find their answer', async () => {
    const file = path.join(dir, 'answers-damaged.db');
    await damaged(file);
    const log = new AnswerLog(file);
    expect((await log.get('goodKey001'))?.answer).toBe('Motegi [1].');
    for (const key of ['tornKey001', 'nullCite01', 'kindKey001', 'abstKey001', 'blobQuest1', 'textTime01']) expect(await log.get(key)).toBeUndefined();
    expect(await log.get('missingkey')).toBeUndefined();
    await log.flush();
  });

  it('npm run feedback summarises the readable votes and counts the bad records (exit 0)', async () => {
    const file = path.join(dir, 'feedback-damaged.db');
    await damaged(file);
    const r = await runCli('src/cli/feedback.ts', ['--db', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 votes from 2 people — 👍 1 · 👎 1 \(50% positive\)/);
    expect(r.stdout).toContain(`Skipped 7 unreadable records in ${file}.`);
  });

  it('npm run feedback on a database that does not exist says so and creates nothing', async () => {
    const file = path.join(dir, 'none', 'briefing.db');
    const r = await runCli('src/cli/feedback.ts', ['--db', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`No feedback yet (${file}).`);
    await expect(fs.stat(path.dirname(file))).rejects.toThrow();
  });

  it('user ids are hashed with a per-installation secret: generated once, 0600, shared by every store, never the public salt', async () => {
    const data = path.join(dir, 'install', 'data');
    const file = path.join(data, 'briefing.db');
    // Two stores asking at once on a fresh install agree on one secret.
    const [a, b] = await Promise.all([new FeedbackStore(file).hashUser('123456789012345678'), new FeedbackStore(file).hashUser('123456789012345678')]);
    expect(a).toBe(b);
    const secretFile = new FeedbackStore(file).secretFile;
    expect(path.dirname(secretFile)).toBe(data);
    const stat = await fs.stat(secretFile);
    expect(stat.mode & 0o777).toBe(0o600);
    const secret = (await fs.readFile(secretFile, 'utf8')).trim();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(createHmac('sha256', Buffer.from(secret, 'hex')).update('123456789012345678').digest('hex'));
    expect(a).not.toBe(createHash('sha256').update('briefing-bot:123456789012345678').digest('hex'));
    // No temp files left beside it; a later start reads the same secret.
    expect((await fs.readdir(data)).sort()).toEqual(['user-hash.secret']);
    expect(await new FeedbackStore(file).hashUser('123456789012345678')).toBe(a);
    // Another installation gets another secret, so the same user hashes differently.
    expect(await new FeedbackStore(path.join(dir, 'other', 'briefing.db')).hashUser('123456789012345678')).not.toBe(a);
  });
});

describe('logger', () => {
  it('never writes the token, even inside an error message', async () => {
    const sink = new PassThrough();
    let out = '';
    sink.on('data', (d: Buffer) => (out += d.toString()));
    const log = createLogger({ secrets: [TOKEN], destination: sink });
    log.error({ err: new Error(`request failed for Bot ${TOKEN}`), token: 'abc', headers: { authorization: 'x' } }, 'boom');
    await new Promise((r) => setImmediate(r));
    expect(out).toContain('boom');
    expect(out).not.toContain(TOKEN);
    expect(out).toContain('[REDACTED]');
  });
});

describe('logged errors of failed Discord calls', () => {
  const interactionToken = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OnNlY3JldA.zzzz';
  const url = `https://discord.com/api/v10/webhooks/123456789012345678/${interactionToken}/messages/@original`;
  const body = { files: undefined, body: { content: 'Di mana Kang dan Pompeo bertemu? San Francisco.' } };
  const apiError = () => new DiscordAPIError({ code: 50035, message: 'Invalid Form Body', errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } } }, 50035, 400, 'PATCH', url, body);

  async function logged(logContent: boolean, error: Error): Promise<{ raw: string; err: Record<string, unknown> }> {
    const sink = new PassThrough();
    let raw = '';
    sink.on('data', (d: Buffer) => (raw += d.toString()));
    createLogger({ secrets: [TOKEN], destination: sink, logContent }).error({ err: error }, 'handling failed');
    await new Promise((r) => setImmediate(r));
    return { raw, err: (JSON.parse(raw) as { err: Record<string, unknown> }).err };
  }

  it('without LOG_CONTENT: no interaction token, no request body, only the code and message of the raw error', async () => {
    for (const error of [apiError(), new HTTPError(503, 'Service Unavailable', 'PATCH', url, body)]) {
      const { raw, err } = await logged(false, error);
      expect(raw).not.toContain(interactionToken);
      expect(raw).not.toContain('Pompeo');
      expect(err.url).toBe('https://discord.com/api/v10/webhooks/123456789012345678/[REDACTED]/messages/@original');
      expect(err.requestBody).toBe('[REDACTED]');
      expect(err.method).toBe('PATCH');
      if (error instanceof DiscordAPIError) expect(err.rawError).toEqual({ code: 50035, message: 'Invalid Form Body' });
    }
  });

  it('with LOG_CONTENT the request body is kept, the token still is not', async () => {
    const { raw, err } = await logged(true, apiError());
    expect(raw).not.toContain(interactionToken);
    expect(JSON.stringify(err.requestBody)).toContain('Pompeo');
  });
});

describe('deploy-commands over the wire', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('bulk-overwrites guild commands (idempotent), finding the application id through /applications/@me', async () => {
    const env = { DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DISCORD_GUILD_ID: fake.guildId };
    const printed: string[] = [];
    expect(await deployCommands(env, (l) => printed.push(l))).toBe(8);
    expect(await deployCommands(env, (l) => printed.push(l))).toBe(8);
    const puts = fake.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.path)).toEqual([`/applications/${fake.appId}/guilds/${fake.guildId}/commands`, `/applications/${fake.appId}/guilds/${fake.guildId}/commands`]);
    expect(puts[0].body).toEqual(puts[1].body);
    expect(puts[0].body.map((c: { name: string }) => c.name).sort()).toEqual(['add-document', 'ask', 'help', 'reindex', 'remove-document', 'search', 'sources', 'summary']);
    expect(fake.requests.some((r) => r.path === '/applications/@me')).toBe(true);
    expect(printed[0]).toMatch(/^Registered 8 commands in guild/);
  });

  it('registers globally without DISCORD_GUILD_ID, using DISCORD_CLIENT_ID when given', async () => {
    await deployCommands({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DISCORD_CLIENT_ID: fake.appId }, () => undefined);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'PUT', path: `/applications/${fake.appId}/commands` });
  });

  it('a rejected token fails with one line that does not contain it', async () => {
    const wrong = fakeToken('876543210987654321');
    const error = await deployCommands({ DISCORD_TOKEN: wrong, DISCORD_API_URL: fake.apiUrl, DISCORD_CLIENT_ID: fake.appId }, () => undefined).catch((e: Error) => e);
    expect(String(error)).toMatch(/registering the commands failed/);
    expect(String(error)).not.toContain(wrong);
  });
});
