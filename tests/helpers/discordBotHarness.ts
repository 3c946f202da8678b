import path from 'node:path';
import { PassThrough } from 'node:stream';
import { BriefingService } from '../../src/service.js';
import { createAnswerEngine } from '../../src/answer/engine.js';
import { createSummarizer } from '../../src/summary/summarizer.js';
import { loadDiscordConfig } from '../../src/discord/config.js';
import { createLogger } from '../../src/discord/logger.js';
import { createBriefingBot, type BriefingBot } from '../../src/discord/bot.js';
import type { Answerer } from '../../src/discord/context.js';
import type { AnswerResult, AskOptions } from '../../src/answer/types.js';
import { FakeDiscord } from './fakeDiscord.js';
import { tempProject } from './tempProject.js';

/** One stand-in Discord + one real bot (real engine, real summarizer, real discord.js client) in a temp project. */
export interface BotHarness {
  fake: FakeDiscord;
  bot: BriefingBot;
  root: string;
  env: Record<string, string>;
  /** Parsed pino lines the bot wrote. */
  logs: Record<string, unknown>[];
  rawLog: () => string;
  /** Every question the engine received, with its options. */
  asked: { question: string; options?: AskOptions }[];
  /** Questions starting with this get `override` instead of the real engine's answer. */
  overrides: Map<string, (question: string) => AnswerResult | Promise<AnswerResult>>;
  close: () => Promise<void>;
}

/** The environment of a bot under test: the scratch project's folders and database, the stand-in Discord. */
export function botTestEnv(
  project: { root: string; seeds: string; store: string },
  fake: { token: string; apiUrl: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    SEEDS_DIR: project.seeds,
    VECTORSTORE_DIR: project.store,
    DATA_DB_FILE: path.join(project.root, 'data/briefing.db'),
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    ...extra,
  };
}

export async function startBotHarness(extraEnv: Record<string, string> = {}, beforeStart?: (root: string) => Promise<void>): Promise<BotHarness> {
  const project = await tempProject();
  const fake = await FakeDiscord.start();
  const env = botTestEnv(project, fake, { RATE_LIMIT_USER_PER_MIN: '100', RATE_LIMIT_GUILD_PER_MIN: '1000', ...extraEnv });
  await beforeStart?.(project.root);
  const service = await BriefingService.open(project.config(env));
  const real = createAnswerEngine(service, env);
  const asked: BotHarness['asked'] = [];
  const overrides: BotHarness['overrides'] = new Map();
  const engine: Answerer = {
    async ask(question, options) {
      asked.push({ question, options });
      for (const [prefix, make] of overrides) if (question.startsWith(prefix)) return make(question);
      return real.ask(question, options);
    },
  };
  const sink = new PassThrough();
  let raw = '';
  const logs: Record<string, unknown>[] = [];
  sink.on('data', (chunk: Buffer) => {
    raw += chunk.toString('utf8');
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const config = loadDiscordConfig(env, project.root);
  const log = createLogger({ level: 'info', secrets: [config.token], logContent: config.logContent, destination: sink });
  const bot = createBriefingBot({ config, service, engine, summarizer: createSummarizer(service, env), log });
  await bot.start();
  return {
    fake,
    bot,
    root: project.root,
    env,
    logs,
    rawLog: () => raw,
    asked,
    overrides,
    async close() {
      await bot.shutdown('test done');
      await fake.close();
      await project.cleanup();
    },
  };
}

export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
