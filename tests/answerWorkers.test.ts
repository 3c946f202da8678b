import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { FakeDiscord, type RecordedRequest } from './helpers/fakeDiscord.js';
import { tempProject } from './helpers/tempProject.js';
import { botTestEnv, until } from './helpers/discordBotHarness.js';
import { BriefingService } from '../src/service.js';
import { createAnswerEngine, type AnswerEngine } from '../src/answer/engine.js';
import { createSummarizer } from '../src/summary/summarizer.js';
import { loadDiscordConfig } from '../src/discord/config.js';
import { createLogger } from '../src/discord/logger.js';
import { createBriefingBot, type BriefingBot } from '../src/discord/bot.js';
import { AnswerPool } from '../src/workers/answerPool.js';
import type { AnswerResult } from '../src/answer/types.js';

/**
 * The bot answering through the worker pool (compiled worker from dist/, as `npm start` runs it), over the
 * stand-in Discord with the real discord.js client. One pool, one bot and one stand-in for the whole file: worker
 * start-up (its own store and reader) is paid once.
 */

const CRASH = 'CRASH THE WORKER NOW';
const HANG = 'SPIN THE WORKER FOREVER';
const EPHEMERAL = 64;
const QUESTIONS = [
  'Siapa Menteri Luar Negeri Jepang?',
  'Di mana Kang dan Pompeo bertemu?',
  'What did Washington hope South Korea would join?',
  'What is the capital of France?',
  'Berapa lama pertemuan itu?',
  'Apa yang dikatakan Kang tentang Selat Hormuz?',
];
/** A fact only the document added before the re-index holds. */
const NEW_DOC = 'zorblax.txt';
const NEW_FACT = 'Menteri Pertahanan Zorblax adalah Quentin Vantablack. Ia menjabat sejak Maret 2019.';
const NEW_QUESTION = 'Siapa Menteri Pertahanan Zorblax?';

let fake: FakeDiscord;
let bot: BriefingBot;
let service: BriefingService;
let inProcess: AnswerEngine;
let pool: AnswerPool;
let env: Record<string, string>;
let seeds: string;
let cleanup: () => Promise<void>;
const logs: Record<string, unknown>[] = [];
let userCounter = 0;
const newUser = () => `4000000000000000${String(++userCounter).padStart(2, '0')}`;
const str = (name: string, value: string) => ({ name, type: 3, value });

/** An answer without its timings (they differ from run to run). */
function comparable(result: AnswerResult): Omit<AnswerResult, 'timings'> {
  const { timings: _timings, ...rest } = result;
  return rest;
}

function send(question: string): string {
  return fake.sendSlash('ask', [str('question', question)], { userId: newUser() }).token;
}

function ask(question: string): { token: string; final: Promise<RecordedRequest> } {
  const token = send(question);
  return { token, final: fake.waitForFinal(token, 30_000) };
}

/** The bot's last word on an interaction: the edited answer, or the ephemeral error that replaced it. */
function lastWord(token: string): Promise<RecordedRequest> {
  return fake.waitForRequest((r) => r.path.includes(`/${token}`) && ((r.method === 'PATCH' && r.path.endsWith('/@original')) || (r.method === 'POST' && r.path.endsWith(`/${token}`))), 30_000);
}

beforeAll(async () => {
  const project = await tempProject();
  seeds = project.seeds;
  cleanup = project.cleanup;
  fake = await FakeDiscord.start();
  env = botTestEnv(project, fake, { RATE_LIMIT_USER_PER_MIN: '0', RATE_LIMIT_GUILD_PER_MIN: '0' });
  service = await BriefingService.open(project.config(env));
  inProcess = createAnswerEngine(service, env);
  pool = new AnswerPool(service, inProcess, { workers: 1, env, crashOn: CRASH });
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const config = loadDiscordConfig(env, project.root);
  const log = createLogger({ level: 'info', secrets: [config.token], logContent: false, destination: sink });
  bot = createBriefingBot({ config, service, engine: pool, summarizer: createSummarizer(service, env), log });
  await bot.start();
});

afterAll(async () => {
  await bot?.shutdown('test done');
  await fake?.close();
  await cleanup?.();
});

