import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUESTIONS, ROOT, entryArgs, rssMb, startBot, timedAsks, type BotProcess } from './botUnderLoad.js';
import { FakeDiscord } from './fakeDiscord.js';
import { loadSentencePool, makeBenchDocuments, writeBenchDocuments } from './corpus.js';

/**
 * Discord latency: the bot runs as its own process (as `npm start` would) against the stand-in Discord; the
 * stand-in sends `/ask` interactions, `concurrency` at a time, and times from sending INTERACTION_CREATE to the
 * acknowledgement (callback type 5) and to the final answer (PATCH of @original). RSS is the bot process's
 * resident memory once it is ready (worker threads included). Each run answers in process (ANSWER_WORKERS=0, the default) and
 * with answer workers, one bot after the other, so the figures sit side by side.
 */

export interface DiscordBenchmark {
  /** ANSWER_WORKERS: 0 answers on the bot's main thread. */
  answerWorkers: number;
  interactions: number;
  concurrency: number;
  ackP50: number;
  ackP99: number;
  finalP50: number;
  finalP99: number;
  rssMb: number;
  /** RSS after the run, to see growth. */
  rssAfterMb: number;
}

export interface DiscordComparison {
  runs: DiscordBenchmark[];
}

/** The bot answering in process and with 1 and 2 answer workers, against the same load, in one run. */
export async function benchmarkDiscord(options: { interactions?: number; concurrency?: number; workers?: number[]; chunks?: number } = {}): Promise<DiscordComparison> {
  // The store is built once, beforehand, as `npm run ingest` would: every bot then starts as it does on a restart
  // (the store opened, not built), and none counts a store-build worker still kept in memory after a build.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'discord-bench-store-'));
  try {
    const storeDir = path.join(dir, 'vectorstore');
    // The seed briefing, or (chunks) a larger one of recombined eval sentences, as `npm run bench` builds.
    let seedsDir: string | undefined;
    if (options.chunks) {
      seedsDir = path.join(dir, 'seeds');
      const pool = await loadSentencePool(path.resolve(ROOT, '../shared/eval'));
      await writeBenchDocuments(seedsDir, makeBenchDocuments(pool, options.chunks, { targetChars: 600, overlapSentences: 1 }).documents);
    }
    await buildStore(storeDir, seedsDir);
    const runs: DiscordBenchmark[] = [];
    for (const answerWorkers of options.workers ?? [0, 1, 2]) runs.push(await benchmarkDiscordOnce({ ...options, answerWorkers, storeDir, seedsDir }));
    return { runs };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function buildStore(storeDir: string, seedsDir?: string): Promise<void> {
  const child = spawn(process.execPath, entryArgs('cli/ingest'), {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', VECTORSTORE_DIR: storeDir, ...(seedsDir ? { SEEDS_DIR: seedsDir } : {}) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  if (code !== 0) throw new Error(`building the store failed: ${stderr.trim().slice(0, 300)}`);
}

export function formatDiscordComparison(comparison: DiscordComparison): string {
  const first = comparison.runs[0];
  const lines = [
    `${first?.interactions ?? 0} \`/ask\` interactions, ${first?.concurrency ?? 0} in flight; the bot as its own process (\`npm start\`), its store built beforehand.`,
    '',
    '| answering | ack p50 | ack p99 | final p50 | final p99 | RSS after start | RSS after the run |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of comparison.runs) {
    const mode = r.answerWorkers === 0 ? 'main thread (ANSWER_WORKERS=0, default)' : `${r.answerWorkers} worker${r.answerWorkers > 1 ? 's' : ''} (ANSWER_WORKERS=${r.answerWorkers})`;
    lines.push(`| ${mode} | ${r.ackP50} ms | ${r.ackP99} ms | ${r.finalP50} ms | ${r.finalP99} ms | ${r.rssMb} MB | ${r.rssAfterMb} MB |`);
  }
  return lines.join('\n');
}

export async function benchmarkDiscordOnce({
  interactions = 200,
  concurrency = 20,
  answerWorkers = 0,
  storeDir,
  seedsDir,
}: { interactions?: number; concurrency?: number; answerWorkers?: number; storeDir?: string; seedsDir?: string } = {}): Promise<DiscordBenchmark> {
  const fake = await FakeDiscord.start();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'discord-bench-'));
  let bot: BotProcess | undefined;
  try {
    // Ready = the gateway session is up; then a first interaction is answered (warms the engine's caches once).
    bot = await startBot(
      fake,
      {
        VECTORSTORE_DIR: storeDir ?? path.join(dir, 'vectorstore'),
        ...(seedsDir ? { SEEDS_DIR: seedsDir } : {}),
        DATA_DB_FILE: path.join(dir, 'briefing.db'),
        RATE_LIMIT_USER_PER_MIN: '0',
        RATE_LIMIT_GUILD_PER_MIN: '0',
        ANSWER_WORKERS: String(answerWorkers),
      },
      () => fake.identifyCount > 0,
    );
    const first = await fake.waitForFinal(fake.sendSlash('ask', [{ name: 'question', type: 3, value: QUESTIONS[0] }]).token, 30_000);
    // The seed answers its first question: anything else means the bot is not reading the briefing timed here.
    if (!seedsDir && !String(first.body?.embeds?.[0]?.description ?? '').includes('Motegi')) throw new Error('the bot did not answer from the seed briefing');
    // A round at full concurrency, so every answer worker has loaded its store before anything is timed.
    const warmUp = QUESTIONS.flatMap((q) => Array.from({ length: Math.ceil(concurrency / QUESTIONS.length) }, () => q));
    await Promise.all(warmUp.map((q, i) => fake.waitForFinal(fake.sendSlash('ask', [{ name: 'question', type: 3, value: q }], { userId: `3100000000000${String(i).padStart(5, '0')}` }).token, 30_000)));
    const rssStart = await rssMb(bot.pid);
    const { ack, final } = await timedAsks(fake, interactions, concurrency, (i) =>
      fake.sendSlash('ask', [{ name: 'question', type: 3, value: QUESTIONS[i % QUESTIONS.length] }], { userId: `3000000000000${String(i).padStart(5, '0')}` }),
    );
    return {
      answerWorkers,
      interactions,
      concurrency,
      ackP50: ack.p50,
      ackP99: ack.p99,
      finalP50: final.p50,
      finalP99: final.p99,
      rssMb: rssStart,
      rssAfterMb: await rssMb(bot.pid),
    };
  } finally {
    await bot?.stop();
    await fake.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  // node dist/src/bench/discordLatency.js [workers,…] [interactions] [chunks]  (default 0,1,2, 200, the seed briefing)
  const workers = process.argv[2]?.split(',').map(Number);
  const interactions = process.argv[3] ? Number(process.argv[3]) : undefined;
  const chunks = process.argv[4] ? Number(process.argv[4]) : undefined;
  const comparison = await benchmarkDiscord({ ...(workers ? { workers } : {}), ...(interactions ? { interactions } : {}), ...(chunks ? { chunks } : {}) });
  console.log(formatDiscordComparison(comparison));
}
