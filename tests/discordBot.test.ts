import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { startBotHarness, until, type BotHarness } from './helpers/discordBotHarness.js';
import { MANAGE_GUILD, MEMBER_PERMISSIONS, newInteractionToken, type RecordedRequest } from './helpers/fakeDiscord.js';
import { SEED_FILE } from './helpers/tempProject.js';
import type { AnswerResult } from '../src/answer/types.js';
import { hashUserId, readFeedbackFile } from '../src/discord/feedbackStore.js';
import { closeDataDatabase, openDataDatabase } from '../src/discord/database.js';
import { escapeDiscordMarkdown } from '../src/discord/renderText.js';

/**
 * The bot over the wire: the real discord.js client and the real bot (real answer engine and summarizer on the
 * seed) against the stand-in Discord. One stand-in and one bot for the whole file.
 */

const SEED_NAME = path.basename(SEED_FILE);
const EPHEMERAL = 64;
const RESTARTED_KEY = 'oldAnswer01';
let h: BotHarness;
let seedText: string;

const str = (name: string, value: string) => ({ name, type: 3, value });
const bool = (name: string, value: boolean) => ({ name, type: 5, value });
const int = (name: string, value: number) => ({ name, type: 4, value });
let userCounter = 0;
/** Each test acts as its own user so the per-user rate limit of one test never touches another. */
const newUser = () => `2000000000000000${String(++userCounter).padStart(2, '0')}`;

/** Requests that carry a message (content/embeds) to Discord. */
function isMessageRequest(r: RecordedRequest): boolean {
  if (r.method === 'POST' && r.path.endsWith('/callback')) return r.body?.type === 4;
  if (r.method === 'PATCH' && r.path.startsWith('/webhooks/')) return true;
  if (r.method === 'POST' && /^\/webhooks\/\d+\/[^/]+$/.test(r.path)) return true;
  return r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path);
}

function longAnswer(question: string): AnswerResult {
  const sentences = Array.from({ length: 30 }, (_, i) => `Sentence number ${i + 1} of a deliberately long answer that keeps going for a while [1].`);
  const answer = `${sentences.slice(0, 15).join(' ')}\n\n${sentences.slice(15).join(' ')}`;
  return {
    question,
    language: 'en',
    mode: 'extractive',
    abstained: false,
    answer,
    citations: [{ n: 1, source: `seeds/${SEED_NAME}`, start: 0, end: 10, quote: 'Kang and Pompeo', chunkId: 'c1', score: 1 }],
    confidence: 0.9,
    timings: { retrieveMs: 1, answerMs: 1 },
  };
}

