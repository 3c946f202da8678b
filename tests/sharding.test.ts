import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BriefingService } from '../src/service.js';
import { createAnswerEngine } from '../src/answer/engine.js';
import { createSummarizer } from '../src/summary/summarizer.js';
import { loadDiscordConfig } from '../src/discord/config.js';
import { createLogger } from '../src/discord/logger.js';
import { createBriefingBot, type BriefingBot } from '../src/discord/bot.js';
import { decideShardRole } from '../src/discord/sharding.js';
import { ConfigProblems, loadSettings } from '../src/configSchema.js';
import { FakeDiscord } from './helpers/fakeDiscord.js';
import { tempProject } from './helpers/tempProject.js';

/** Shard settings, and SHARD_MODE=single: this host's shards on one discord.js client in one process. */

let fake: FakeDiscord;
let project: Awaited<ReturnType<typeof tempProject>>;

beforeAll(async () => {
  [fake, project] = await Promise.all([FakeDiscord.start(), tempProject()]);
});

afterAll(async () => {
  await fake?.close();
  await project?.cleanup();
});

function problems(env: Record<string, string>): string[] {
  try {
    loadSettings(env);
    return [];
  } catch (error) {
    return (error as ConfigProblems).problems;
  }
}

describe('shard settings', () => {
  it('are checked with the rest of the configuration, one line each, never echoing DATABASE_URL', () => {
    expect(problems({ SHARD_IDS: '0,1' })).toEqual(['SHARD_IDS needs SHARD_COUNT (the total number of shards across all hosts)']);
    expect(problems({ SHARD_COUNT: '2', SHARD_IDS: '1,2' })).toEqual(['SHARD_IDS must be below SHARD_COUNT (2): shards are numbered from 0']);
    expect(problems({ SHARD_COUNT: 'many' })[0]).toMatch(/^SHARD_COUNT must be auto or a whole number/);
    expect(problems({ SHARD_COUNT: '2', SHARD_IDS: '0,x' })[0]).toMatch(/^SHARD_IDS must be a comma-separated list/);
    expect(problems({ SHARD_MODE: 'threads' })[0]).toMatch(/^SHARD_MODE must be one of process, single/);
    const bad = problems({ DATABASE_URL: 'mysql://root:hunter2secret@db/x' });
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^DATABASE_URL must be a postgres:\/\//);
    expect(bad[0]).not.toContain('hunter2secret');
    expect(loadSettings({ SHARD_COUNT: 'AUTO', SHARD_IDS: '3, 1,1' })).toMatchObject({ SHARD_COUNT: 'auto', SHARD_IDS: [1, 3], SHARD_MODE: 'process' });
  });

  it('decide what the process is: a plain bot, a shard child, the supervisor, or several shards in one', async () => {
    fake.recommendedShards = 3;
    const role = (env: Record<string, string>) => decideShardRole(env, fake.apiUrl, fake.token);
    expect(await role({})).toEqual({ kind: 'bot', logFields: {} });
    expect(await role({ SHARDING_MANAGER: 'true', SHARDS: '2', SHARD_COUNT: '3' })).toEqual({ kind: 'bot', logFields: { shard: 2 } });
    expect(await role({ SHARD_COUNT: 'auto' })).toEqual({ kind: 'manager', plan: { count: 3, ids: [0, 1, 2], mode: 'process', maxConcurrency: 16 } });
    expect(await role({ SHARD_COUNT: '4', SHARD_IDS: '2,3', SHARD_MODE: 'single' })).toMatchObject({ kind: 'bot', shards: { count: 4, ids: [2, 3] }, logFields: { shards: [2, 3] } });
    await expect(role({ SHARD_COUNT: 'auto', SHARD_IDS: '4' })).rejects.toThrow(/SHARD_IDS 4 beyond the 3 shards Discord recommends/);
  });
});

describe('SHARD_MODE=single', () => {
  let bot: BriefingBot;

  afterAll(async () => {
    await bot?.shutdown('test');
  });

  it('one client connects both shards and answers in the guilds of each', async () => {
    fake.recommendedShards = 2;
    const guilds = [fake.addGuild({ shard: 0, count: 2 }), fake.addGuild({ shard: 1, count: 2 })];
    const env = { SEEDS_DIR: project.seeds, VECTORSTORE_DIR: project.store, DATA_DB_FILE: path.join(project.root, 'data.db'), DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl };
    const service = await BriefingService.open(project.config(env));
    bot = createBriefingBot({
      config: loadDiscordConfig(env),
      service,
      engine: createAnswerEngine(service, env),
      summarizer: createSummarizer(service, env),
      log: createLogger({ level: 'silent' }),
      shards: { ids: [0, 1], count: 2 },
    });
    await bot.start();
    expect(fake.connectedShards().sort()).toEqual([[0, 2], [1, 2]]);
    expect(bot.client.guilds.cache.size).toBeGreaterThanOrEqual(2);
    const finals = await Promise.all(
      guilds.map((g) => fake.waitForFinal(fake.sendSlash('ask', [{ name: 'question', type: 3, value: 'Siapa Menteri Luar Negeri Jepang?' }], { guildId: g.guildId, channelId: g.channelId }).token)),
    );
    for (const f of finals) expect(f.body.embeds[0].description).toContain('Motegi');
  }, 30_000);
});
