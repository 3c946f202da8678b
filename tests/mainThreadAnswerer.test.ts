import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { FakeDiscord, type RecordedRequest } from './helpers/fakeDiscord.js';
import { botTestEnv } from './helpers/discordBotHarness.js';
import { tempProject } from './helpers/tempProject.js';
import { BriefingService } from '../src/service.js';
import { createAnswerEngine, type AnswerEngine } from '../src/answer/engine.js';
import { createSummarizer } from '../src/summary/summarizer.js';
import { loadDiscordConfig } from '../src/discord/config.js';
import { createLogger } from '../src/discord/logger.js';
import { createBriefingBot, type BriefingBot } from '../src/discord/bot.js';
import { MainThreadAnswerer } from '../src/workers/mainThreadAnswerer.js';
import { AnswerPool } from '../src/workers/answerPool.js';
import { openBot } from '../src/discord/start.js';
import { PendingAcks } from '../src/discord/pendingAcks.js';
import type { QuestionAnswerer } from '../src/workers/answerPool.js';
import type { AnswerResult } from '../src/answer/types.js';

/** Answering on the bot's main thread (ANSWER_WORKERS=0, the default): one answer per event-loop turn. */

const EPHEMERAL = 64;
const FAIL = 'MAKE THE ENGINE THROW';
const QUESTIONS = [
  'Siapa Menteri Luar Negeri Jepang?',
  'Di mana Kang dan Pompeo bertemu?',
  'What did Washington hope South Korea would join?',
  'What is the capital of France?',
  'Berapa lama pertemuan itu?',
];

function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

function fakeResult(question: string): AnswerResult {
  return { answer: question } as unknown as AnswerResult;
}

