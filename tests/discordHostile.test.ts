import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { startBotHarness, until, type BotHarness } from './helpers/discordBotHarness.js';
import { newInteractionToken, type RecordedRequest } from './helpers/fakeDiscord.js';
import { SEED_FILE } from './helpers/tempProject.js';
import { closeDataDatabase, openDataDatabase } from '../src/discord/database.js';

/**
 * What operators and hostile users do to a running bot (issue 10), over the wire: the real discord.js client and
 * the real bot against the stand-in Discord. An answer log that cannot be written, a log file with null and
 * half-written lines, a Discord call that fails with the question in its body, a seed that carries a role mention
 * and a disguised link, a question made only of bidi controls.
 */

const EPHEMERAL = 64;
const str = (name: string, value: string) => ({ name, type: 3, value });
let userCounter = 0;
const newUser = () => `3000000000000000${String(++userCounter).padStart(2, '0')}`;
/** A live masked link or mention: `[text](url)` or `<@…>`, `<#…>`, `<t:…>` with nothing escaping it. */
const LIVE_MARKUP = /(?<!\\)\[[^\]]*(?<!\\)\]\(|(?<!\\)<[@#:t]/;

function buttonsOf(r: RecordedRequest): unknown[] {
  return (r.body.components ?? []) as unknown[];
}

/** Two /ask at once are both answered, without the buttons that need the answer log. */
async function expectTwoAnswersWithoutButtons(h: BotHarness): Promise<void> {
    const first = h.fake.sendSlash('ask', [str('question', 'Siapa Menteri Luar Negeri Jepang?')], { userId: newUser() });
    const second = h.fake.sendSlash('ask', [str('question', 'Di mana Kang Kyung-wha dan Mike Pompeo bertemu?')], { userId: newUser() });
    const [a, b] = await Promise.all([h.fake.waitForFinal(first.token), h.fake.waitForFinal(second.token)]);
    expect(a.body.embeds[0].description).toContain('Motegi');
    expect(b.body.embeds[0].description).toContain('San Francisco');
    expect(buttonsOf(a)).toEqual([]);
    expect(buttonsOf(b)).toEqual([]);
}

describe('an answer log that cannot be written', () => {
  let h: BotHarness;
  beforeAll(async () => {
    // Root ignores file modes, so make the path itself impossible: a directory where the database should be.
    h = await startBotHarness({}, async (root) => {
      await fs.mkdir(path.join(root, 'data/briefing.db'), { recursive: true });
    });
  });
  // close() shuts the bot down (client destroyed) before it closes the stand-in.
  afterAll(() => h?.close());

  it('never stops answers: warned once, answered without buttons; buttons come back once it is writable', async () => {
    await expectTwoAnswersWithoutButtons(h);
    const asked = h.fake.sendMessage({ content: `<@${h.fake.botUserId}> siapa Menteri Luar Negeri Jepang?`, userId: newUser(), mentionBot: true });
    const reply = await h.fake.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === asked.id);
    expect(reply.body.embeds[0].description).toContain('Motegi');
    expect(buttonsOf(reply)).toEqual([]);

    const warnings = h.logs.filter((l) => l.event === 'answer-log-unwritable');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, code: 'SQLITE_CANTOPEN', where: path.join(h.root, 'data/briefing.db') });
    expect(h.logs.some((l) => l.msg === 'handling failed')).toBe(false);

    await fs.rm(path.join(h.root, 'data/briefing.db'), { recursive: true });
    const third = h.fake.sendSlash('ask', [str('question', 'Siapa Menteri Luar Negeri Jepang?')], { userId: newUser() });
    const c = await h.fake.waitForFinal(third.token);
    expect(c.body.components[0].components.map((x: { custom_id: string }) => x.custom_id.split(':')[1])).toEqual(['sources', 'up', 'down']);
    expect(h.logs.filter((l) => l.event === 'answer-log-writable')).toHaveLength(1);
  });
});

describe('a corrupt database', () => {
  let h: BotHarness;
  beforeAll(async () => {
    // Not a SQLite file at all (a disk error, someone's copy gone wrong): SQLITE_NOTADB on the first use.
    h = await startBotHarness({}, async (root) => {
      await fs.mkdir(path.join(root, 'data'), { recursive: true });
      await fs.writeFile(path.join(root, 'data/briefing.db'), Buffer.alloc(8192, 0x5a));
    });
  });
  afterAll(() => h?.close());

  it('never stops answers: warned once, answered without buttons, a button on an unknown answer is refused politely', async () => {
    await expectTwoAnswersWithoutButtons(h);
    const warnings = h.logs.filter((l) => l.event === 'answer-log-unwritable');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, code: 'SQLITE_NOTADB' });
    expect(h.logs.some((l) => l.msg === 'handling failed')).toBe(false);
  });
});

/** A seed written by someone who wants the bot to ping a role and show a phishing link under a friendly name. */
const HOSTILE_SEED = [
  'Pertemuan Menteri Luar Negeri',
  '',
  'Pengumuman untuk <@&123456789012345678>: para menteri luar negeri Korea Selatan dan Amerika Serikat bertemu di San Francisco pada hari Selasa.',
  'Baca [tautan resmi](https://evil.example/phish) untuk rincian perundingan tentang Korea Utara dan Selat Hormuz.',
  'Kedua menteri sepakat untuk melanjutkan kerja sama yang erat demi perdamaian di Semenanjung Korea.',
  'Washington berharap Seoul bergabung dengan koalisi di Selat Hormuz, menurut ||pernyataan|| kementerian.',
].join('\n');

