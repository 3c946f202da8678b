import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { FakeDiscord, MANAGE_GUILD } from './helpers/fakeDiscord.js';
import { tempProject, ROOT } from './helpers/tempProject.js';
import { compiledEntry } from './helpers/runCli.js';
import { until } from './helpers/discordBotHarness.js';
import { postgresSkipReason, startPostgres, type TestPostgres } from './helpers/postgres.js';

/**
 * The bot at scale, as `npm start` runs it: SHARD_COUNT=auto (the stand-in recommends 2), discord.js's
 * ShardingManager with one process per shard, all sharing one throwaway PostgreSQL and one store folder.
 * One cluster, one stand-in Discord and one bot for the whole file; the cases run in order.
 */
const suite = postgresSkipReason ? describe.skip : describe;
if (postgresSkipReason) console.warn(`shardedBot tests skipped: ${postgresSkipReason}`);

const ENTRY = compiledEntry('src/main.ts');
const str = (name: string, value: string) => ({ name, type: 3, value });
const NEW_SEED = 'kapal-selam-nautilus.txt';
const NEW_FACT = 'Kapal selam Nautilus berlabuh di pelabuhan Bitung pada bulan Maret 2031 untuk latihan gabungan.';
const SECOND_SEED = 'festival-layang-layang.txt';
const SECOND_FACT = 'Festival layang-layang Pangandaran diadakan setiap bulan Juli di pantai barat.';
let users = 0;
const newUser = () => `2000000000000${String(++users).padStart(5, '0')}`;

/** The pids of a process's children (Linux /proc). */
function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(/\s+/).map(Number) : [];
}

