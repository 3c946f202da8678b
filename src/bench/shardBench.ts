import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUESTIONS, rssMb, startBot, timedAsks, type BotProcess } from './botUnderLoad.js';
import { FakeDiscord } from './fakeDiscord.js';
import { startPostgres } from './throwawayPostgres.js';
import { summarizeLatency } from './latency.js';

/**
 * Running at scale, measured against the stand-in Discord in one run, side by side: the bot as one process with
 * the embedded state (SQLite + memory), one process with its state on PostgreSQL (DATABASE_URL), and two shard
 * processes under the ShardingManager sharing PostgreSQL, the load spread over two guilds (one per shard).
 * Interactions/s, acknowledgement and final-answer p50/p99, resident memory per process; then the state's own
 * cost per interaction (two rate-limit checks and one answer-log insert), embedded against PostgreSQL.
 */

export interface ShardRun {
  setup: string;
  processes: number;
  interactions: number;
  concurrency: number;
  perSecond: number;
  ackP50: number;
  ackP99: number;
  finalP50: number;
  finalP99: number;
  /** Resident memory of each process after the run (the manager first when there is one). */
  rssMb: number[];
}

export interface StateCost {
  backend: string;
  /** Mean microseconds of one interaction's state work: user + guild rate checks and the answer-log insert. */
  meanUs: number;
  p99Us: number;
}

export interface ShardBenchmark {
  runs: ShardRun[];
  stateCost: StateCost[];
}

async function loadRun(setup: string, extraEnv: Record<string, string>, shards: number, interactions: number, concurrency: number): Promise<ShardRun> {
  const fake = await FakeDiscord.start();
  fake.recommendedShards = Math.max(1, shards);
  const guilds = shards > 1 ? Array.from({ length: shards }, (_, shard) => fake.addGuild({ shard, count: shards })) : [{ guildId: fake.guildId, channelId: fake.channelId }];
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shard-bench-'));
  const ask = (i: number) => {
    const guild = guilds[i % guilds.length];
    return fake.sendSlash('ask', [{ name: 'question', type: 3, value: QUESTIONS[i % QUESTIONS.length] }], { userId: `3000000000000${String(i % 5000).padStart(5, '0')}`, guildId: guild.guildId, channelId: guild.channelId });
  };
  let bot: BotProcess | undefined;
  try {
    bot = await startBot(
      fake,
      {
        VECTORSTORE_DIR: path.join(dir, 'vectorstore'),
        DATA_DB_FILE: path.join(dir, 'briefing.db'),
        // High enough never to refuse, but checked on every question (0 would skip the state entirely).
        RATE_LIMIT_USER_PER_MIN: '10000',
        RATE_LIMIT_GUILD_PER_MIN: '100000',
        ANSWER_WORKERS: '0',
        ...extraEnv,
      },
      () => fake.connectedShards().length >= (shards > 1 ? shards : 0) && fake.identifyCount >= Math.max(1, shards),
    );
    // Warm every process up (store loaded, first answers) before anything is timed.
    await Promise.all(Array.from({ length: concurrency }, (_, i) => fake.waitForFinal(ask(100_000 + i).token, 60_000)));
    const { ack, final, seconds } = await timedAsks(fake, interactions, concurrency, ask);
    const pids = [bot.pid, ...bot.childPids()];
    return {
      setup,
      processes: pids.length,
      interactions,
      concurrency,
      perSecond: Math.round((interactions / seconds) * 10) / 10,
      ackP50: ack.p50,
      ackP99: ack.p99,
      finalP50: final.p50,
      finalP99: final.p99,
      rssMb: await Promise.all(pids.map(rssMb)),
    };
  } finally {
    await bot?.stop();
    await fake.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The state work of one interaction, `rounds` times, through the same classes the bot uses. */
export async function stateCost(backend: 'embedded' | 'postgres', url: string | undefined, rounds: number): Promise<StateCost> {
  const { openBotState } = await import('../state/botState.js');
  const { createLogger } = await import('../discord/logger.js');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'state-cost-'));
  const state = await openBotState(
    { databaseUrl: url, dataDbFile: path.join(dir, 'briefing.db'), answerLogRetentionDays: 30, rateLimitUserPerMin: 10_000, rateLimitGuildPerMin: 100_000 },
    createLogger({ level: 'silent' }),
  );
  const entry = { kind: 'answer' as const, question: QUESTIONS[0], answer: 'Toshimitsu Motegi [1]', mode: 'extractive' as const, abstained: false, citations: [] };
  const times: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      await state.limits.user.take(`u${i % 500}`);
      await state.limits.guild.take('g1');
      await state.answers.add(entry);
      times.push((performance.now() - t) * 1000);
    }
  } finally {
    await state.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
  const summary = summarizeLatency(times.slice(Math.floor(rounds / 10)));
  return { backend, meanUs: Math.round(summary.mean), p99Us: Math.round(summary.p99) };
}

export async function runShardBench(options: { interactions?: number; concurrency?: number; log?: (line: string) => void } = {}): Promise<ShardBenchmark> {
  const interactions = options.interactions ?? 200;
  const concurrency = options.concurrency ?? 20;
  const log = options.log ?? (() => undefined);
  const server = await startPostgres();
  try {
    const runs: ShardRun[] = [];
    log('shard bench: one process, embedded state');
    runs.push(await loadRun('1 process, SQLite + memory', {}, 1, interactions, concurrency));
    log('shard bench: one process, PostgreSQL state');
    runs.push(await loadRun('1 process, PostgreSQL', { DATABASE_URL: await server.createDatabase('one') }, 1, interactions, concurrency));
    log('shard bench: two shard processes, PostgreSQL state');
    runs.push(await loadRun('2 shard processes (ShardingManager), PostgreSQL', { DATABASE_URL: await server.createDatabase('two'), SHARD_COUNT: '2' }, 2, interactions, concurrency));
    const stateCosts = [await stateCost('embedded', undefined, 2000), await stateCost('postgres', await server.createDatabase('cost'), 2000)];
    return { runs, stateCost: stateCosts };
  } finally {
    await server.destroy();
  }
}

export function formatShardBench(bench: ShardBenchmark): string {
  const first = bench.runs[0];
  const lines = [
    `${first?.interactions ?? 0} \`/ask\` interactions, ${first?.concurrency ?? 0} in flight, answers on each process's main thread; PostgreSQL a throwaway local cluster.`,
    '',
    '| setup | interactions/s | ack p50 | ack p99 | final p50 | final p99 | RSS per process |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...bench.runs.map((r) => `| ${r.setup} | ${r.perSecond} | ${r.ackP50} ms | ${r.ackP99} ms | ${r.finalP50} ms | ${r.finalP99} ms | ${r.rssMb.map((m) => `${m} MB`).join(' + ')} |`),
    '',
    'State work per interaction (user and guild rate checks, answer-log insert), 2,000 in a row:',
    '',
    '| state | mean | p99 |',
    '| --- | ---: | ---: |',
    ...bench.stateCost.map((c) => `| ${c.backend} | ${c.meanUs} µs | ${c.p99Us} µs |`),
  ];
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  // node dist/src/bench/shardBench.js [interactions] [concurrency]
  const [interactions, concurrency] = process.argv.slice(2).map(Number);
  const bench = await runShardBench({ interactions: interactions || undefined, concurrency: concurrency || undefined, log: (line) => process.stderr.write(`${line}\n`) });
  console.log(process.argv.includes('--json') ? JSON.stringify(bench) : formatShardBench(bench));
}