describe('answers in worker threads', () => {
  it('gives exactly the in-process answers', async () => {
    for (const question of [...QUESTIONS, 'and what did Kang reply?']) {
      const options = question.startsWith('and') ? { history: [{ question: QUESTIONS[1], answer: 'San Francisco [1]' }] } : {};
      const [fromPool, fromMain] = await Promise.all([pool.ask(question, options), inProcess.ask(question, options)]);
      expect(comparable(fromPool), question).toEqual(comparable(fromMain));
    }
    // From the worker, not handed back to the main thread.
    expect(pool.counts.handedBack).toBe(0);
    expect(pool.counts.answered).toBeGreaterThanOrEqual(QUESTIONS.length + 1);
  });

  it('acknowledges and answers every one of 30 interactions sent at once, each with its own answer', async () => {
    const sent = Array.from({ length: 30 }, (_, i) => ({ question: QUESTIONS[i % QUESTIONS.length], ...ask(QUESTIONS[i % QUESTIONS.length]) }));
    const finals = await Promise.all(sent.map((s) => s.final));
    const expected = new Map<string, AnswerResult>();
    for (const q of QUESTIONS) expected.set(q, await inProcess.ask(q));
    sent.forEach((s, i) => {
      const [ack] = fake.requestsFor(s.token);
      expect(ack.body.type).toBe(5);
      const final = finals[i];
      expect(final.method).toBe('PATCH');
      const embed = final.body.embeds[0];
      const answer = expected.get(s.question)!;
      // The embed shows this question's answer (first cited sentence, or the abstention's hint).
      if (answer.abstained) expect(embed.title).toMatch(/^Not in the briefing/);
      else expect(embed.fields[0].value.replace(/\\(.)/g, '$1')).toContain(answer.citations[0].quote.slice(0, 40));
    });
  });

  it('serves questions in the order they came, also while new ones keep arriving (20 in flight, one worker)', async () => {
    const finished: number[] = [];
    let next = 0;
    const client = async () => {
      while (next < 100) {
        const index = next++;
        await pool.ask(QUESTIONS[index % QUESTIONS.length]);
        finished.push(index);
      }
    };
    await Promise.all(Array.from({ length: 20 }, client));
    // One worker, first come first served: answers finish in the order the questions were asked.
    expect(finished).toEqual([...finished].sort((a, b) => a - b));
  });

  it('a worker that dies mid-answer: that interaction gets an error reply, the next ones are answered', async () => {
    // No waiter for an edit of the answer: there is none, the error replaces it.
    const reply = await lastWord(send(CRASH));
    expect(reply.method).toBe('POST');
    expect(reply.body.flags).toBe(EPHEMERAL);
    expect(reply.body.content).toMatch(/something went wrong on my side \(error id `[0-9a-f]{8}`\)/);
    const logged = await until(() => logs.find((l) => l.msg === 'handling failed' && String((l.err as { message?: string })?.message).includes('worker exited')));
    expect(logged).toBeDefined();
    const next = [ask(QUESTIONS[0]), ask(QUESTIONS[1])];
    for (const final of await Promise.all(next.map((n) => n.final))) {
      expect(final.method).toBe('PATCH');
      expect(final.body.embeds[0].fields.length).toBeGreaterThan(0);
    }
    expect(pool.workers).toBe(1);
  });

  it('a question that never finishes fails after the timeout; its worker is replaced and the next question answered', async () => {
    const hanging = new AnswerPool(service, inProcess, { workers: 1, env, hangOn: HANG, timeoutMs: 1000 });
    try {
      // Once the worker has its store, a normal answer is far inside the timeout.
      await until(() => hanging.ask(QUESTIONS[0]).then(() => true, () => false), 20_000, 'the worker to answer');
      await expect(hanging.ask(HANG)).rejects.toThrow(/no answer within 1000 ms; the worker was stopped and replaced/);
      const next = await until(() => hanging.ask(QUESTIONS[1]).catch(() => undefined), 20_000, 'the replacement worker to answer');
      expect(comparable(next)).toEqual(comparable(await inProcess.ask(QUESTIONS[1])));
      expect(hanging.workers).toBe(1);
    } finally {
      await hanging.close();
    }
  });

  it('a store swap while answering: answers in flight finish, later ones come from the new store', async () => {
    const before = await pool.ask(NEW_QUESTION);
    expect(before.citations.some((c) => c.source.endsWith(NEW_DOC))).toBe(false);
    const inFlight = Array.from({ length: 12 }, (_, i) => ask(QUESTIONS[i % QUESTIONS.length]));
    // Questions queued for the worker across the swap: some are answered after it has switched to the new store.
    const queued = Array.from({ length: 40 }, (_, i) => pool.ask(QUESTIONS[i % QUESTIONS.length]));
    await fs.writeFile(path.join(seeds, NEW_DOC), `${NEW_FACT}\n`);
    const swapped = await service.reindex();
    expect(swapped.rebuiltBecause).not.toBeNull();
    for (const final of await Promise.all(inFlight.map((s) => s.final))) {
      expect(final.method).toBe('PATCH');
      expect(final.body.embeds[0].title).toBeTruthy();
    }
    expect((await Promise.all(queued)).every((r) => r.answer.length > 0)).toBe(true);
    // Every one answered by the worker, from the store it was sent for or the one the bot swapped to since.
    expect(pool.counts.handedBack).toBe(0);
    const answeredBefore = pool.counts.answered;
    const [fromPool, fromMain] = await Promise.all([pool.ask(NEW_QUESTION), inProcess.ask(NEW_QUESTION)]);
    // The worker switched to the new store itself (no question handed back to the main thread).
    expect(pool.counts).toEqual({ answered: answeredBefore + 1, handedBack: 0 });
    expect(fromMain.citations.map((c) => c.source)).toContain(`seeds/${NEW_DOC}`);
    expect(comparable(fromPool)).toEqual(comparable(fromMain));
    const overDiscord = ask(NEW_QUESTION);
    expect((await overDiscord.final).body.embeds[0].description).toContain('Vantablack');
  });
});