suite('two shards on two processes sharing PostgreSQL', () => {
  let server: TestPostgres;
  let fake: FakeDiscord;
  let project: Awaited<ReturnType<typeof tempProject>>;
  let manager: ChildProcess;
  let out = '';
  let url: string;
  let guilds: { guildId: string; channelId: string }[];
  const logs = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const db = async <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  const ask = async (question: string, guild: { guildId: string; channelId: string }, userId = newUser()) => {
    const { token } = fake.sendSlash('ask', [str('question', question)], { userId, guildId: guild.guildId, channelId: guild.channelId });
    return (await fake.waitForFinal(token, 15_000)).body;
  };

  beforeAll(async () => {
    [server, fake, project] = await Promise.all([startPostgres(), FakeDiscord.start(), tempProject()]);
    url = await server.createDatabase('bot');
    fake.recommendedShards = 2;
    guilds = [fake.addGuild({ shard: 0, count: 2 }), fake.addGuild({ shard: 1, count: 2 })];
    manager = spawn(process.execPath, [ENTRY], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        SEEDS_DIR: project.seeds,
        VECTORSTORE_DIR: project.store,
        DATA_DB_FILE: path.join(project.root, 'unused.db'),
        DISCORD_TOKEN: fake.token,
        DISCORD_API_URL: fake.apiUrl,
        DATABASE_URL: url,
        SHARD_COUNT: 'auto',
        RATE_LIMIT_USER_PER_MIN: '3',
        RATE_LIMIT_GUILD_PER_MIN: '1000',
        SHUTDOWN_GRACE_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    manager.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    manager.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => logs().some((l) => l.event === 'shards-ready'), 60_000);
  }, 90_000);

  afterAll(async () => {
    if (manager && manager.exitCode === null) {
      const exited = new Promise((resolve) => manager.once('exit', resolve));
      manager.kill('SIGTERM');
      await exited;
    }
    await fake?.close();
    await server?.destroy();
    await project?.cleanup();
    // Nothing secret reached the logs: neither the token nor the database URL.
    expect(out).not.toContain(fake.token);
    expect(out).not.toContain(url);
  }, 30_000);

  it('each shard answers its own guilds; the log says which shard', async () => {
    expect(fake.connectedShards().sort()).toEqual([[0, 2], [1, 2]]);
    const [a, b] = await Promise.all(guilds.map((g) => ask('Siapa Menteri Luar Negeri Jepang?', g)));
    for (const body of [a, b]) expect(body.embeds[0].description).toContain('Motegi');
    const answered = logs().filter((l) => l.event === 'answered');
    expect(answered.map((l) => [l.guildId, l.shard]).sort()).toEqual([[guilds[0].guildId, 0], [guilds[1].guildId, 1]].sort());
    expect(await db<{ n: string }>('SELECT count(*) AS n FROM answers')).toEqual([{ n: '2' }]);
  });

  it('holds one user to the limit across both processes', async () => {
    const user = newUser();
    const bodies = [];
    for (const g of [guilds[0], guilds[1], guilds[0], guilds[1]]) bodies.push(await ask('Di mana Kang bertemu Pompeo?', g, user));
    expect(bodies.slice(0, 3).every((b) => b.embeds?.length === 1)).toBe(true);
    // Refused at once, privately (a type-4 reply with the ephemeral flag), by the other process than the third answer's.
    expect(bodies[3].data.content).toMatch(/asking a bit fast.*try again in \d+ s/);
    expect(bodies[3].data.flags & 64).toBe(64);
  });

  it('kill -9 of a shard: the ShardingManager restarts it, and a button on its earlier answer still works', async () => {
    const body = await ask('Siapa Menteri Luar Negeri Jepang?', guilds[0]);
    const [, upId] = body.components[0].components.map((c: { custom_id: string }) => c.custom_id);
    const before = childrenOf(manager.pid!);
    expect(before).toHaveLength(2);
    const shard0 = logs().find((l) => l.event === 'shard-ready' && l.shard === 0)?.pid as number;
    expect(before).toContain(shard0);
    process.kill(shard0, 'SIGKILL');
    await until(() => logs().some((l) => l.event === 'shard-died' && l.shard === 0), 15_000);
    await until(() => logs().filter((l) => l.event === 'shard-ready' && l.shard === 0).length >= 2, 60_000);
    expect(childrenOf(manager.pid!)).not.toContain(shard0);
    const { token } = fake.sendButton(upId, { userId: newUser(), guildId: guilds[0].guildId, channelId: guilds[0].channelId }, body);
    const reply = await fake.waitForFinal(token, 15_000);
    expect(reply.body.data.content).toMatch(/Thanks for the 👍/);
    expect(await db<{ vote: string }>('SELECT vote FROM feedback')).toEqual([{ vote: 'up' }]);
  }, 90_000);

  it('/reindex on one shard: the other learns of the new store (NOTIFY) and answers from it', async () => {
    await fs.writeFile(path.join(project.seeds, NEW_SEED), `${NEW_FACT}\n`);
    const admin = fake.sendSlash('reindex', [], { userId: newUser(), guildId: guilds[0].guildId, channelId: guilds[0].channelId, permissions: MANAGE_GUILD });
    expect((await fake.waitForFinal(admin.token, 30_000)).body.content).toMatch(/^Rebuilt the index/);
    await until(() => logs().some((l) => l.event === 'store-followed' && l.shard === 1), 15_000);
    const answers = await Promise.all(guilds.map((g) => ask('Di mana kapal selam Nautilus berlabuh?', g)));
    for (const a of answers) expect(JSON.stringify(a.embeds[0])).toContain(NEW_SEED);
  }, 60_000);

  it('two /reindex at once on both shards: the store is built once', async () => {
    await fs.writeFile(path.join(project.seeds, SECOND_SEED), `${SECOND_FACT}\n`);
    const admins = guilds.map((g) => fake.sendSlash('reindex', [], { userId: newUser(), guildId: g.guildId, channelId: g.channelId, permissions: MANAGE_GUILD }));
    const contents = (await Promise.all(admins.map((r) => fake.waitForFinal(r.token, 30_000)))).map((r) => String(r.body.content));
    expect(contents.filter((c) => c.startsWith('Rebuilt the index'))).toHaveLength(1);
    expect(contents.filter((c) => c.startsWith('Nothing changed'))).toHaveLength(1);
    const answers = await Promise.all(guilds.map((g) => ask('Kapan festival layang-layang Pangandaran diadakan?', g)));
    for (const a of answers) expect(JSON.stringify(a.embeds[0])).toContain(SECOND_SEED);
  }, 60_000);

  it('a summary made on one shard is a cache hit on the other', async () => {
    const summarize = async (g: { guildId: string; channelId: string }) =>
      (await fake.waitForFinal(fake.sendSlash('summary', [str('style', 'brief')], { userId: newUser(), guildId: g.guildId, channelId: g.channelId }).token, 15_000)).body;
    const first = await summarize(guilds[0]);
    expect(first.embeds[0].footer.text).not.toContain('cached');
    const second = await summarize(guilds[1]);
    expect(second.embeds[0].footer.text).toContain('cached');
    expect(second.embeds[0].description).toBe(first.embeds[0].description);
    expect(await db<{ n: string }>('SELECT count(*) AS n FROM summary_cache')).toEqual([{ n: '1' }]);
  });

  // Last: it stops PostgreSQL.
  it('PostgreSQL stopped mid-run: answers go on, a vote is kept and stored once it is back', async () => {
    const body = await ask('Siapa Menteri Luar Negeri Jepang?', guilds[1]);
    const [, , downId] = body.components[0].components.map((c: { custom_id: string }) => c.custom_id);
    const [elsewhereSourcesId] = (await ask('Siapa Menteri Luar Negeri Jepang?', guilds[0])).components[0].components.map((c: { custom_id: string }) => c.custom_id);
    await server.stop();
    try {
      const during = await ask('Di mana Kang bertemu Pompeo?', guilds[1]);
      expect(during.embeds[0].description).toMatch(/\[1\]/);
      expect(during.components).toEqual([]);
      const { token } = fake.sendButton(downId, { userId: newUser(), guildId: guilds[1].guildId, channelId: guilds[1].channelId }, body);
      const reply = await fake.waitForFinal(token, 15_000);
      expect(reply.body.data.content).toMatch(/cannot store feedback right now/);
      // An answer only the other shard holds in memory: this one must ask PostgreSQL, and says it cannot.
      const sources = fake.sendButton(elsewhereSourcesId, { userId: newUser(), guildId: guilds[1].guildId, channelId: guilds[1].channelId });
      const refused = (await fake.waitForFinal(sources.token, 15_000)).body.data;
      expect(refused.content).toMatch(/cannot reach my database right now/);
      expect(refused.flags & 64).toBe(64);
    } finally {
      await server.start();
    }
    await until(async () => (await db<{ vote: string }>("SELECT vote FROM feedback WHERE vote = 'down'")).length === 1, 20_000);
    await until(() => logs().some((l) => l.event === 'feedback-caught-up'), 10_000);
  }, 60_000);
});