const GOOD_KEY = 'goodOld001';
const HALF_KEY = 'halfOld001';

describe('hostile seeds, damaged logs and failing Discord calls', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({}, async (root) => {
      const seeds = path.join(root, 'seeds');
      await fs.rm(path.join(seeds, path.basename(SEED_FILE)));
      await fs.writeFile(path.join(seeds, 'pertemuan.txt'), HOSTILE_SEED);
      // An answer log an operator edited by hand: a record whose citations were cut short, one with a null citation.
      const file = path.join(root, 'data/briefing.db');
      const citations = [{ n: 1, source: 'seeds/pertemuan.txt', start: 0, end: 30, quote: 'para menteri bertemu di San Francisco', chunkId: 'c0', score: 1 }];
      const insert = openDataDatabase(file).db.prepare('INSERT INTO answers (key, time_ms, kind, mode, abstained, question, answer, citations) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      insert.run(GOOD_KEY, Date.now(), 'answer', 'extractive', 0, 'Di mana mereka bertemu?', 'San Francisco [1].', JSON.stringify(citations));
      insert.run(HALF_KEY, Date.now(), 'answer', 'extractive', 0, 'Di mana mereka bertemu?', 'San Francisco [1].', JSON.stringify(citations).slice(0, 40));
      insert.run('nullCite01', Date.now(), 'answer', 'extractive', 0, 'Di mana mereka bertemu?', 'San Francisco [1].', '[null]');
      closeDataDatabase(file);
    });
  });
  afterAll(async () => {
    const raw = h?.rawLog() ?? '';
    await h?.close();
    expect(raw).not.toContain(h.fake.token);
  });

  it('older buttons keep working when the answer log has damaged records', async () => {
    const shown = h.fake.sendButton(`bb:sources:${GOOD_KEY}`, { userId: newUser() });
    const reply = await h.fake.waitForFinal(shown.token);
    expect(reply.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    expect(reply.body.data.content).toContain('para menteri bertemu di San Francisco');
    const half = h.fake.sendButton(`bb:up:${HALF_KEY}`, { userId: newUser() });
    expect((await h.fake.waitForFinal(half.token)).body.data.content).toBe('I no longer have this answer. Please ask again.');
    const nulled = h.fake.sendButton('bb:sources:nullCite01', { userId: newUser() });
    expect((await h.fake.waitForFinal(nulled.token)).body.data.content).toBe('I no longer have this answer. Please ask again.');
    expect(h.logs.some((l) => l.msg === 'handling failed')).toBe(false);
  });

  it('/summary shows seed text escaped: no live role mention, disguised link or spoiler', async () => {
    const { token } = h.fake.sendSlash('summary', [str('style', 'detailed')], { userId: newUser() });
    const final = await h.fake.waitForFinal(token);
    const description: string = final.body.embeds[0].description;
    expect(description).toContain('\\<@&123456789012345678\\>');
    expect(description).toContain('\\[tautan resmi\\]\\(https://evil.example/phish\\)');
    expect(description).toContain('\\|\\|pernyataan\\|\\|');
    expect(description).toMatch(/\[\d\]/); // our own citation markers stay readable
    expect(description).not.toMatch(LIVE_MARKUP);
    expect(final.body.allowed_mentions.parse).toEqual([]);
  });

  it('a failed edit logs neither the interaction token nor the question or answer (LOG_CONTENT off)', async () => {
    const failures = [
      { status: 400, marker: 'QZXJ400' }, // DiscordAPIError: url, requestBody, rawError
      { status: 500, marker: 'QZXJ500' }, // HTTPError after @discordjs/rest's retries: url, requestBody
    ];
    for (const { status, marker } of failures) {
      const doomed = newInteractionToken();
      h.fake.fail('PATCH', new RegExp(`/webhooks/\\d+/${doomed}/messages/@original$`), status);
      h.fake.sendSlash('ask', [str('question', `Di mana para menteri bertemu ${marker}?`)], { userId: newUser(), interactionToken: doomed });
      // The user still hears about it, privately.
      const told = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${doomed}`), 15_000);
      expect(told.body.flags).toBe(EPHEMERAL);
      const errorId = /error id `([0-9a-f]{8})`/.exec(told.body.content)?.[1];
      const logged = await until(() => h.logs.find((l) => l.errorId === errorId), 5000, 'the failure in the log');
      const err = logged.err as Record<string, unknown>;
      expect(err.url).toMatch(/\/webhooks\/\d+\/\[REDACTED\]\/messages\/(@|%40)original$/);
      expect(err.requestBody).toBe('[REDACTED]');
      expect(err.status).toBe(status);
      const raw = h.rawLog();
      expect(raw).not.toContain(doomed);
      expect(raw).not.toContain(marker);
      expect(raw).not.toContain('para menteri'); // the answer, quoting the seed
    }
  });

  it('a question made only of bidi controls is empty: a polite private reply, the engine is not asked', async () => {
    const before = h.asked.length;
    const { token } = h.fake.sendSlash('ask', [str('question', '\u202e\u202a\u2066\u2069\u200f\u061c')], { userId: newUser() });
    const reply = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${token}`));
    expect(reply.body).toMatchObject({ content: 'The question is empty.', flags: EPHEMERAL });
    const asked = h.fake.sendMessage({ content: `<@${h.fake.botUserId}> \u202e\u2067\u200e`, userId: newUser(), mentionBot: true });
    const hint = await h.fake.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === asked.id);
    expect(hint.body.content).toMatch(/^Ask me something about the briefing/);
    expect(h.asked.length).toBe(before);
  });
});