beforeAll(async () => {
  seedText = await fs.readFile(SEED_FILE, 'utf8');
  // An answer given "before a restart": its buttons must still work.
  h = await startBotHarness({ RATE_LIMIT_USER_PER_MIN: '3' }, async (root) => {
    // The bot's database: DATA_DB_FILE's default, relative to the project root.
    const file = path.join(root, 'data/briefing.db');
    const citations = [{ n: 1, source: `seeds/${SEED_NAME}`, start: 5, end: 25, quote: 'Menteri Luar Negeri Jepang, Toshimitsu Motegi', chunkId: 'c0', score: 1 }];
    openDataDatabase(file)
      .db.prepare('INSERT INTO answers (key, time_ms, kind, mode, abstained, question, answer, citations) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(RESTARTED_KEY, Date.now(), 'answer', 'extractive', 0, 'Siapa Menteri Luar Negeri Jepang?', 'Toshimitsu Motegi [1].', JSON.stringify(citations));
    closeDataDatabase(file);
  });
  h.overrides.set('LONGANSWER', longAnswer);
  h.overrides.set('SLOW', (question) => {
    // Never finishes within the shutdown grace period (the promise is awaited by the bot, not by the test).
    return new Promise<AnswerResult>((resolve) => setTimeout(() => resolve(longAnswer(question)), 3000).unref());
  });
  h.overrides.set('EXPLODE', () => {
    throw new Error('engine exploded');
  });
});

afterAll(async () => {
  if (!h) return;
  const messages = h.fake.requests.filter(isMessageRequest);
  const raw = h.rawLog();
  const token = h.fake.token;
  await h.close();
  // Safety, across everything the bot sent in this file: nothing could ping, and the token never hit the log.
  expect(messages.length).toBeGreaterThan(10);
  for (const r of messages) expect(r.body.allowed_mentions?.parse ?? r.body.data?.allowed_mentions?.parse, `${r.method} ${r.path} ${JSON.stringify(r.body).slice(0, 300)}`).toEqual([]);
  expect(raw).not.toContain(token);
});

describe('slash commands over the wire', () => {
  it('/ask is deferred (type 5) and then @original is edited with an embed citing the seed', async () => {
    const { token } = h.fake.sendSlash('ask', [str('question', 'Siapa Menteri Luar Negeri Jepang?')], { userId: newUser() });
    const final = await h.fake.waitForFinal(token);
    const [ack] = h.fake.requestsFor(token);
    expect(ack.method).toBe('POST');
    expect(ack.path).toMatch(/\/callback$/);
    expect(ack.body.type).toBe(5);
    expect(ack.body.data?.flags ?? 0).toBe(0);
    expect(final.method).toBe('PATCH');
    const embed = final.body.embeds[0];
    expect(embed.description).toContain('Motegi');
    expect(embed.description).toMatch(/\[1\]/);
    expect(embed.fields[0].name).toContain(`[1] ${SEED_NAME} · 2020-01`);
    const quoted = embed.fields[0].value.replace(/^“|”$/g, '').replace(/\\(.)/g, '$1').replace(/…$/, '');
    expect(seedText).toContain(quoted);
    expect(embed.footer.text).toMatch(/^extractive · \d+ ms$/);
    expect(final.body.components[0].components.map((c: { custom_id: string }) => c.custom_id.split(':')[1])).toEqual(['sources', 'up', 'down']);
    const line = await until(() => h.logs.find((l) => l.event === 'answered' && l.via === 'slash'));
    // The log counts exactly the sources the answer shows (1–3: the reader cites until it is sure enough).
    const shownSources = embed.fields.filter((f: { name: string }) => /^\[\d+\]/.test(f.name)).length;
    expect(shownSources).toBeGreaterThanOrEqual(1);
    expect(line).toMatchObject({ mode: 'extractive', abstained: false, citations: shownSources });
    expect(typeof line.latencyMs).toBe('number');
    expect(line).not.toHaveProperty('question');
  });

  it('/ask private:true is ephemeral from the deferral on', async () => {
    const { token } = h.fake.sendSlash('ask', [str('question', 'Siapa Menteri Luar Negeri Jepang?'), bool('private', true)], { userId: newUser() });
    await h.fake.waitForFinal(token);
    expect(h.fake.requestsFor(token)[0].body).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
  });

  it('an abstention has no sources, shows the closest passages as hints and points to /search', async () => {
    const { token } = h.fake.sendSlash('ask', [str('question', 'What is the capital of France?')], { userId: newUser() });
    const embed = (await h.fake.waitForFinal(token)).body.embeds[0];
    expect(embed.title).toMatch(/^Not in the briefing/);
    expect(embed.description).toContain('/search');
    expect(embed.fields.every((f: { name: string }) => f.name.startsWith('Closest passage (not an answer)'))).toBe(true);
  });

  it('/summary, /sources and /search answer with embeds', async () => {
    const user = newUser();
    const summary = h.fake.sendSlash('summary', [str('style', 'bullets')], { userId: user });
    const sources = h.fake.sendSlash('sources', [], { userId: user });
    const search = h.fake.sendSlash('search', [str('query', 'Selat Hormuz'), int('k', 2)], { userId: newUser() });
    const [s, src, se] = await Promise.all([summary, sources, search].map((i) => h.fake.waitForFinal(i.token)));
    expect(s.body.embeds[0].title).toBe('Summary (bullets)');
    expect(s.body.embeds[0].description.length).toBeGreaterThan(20);
    expect(s.body.embeds[0].fields.length).toBeGreaterThan(0);
    expect(s.body.embeds[0].fields[0].name).toContain(SEED_NAME);
    expect(src.body.embeds[0].title).toBe('Documents in the briefing: 1');
    expect(src.body.embeds[0].fields[0].name).toBe(SEED_NAME);
    expect(src.body.embeds[0].fields[0].value).toMatch(/Date: 2020-01 · \d+ chunks/);
    const fields = se.body.embeds[0].fields;
    expect(fields).toHaveLength(2);
    expect(fields[0].name).toMatch(new RegExp(`^#1 ${SEED_NAME.replace(/\./g, '\\.')} · 2020-01 · chars \\d+–\\d+ · score`));
    expect(fields.map((f: { value: string }) => f.value).join(' ')).toContain('Hormuz');
  });

  it('/reindex is refused without Manage Server and works with it', async () => {
    const refused = h.fake.sendSlash('reindex', [], { userId: newUser(), permissions: MEMBER_PERMISSIONS });
    const r = await h.fake.waitForFinal(refused.token);
    expect(r.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    expect(r.body.data.content).toContain('Manage Server');
    expect(h.fake.requestsFor(refused.token).some((x) => x.body?.type === 5)).toBe(false);

    const allowed = h.fake.sendSlash('reindex', [], { userId: newUser(), permissions: MANAGE_GUILD });
    const a = await h.fake.waitForFinal(allowed.token);
    expect(a.body.content).toMatch(/^Nothing changed: 1 document\(s\), \d+ chunks/);
  });

  it('a question containing @everyone is sent with allowed_mentions that parse nothing', async () => {
    const { token } = h.fake.sendSlash('ask', [str('question', '@everyone <@&123456789012345678> siapa Menteri Luar Negeri Jepang?')], { userId: newUser() });
    const final = await h.fake.waitForFinal(token);
    expect(final.body.embeds[0].title).toContain('@everyone');
    expect(final.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('the per-user rate limit answers politely and ephemerally with a wait time', async () => {
    const user = newUser();
    const tokens = [1, 2, 3, 4].map(() => h.fake.sendSlash('ask', [str('question', 'Siapa Menteri Luar Negeri Jepang?')], { userId: user }).token);
    const finals = await Promise.all(tokens.map((t) => h.fake.waitForFinal(t)));
    const limited = finals.filter((f) => f.body?.type === 4);
    expect(limited).toHaveLength(1);
    expect(limited[0].body.data.flags).toBe(EPHEMERAL);
    expect(limited[0].body.data.content).toMatch(/try again in \d+ s/);
    expect(finals.filter((f) => f.method === 'PATCH')).toHaveLength(3);
  });

  it('a 2,500-character answer in a channel without Embed Links is split below 2,000 characters', async () => {
    const noEmbeds = String(BigInt(MEMBER_PERMISSIONS) & ~(1n << 14n));
    const { token } = h.fake.sendSlash('ask', [str('question', 'LONGANSWER please')], { userId: newUser(), appPermissions: noEmbeds });
    const first = await h.fake.waitForFinal(token);
    const followUp = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${token}`));
    const parts = [first.body.content, followUp.body.content] as string[];
    expect(longAnswer('x').answer.length).toBeGreaterThan(2400);
    for (const part of parts) expect(part.length).toBeLessThan(2000);
    expect(first.body.embeds).toEqual([]);
    // Split on the paragraph boundary, nothing lost, buttons on the last message.
    expect(parts[0].endsWith('for a while [1].')).toBe(true);
    expect(parts.join(' ')).toContain('Sentence number 30 of');
    expect(followUp.body.components).toHaveLength(1);
  });

  it('a failing engine gives a short ephemeral message with an error id and the full error in the log', async () => {
    const { token } = h.fake.sendSlash('ask', [str('question', 'EXPLODE now')], { userId: newUser() });
    const reply = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${token}`));
    expect(reply.body.flags).toBe(EPHEMERAL);
    const errorId = /error id `([0-9a-f]{8})`/.exec(reply.body.content)?.[1];
    expect(errorId).toBeDefined();
    // "thinking…" was removed, not left hanging.
    expect(h.fake.requestsFor(token).some((r) => r.method === 'DELETE' && r.path.endsWith('/messages/@original'))).toBe(true);
    const logged = await until(() => h.logs.find((l) => l.errorId === errorId));
    expect(JSON.stringify(logged.err)).toContain('engine exploded');
  });

  it('a callback answered with 500 is logged and the bot keeps serving', async () => {
    const doomed = newInteractionToken();
    h.fake.fail('POST', new RegExp(`/${doomed}/callback$`), 500);
    h.fake.sendSlash('ask', [str('question', 'Siapa Menteri Luar Negeri Jepang?')], { userId: newUser(), interactionToken: doomed });
    const logged = await until(() => h.logs.find((l) => l.msg === 'interaction could not be answered'), 8000, 'the failure in the log');
    expect(JSON.stringify(logged.err)).toMatch(/500|Internal Server Error/);
    const { token } = h.fake.sendSlash('ask', [str('question', 'Siapa Menteri Luar Negeri Jepang?')], { userId: newUser() });
    expect((await h.fake.waitForFinal(token)).body.embeds[0].description).toContain('Motegi');
  });
});

describe('buttons', () => {
  it('"Show sources" answers ephemerally with the full cited passages; 👍 is stored with a hashed user id', async () => {
    const user = newUser();
    const { token } = h.fake.sendSlash('ask', [str('question', 'Siapa Menteri Luar Negeri Jepang?')], { userId: user });
    const final = await h.fake.waitForFinal(token);
    const [sourcesId, upId] = final.body.components[0].components.map((c: { custom_id: string }) => c.custom_id);
    const shown = h.fake.sendButton(sourcesId, { userId: user }, final.body);
    const sources = await h.fake.waitForFinal(shown.token);
    expect(sources.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    // The file name comes from the seeds, so it is escaped like any seed text ("\_" shows as "_").
    expect(sources.body.data.content).toContain(escapeDiscordMarkdown(SEED_NAME));
    expect(sources.body.data.content).toContain('Toshimitsu Motegi');

    const voted = h.fake.sendButton(upId, { userId: user }, final.body);
    expect((await h.fake.waitForFinal(voted.token)).body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    const records = await until(async () => {
      const all = readFeedbackFile(path.join(h.root, 'data/briefing.db')).records;
      return all.length ? all : undefined;
    });
    const record = records.find((r) => r.vote === 'up')!;
    expect(record.question).toBe('Siapa Menteri Luar Negeri Jepang?');
    expect(record.answer).toContain('Motegi');
    const shownSources = final.body.embeds[0].fields.filter((f: { name: string }) => /^\[\d+\]/.test(f.name)).length;
    expect(shownSources).toBeGreaterThanOrEqual(1);
    expect((record.citations as unknown[]).length).toBe(shownSources);
    expect(record.userHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(record)).not.toContain(user);
    // Hashed with this installation's secret (beside the data, 0600), not a public salt; the secret is never logged.
    const secret = Buffer.from((await fs.readFile(path.join(h.root, 'data/user-hash.secret'), 'utf8')).trim(), 'hex');
    expect(record.userHash).toBe(hashUserId(user, secret));
    expect(h.rawLog()).not.toContain(secret.toString('hex'));
  });

  it('buttons of an answer given before a restart still work (custom_id keys into the persisted answer log)', async () => {
    const clicked = h.fake.sendButton(`bb:sources:${RESTARTED_KEY}`, { userId: newUser() });
    const reply = await h.fake.waitForFinal(clicked.token);
    expect(reply.body.data.content).toContain('Toshimitsu Motegi');
    const down = h.fake.sendButton(`bb:down:${RESTARTED_KEY}`, { userId: newUser() });
    await h.fake.waitForFinal(down.token);
    const records = await until(() => readFeedbackFile(path.join(h.root, 'data/briefing.db')).records.find((r) => r.answerKey === RESTARTED_KEY));
    expect(records.vote).toBe('down');
  });
});

describe('mentions, DMs and threads', () => {
  it('a mention is answered as a reply (mention stripped), with the typing indicator; other messages are ignored', async () => {
    const before = h.fake.messagesIn(h.fake.channelId).length;
    h.fake.sendMessage({ content: 'just chatting, no mention', userId: newUser() });
    h.fake.sendMessage({ content: `<@${h.fake.botUserId}> siapa Menteri Luar Negeri Jepang?`, bot: true });
    const asked = h.fake.sendMessage({ content: `<@${h.fake.botUserId}> siapa Menteri Luar Negeri Jepang?`, userId: newUser(), mentionBot: true });
    const reply = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${h.fake.channelId}/messages` && r.body?.message_reference?.message_id === asked.id);
    expect(reply.body.embeds[0].description).toContain('Motegi');
    expect(reply.body.embeds[0].title).toBe('siapa Menteri Luar Negeri Jepang?');
    expect(reply.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(h.fake.requests.some((r) => r.method === 'POST' && r.path === `/channels/${h.fake.channelId}/typing`)).toBe(true);
    // Only the one reply: the unmentioned message and the other bot's message got nothing.
    expect(h.fake.messagesIn(h.fake.channelId).filter((m) => m.author.id === h.fake.botUserId)).toHaveLength(1);
    expect(h.fake.messagesIn(h.fake.channelId).length).toBe(before + 4);
  });

  it('a DM is answered', async () => {
    const user = newUser();
    const asked = h.fake.sendMessage({ content: 'What is the capital of France?', userId: user, dm: true });
    const dm = h.fake.dmChannel(user);
    const reply = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${dm}/messages` && r.body?.message_reference?.message_id === asked.id);
    expect(reply.body.embeds[0].title).toMatch(/^Not in the briefing/);
  });

  it('with ANSWER_IN_THREAD a mention opens a thread; a follow-up there is answered with the earlier turn as history', async () => {
    h.bot.ctx.config.answerInThread = true;
    try {
      const user = newUser();
      const asked = h.fake.sendMessage({ content: `<@${h.fake.botUserId}> Siapa Menteri Luar Negeri Jepang?`, userId: user, mentionBot: true });
      const created = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${h.fake.channelId}/messages/${asked.id}/threads`);
      expect(created.body.name).toBe('Siapa Menteri Luar Negeri Jepang?');
      const threadId = asked.id;
      await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${threadId}/messages`);
      const followUp = h.fake.sendMessage({ content: 'Dan apa yang mereka bahas tentang Selat Hormuz?', userId: user, channelId: threadId });
      await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${threadId}/messages` && r.body?.message_reference?.message_id === followUp.id);
      const call = h.asked.find((a) => a.question === 'Dan apa yang mereka bahas tentang Selat Hormuz?')!;
      expect(call.options?.history?.[0]?.question).toBe('Siapa Menteri Luar Negeri Jepang?');
      expect(call.options?.history?.[0]?.answer).toContain('Motegi');
      // Someone else's message in a normal channel without a mention still gets nothing.
      expect(h.fake.threadsCreated()).toHaveLength(1);
    } finally {
      h.bot.ctx.config.answerInThread = false;
    }
  });
});

// After the tests that look for the first log line of a kind: these 80 answers would be found instead.
describe('many answers at once', () => {
  it('edits 80 answers at once without the REST client holding any back (Discord exempts interaction edits from the global limit)', async () => {
    h.overrides.set('INSTANT', (question) => ({ ...longAnswer(question), answer: 'Kang and Pompeo [1].' }));
    const held: unknown[] = [];
    const onRateLimited = (info: unknown) => held.push(info);
    h.bot.client.rest.on('rateLimited', onRateLimited);
    try {
      const tokens = Array.from({ length: 80 }, () => h.fake.sendSlash('ask', [str('question', 'INSTANT answer')], { userId: newUser() }).token);
      const finals = await Promise.all(tokens.map((t) => h.fake.waitForFinal(t, 30_000)));
      expect(finals.every((f) => f.method === 'PATCH' && f.body.embeds[0].description.includes('Kang and Pompeo'))).toBe(true);
      // With @discordjs/rest's default client-side cap of 50 requests/s, every edit past the 50th waited here.
      expect(held).toEqual([]);
    } finally {
      h.bot.client.rest.off('rateLimited', onRateLimited);
      h.overrides.delete('INSTANT');
    }
  });
});

describe('gateway', () => {
  it('reconnects after the connection drops (RESUME) and still answers', async () => {
    const resumes = h.fake.resumeCount;
    const identifies = h.fake.identifyCount;
    h.fake.dropConnections();
    await until(() => h.fake.resumeCount > resumes || h.fake.identifyCount > identifies, 10_000, 'a RESUME or IDENTIFY');
    await until(() => h.fake.openConnections > 0);
    const { token } = h.fake.sendSlash('ask', [str('question', 'Siapa Menteri Luar Negeri Jepang?')], { userId: newUser() });
    expect((await h.fake.waitForFinal(token)).body.embeds[0].description).toContain('Motegi');
  });
});

describe('shutdown (last: it stops this bot)', () => {
  it('stops taking work, fails the in-flight reply politely instead of leaving "thinking…", and destroys the client', async () => {
    h.bot.ctx.config.shutdownGraceMs = 200;
    const slow = h.fake.sendSlash('ask', [str('question', 'SLOW question')], { userId: newUser() });
    await h.fake.waitForRequest((r) => r.path.endsWith(`/${slow.token}/callback`) && r.body?.type === 5);
    const stopping = h.bot.shutdown('test');
    const late = h.fake.sendSlash('ask', [str('question', 'Siapa Menteri Luar Negeri Jepang?')], { userId: newUser() });
    const refused = await h.fake.waitForFinal(late.token);
    expect(refused.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    expect(refused.body.data.content).toMatch(/restarting/);
    await stopping;
    const failed = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${slow.token}`));
    expect(failed.body).toMatchObject({ flags: EPHEMERAL });
    expect(failed.body.content).toMatch(/restarting/);
    await until(() => h.fake.openConnections === 0, 2000, 'the gateway connection to close');
  });
});