describe('MainThreadAnswerer', () => {
  it('runs one answer at a time, first come first served, and a failing answer does not stop the next', async () => {
    const events: string[] = [];
    let running = 0;
    const engine: QuestionAnswerer = {
      async ask(question) {
        running += 1;
        expect(running).toBe(1);
        events.push(`start ${question}`);
        // An answer that awaits inside (as the LLM path does) still holds its turn until it settles.
        await new Promise((resolve) => setTimeout(resolve, 2));
        busyFor(1);
        events.push(`end ${question}`);
        running -= 1;
        if (question === 'b') throw new Error('engine failed');
        return fakeResult(question);
      },
    };
    const answerer = new MainThreadAnswerer(engine);
    const outcomes = await Promise.allSettled(['a', 'b', 'c', 'd'].map((q) => answerer.ask(q)));
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c', 'start d', 'end d']);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe('engine failed');
    expect(answerer.queued).toBe(0);
  });

  it('lets the event loop read the network between two answers (a new interaction waits for at most one answer)', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const client = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    const socket = await accepted;
    try {
      const order: string[] = [];
      socket.on('data', () => order.push('data'));
      // Each answer is 15 ms of CPU, as a long answer on a large briefing would be.
      const engine: QuestionAnswerer = {
        async ask(question) {
          order.push(`answer ${question}`);
          busyFor(15);
          return fakeResult(question);
        },
      };
      const answerer = new MainThreadAnswerer(engine);
      const all = Promise.all(['1', '2', '3', '4', '5', '6'].map((q) => answerer.ask(q)));
      // The bytes arrive while the first answer runs.
      setTimeout(() => client.write('an interaction'), 5);
      await all;
      await new Promise((resolve) => setTimeout(resolve, 20));
      const dataAt = order.indexOf('data');
      expect(dataAt).toBeGreaterThan(0);
      // Read after the answer that was running when it arrived (at most two answers in), not after all six.
      expect(dataAt).toBeLessThanOrEqual(2);
    } finally {
      client.destroy();
      socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('PendingAcks', () => {
  it('holds an answer until the acknowledgements on their way have settled, resolved or rejected', async () => {
    const acks = new PendingAcks();
    const order: string[] = [];
    const answerer = new MainThreadAnswerer(
      {
        async ask(question) {
          order.push(`answer ${question}`);
          return fakeResult(question);
        },
      },
      () => acks.settled(1000),
    );
    let resolveAck!: () => void;
    let rejectAck!: (error: Error) => void;
    acks.track(new Promise<void>((resolve) => (resolveAck = resolve)));
    acks.track(new Promise<void>((_, reject) => (rejectAck = reject)));
    expect(acks.size).toBe(2);
    const answered = answerer.ask('q');
    setTimeout(() => {
      order.push('ack 1');
      resolveAck();
    }, 10);
    setTimeout(() => {
      order.push('ack 2 failed');
      rejectAck(new Error('Discord said no'));
    }, 20);
    await answered;
    expect(order).toEqual(['ack 1', 'ack 2 failed', 'answer q']);
    expect(acks.size).toBe(0);
  });

  it('stops holding after its bound when an acknowledgement takes long (its request is out; Discord is slow)', async () => {
    const acks = new PendingAcks();
    acks.track(new Promise(() => undefined));
    const started = performance.now();
    await acks.settled(30);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(25);
    expect(waited).toBeLessThan(1000);
    // Nothing pending: no wait at all.
    const idle = new PendingAcks();
    let done = false;
    void idle.settled(1000).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(true);
  });
});

describe('keepYoungGenerationSmall', () => {
  /** The young generation's size in MB in a fresh Node process after a burst of short-lived allocations. */
  function newSpaceAfterBurst(nodeArgs: string[]): { set: boolean; newSpaceMb: number } {
    const moduleUrl = new URL('../dist/src/youngGeneration.js', import.meta.url).href;
    const script = `
      const { keepYoungGenerationSmall } = await import(${JSON.stringify(moduleUrl)});
      const v8 = await import('node:v8');
      const set = keepYoungGenerationSmall();
      let keep = [];
      for (let i = 0; i < 2e6; i++) { keep.push({ i, a: [i] }); if (keep.length > 100000) keep = []; }
      const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      console.log(JSON.stringify({ set, newSpaceMb: space.space_size / 1048576 }));`;
    const run = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as { set: boolean; newSpaceMb: number };
  }

  it('keeps the semi-spaces at their initial size under allocation pressure', () => {
    const small = newSpaceAfterBurst([]);
    expect(small.set).toBe(true);
    expect(small.newSpaceMb).toBeLessThanOrEqual(4);
  });

  it('leaves the sizing to whoever starts Node with their own flag', () => {
    const own = newSpaceAfterBurst(['--max-semi-space-size=8']);
    expect(own.set).toBe(false);
    // V8 grew it as the flag allows (two semi-spaces beyond the initial 1 MB each).
    expect(own.newSpaceMb).toBeGreaterThan(4);
  });
});

describe('the bot answering on its main thread', () => {
  let fake: FakeDiscord;
  let bot: BriefingBot;
  let inProcess: AnswerEngine;
  let cleanup: () => Promise<void>;
  let userCounter = 0;
  const str = (name: string, value: string) => ({ name, type: 3, value });
  const send = (question: string) => fake.sendSlash('ask', [str('question', question)], { userId: `41000000000000000${String(++userCounter).padStart(2, '0')}` }).token;

  beforeAll(async () => {
    const project = await tempProject();
    cleanup = project.cleanup;
    fake = await FakeDiscord.start();
    const env = botTestEnv(project, fake, { RATE_LIMIT_USER_PER_MIN: '0', RATE_LIMIT_GUILD_PER_MIN: '0' });
    const service = await BriefingService.open(project.config(env));
    inProcess = createAnswerEngine(service, env);
    const failing: QuestionAnswerer = {
      ask: (question, options) => (question === FAIL ? Promise.reject(new Error('the engine broke')) : inProcess.ask(question, options)),
    };
    const config = loadDiscordConfig(env, project.root);
    const log = createLogger({ level: 'silent', secrets: [config.token], logContent: false, destination: new PassThrough() });
    const pendingAcks = new PendingAcks();
    bot = createBriefingBot({ config, service, engine: new MainThreadAnswerer(failing, () => pendingAcks.settled(15)), summarizer: createSummarizer(service, env), log, pendingAcks });
    await bot.start();
  });

  afterAll(async () => {
    await bot?.shutdown('test done');
    await fake?.close();
    await cleanup?.();
  });

  it('acknowledges and answers 25 interactions sent at once with the engine’s own answers; a failing one gets a private error', async () => {
    const questions = Array.from({ length: 24 }, (_, i) => QUESTIONS[i % QUESTIONS.length]);
    const sent = questions.map((question) => ({ question, token: send(question) }));
    const failed = send(FAIL);
    const finals = await Promise.all(sent.map((s) => fake.waitForFinal(s.token, 30_000)));
    const errorReply = await fake.waitForRequest((r: RecordedRequest) => r.method === 'POST' && r.path.endsWith(`/${failed}`), 30_000);
    expect(errorReply.body.flags).toBe(EPHEMERAL);
    expect(errorReply.body.content).toMatch(/something went wrong on my side \(error id `[0-9a-f]{8}`\)/);

    const expected = new Map<string, AnswerResult>();
    for (const q of QUESTIONS) expected.set(q, await inProcess.ask(q));
    sent.forEach((s, i) => {
      expect(fake.requestsFor(s.token)[0].body.type).toBe(5);
      const embed = finals[i].body.embeds[0];
      const answer = expected.get(s.question)!;
      if (answer.abstained) expect(embed.title).toMatch(/^Not in the briefing/);
      else expect(embed.fields[0].value.replace(/\\(.)/g, '$1')).toContain(answer.citations[0].quote.slice(0, 40));
    });
  });
});

describe('openBot (what npm start runs)', () => {
  it('answers on the main thread by default, in worker threads when ANSWER_WORKERS is set', async () => {
    const project = await tempProject();
    const fake = await FakeDiscord.start();
    try {
      const base = botTestEnv(project, fake, { WATCH_SEEDS: 'false' });
      const log = createLogger({ level: 'silent', secrets: [fake.token], logContent: false, destination: new PassThrough() });
      for (const [extra, kind] of [[{}, MainThreadAnswerer], [{ ANSWER_WORKERS: '1' }, AnswerPool]] as const) {
        const env = { ...base, ...extra };
        const bot = await openBot(env, log, loadDiscordConfig(env, project.root));
        try {
          expect(bot.ctx.engine).toBeInstanceOf(kind);
          const answer = await bot.ctx.engine.ask(QUESTIONS[0]);
          expect(answer.citations.length).toBeGreaterThan(0);
        } finally {
          await bot.shutdown('test done');
        }
      }
    } finally {
      await fake.close();
      await project.cleanup();
    }
  });
});
