import { loadCoreConfig } from '../config.js';
import { ConfigError, oneLine } from '../errors.js';
import { loadSettings } from '../configSchema.js';
import { loadDiscordConfig, type DiscordConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import type { BriefingBot } from './bot.js';
import type { Answerer } from './context.js';
import type { AnswerEngine } from '../answer/engine.js';
import type { BriefingService } from '../service.js';
import { PendingAcks } from './pendingAcks.js';
import { decideShardRole, superviseShards, type ShardPlan, type ShardRole } from './sharding.js';
import { collectGarbageNow } from './settleHeap.js';

type Env = Record<string, string | undefined>;

/** Fails start-up with one clear line (never the token, never a stack) and exit code 1. */
function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

/** Opens the briefing, the engines and the bot, without logging in. Exported for the benchmark and tests. */
export async function openBot(env: Env, log: Logger, config: DiscordConfig, shards?: ShardPlan): Promise<BriefingBot> {
  const coreConfig = loadCoreConfig(env);
  // Loaded only once the configuration is known to be good: a bad variable fails in a blink, not after
  // LangChain and discord.js have loaded.
  const [{ BriefingService }, { createAnswerEngine }, { createSummarizer }, { createBriefingBot }] = await Promise.all([
    import('../service.js'),
    import('../answer/engine.js'),
    import('../summary/summarizer.js'),
    import('./bot.js'),
  ]);
  const service = await BriefingService.open(coreConfig, { log: (line) => log.info({ event: 'store' }, line) });
  const inProcess = createAnswerEngine(service, env);
  const workers = loadSettings(env).ANSWER_WORKERS;
  const pendingAcks = new PendingAcks();
  const engine = await answererFor(inProcess, service, workers, env, log, pendingAcks);
  const inWorkers = workers > 0 && inProcess.mode === 'extractive';
  log.info({ event: 'answering', workers: inWorkers ? workers : 0, mode: inProcess.mode }, inWorkers ? `answering in ${workers} worker thread(s)` : 'answering on the main thread');
  // Answers, feedback, limits and summaries: on PostgreSQL when DATABASE_URL is set, and then the store is shared too.
  const { openBotState, stateSettings, followSharedStore } = await import('../state/botState.js');
  const state = await openBotState(stateSettings(env, config), log);
  const storeSync = await followSharedStore(state, service, log);
  const summarizer = createSummarizer(service, env, { cache: state.summaries });
  return createBriefingBot({ config, service, engine, summarizer, log, state, reindexAll: storeSync?.reindex, shards, pendingAcks });
}

/**
 * How long an answer on the main thread waits for acknowledgements on their way out: a few event-loop turns send
 * one (well under a millisecond each without an answer in between); beyond that only Discord's round trip is left.
 */
const ACK_WAIT_MS = 15;

/**
 * Who computes the answers. LLM answers wait on the network, not the CPU: they stay on the main thread, as they
 * come. Extractive ones go to ANSWER_WORKERS worker threads, or (0, the default) run on the main thread one per
 * event-loop turn, so acknowledgements are never queued behind a run of answers (src/workers/mainThreadAnswerer.ts).
 */
async function answererFor(inProcess: AnswerEngine, service: BriefingService, workers: number, env: Env, log: Logger, acks: PendingAcks): Promise<Answerer> {
  if (inProcess.mode !== 'extractive') return inProcess;
  if (workers === 0) return new (await import('../workers/mainThreadAnswerer.js')).MainThreadAnswerer(inProcess, () => acks.settled(ACK_WAIT_MS));
  const { AnswerPool } = await import('../workers/answerPool.js');
  return new AnswerPool(service, inProcess, { workers, env, onWorkerError: (error) => log.error({ err: error }, 'an answer worker failed; it is replaced') });
}

/**
 * `npm start` with DISCORD_TOKEN set. Configuration problems end with one line and exit code 1; once running,
 * SIGINT/SIGTERM shut down cleanly (in-flight replies finished or failed, feedback flushed) with exit code 0.
 */
export async function startDiscordBot(env: Env = process.env): Promise<void> {
  let config: DiscordConfig;
  try {
    config = loadDiscordConfig(env);
    loadCoreConfig(env);
  } catch (error) {
    fail(error instanceof ConfigError ? error.message : oneLine(error));
  }
  const { databaseSecrets } = await import('../state/botState.js');
  const rootLog = createLogger({ level: config.logLevel, secrets: [config.token, ...databaseSecrets(env.DATABASE_URL?.trim())], logContent: config.logContent });
  let role: ShardRole;
  try {
    role = await decideShardRole(env, config.apiUrl, config.token);
  } catch (error) {
    fail(`could not plan the shards: ${oneLine(error).split(config.token).join('[REDACTED]')}`);
  }
  if (role.kind === 'manager') {
    await superviseShards(role.plan, config.token, rootLog).catch((error: unknown) => fail(`could not start the shards: ${oneLine(error).split(config.token).join('[REDACTED]')}`));
    return;
  }
  // Every line says which shard(s) wrote it.
  const log = rootLog.child(role.logFields);

  let bot: BriefingBot;
  try {
    bot = await openBot(env, log, config, role.shards);
  } catch (error) {
    fail(oneLine(error).split(config.token).join('[REDACTED]'));
  }

  const stop = (signal: string) => {
    // A second signal while stopping means "now" — except the ShardingManager's SIGTERM to a shard that Ctrl-C
    // (SIGINT to the whole process group) already started stopping.
    const fromManager = env.SHARDING_MANAGER === 'true' && signal === 'SIGTERM';
    if (bot.ctx.state.shuttingDown && !fromManager) process.exit(1);
    const watchdog = setTimeout(() => process.exit(1), config.shutdownGraceMs + 5000);
    watchdog.unref();
    bot.shutdown(signal).then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // One failing interaction never takes the bot down; anything that escapes is logged, not fatal.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

  // What opening the briefing left behind goes now, before any interaction can arrive to wait on the pause.
  const gcMs = collectGarbageNow();
  log.info({ event: 'heap-settled', gcMs: Math.round(gcMs), rssMb: Math.round(process.memoryUsage().rss / 1e6) }, 'garbage of opening the briefing collected');
  try {
    await bot.start();
  } catch (error) {
    await bot.client.destroy().catch(() => undefined);
    fail(`could not connect to Discord: ${oneLine(error).split(config.token).join('[REDACTED]')}`);
  }
  const { service } = bot.ctx;
  if (service.config.watchSeeds) {
    // A change under the seeds folder rebuilds once (debounced); answers use the old store until the swap.
    const { watchBriefing } = await import('../seeds/watchBriefing.js');
    watchBriefing(service, (line) => log.info({ event: 'reindex', trigger: 'seeds changed' }, line));
  }
}
