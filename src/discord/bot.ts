import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import type { BriefingService } from '../service.js';
import type { DiscordConfig } from './config.js';
import type { Answerer, BotContext, SummaryMaker } from './context.js';
import { embeddedState, type BotState } from '../state/botState.js';
import { InFlight } from './inFlight.js';
import { PendingAcks } from './pendingAcks.js';
import { handleInteraction } from './interactions.js';
import { handleMessage } from './messages.js';
import { NO_MENTIONS } from './answering.js';
import { BOUNDED_CACHES } from './caches.js';
import { COMMANDS } from './commandList.js';
import type { Logger } from './logger.js';

export interface BotDependencies {
  config: DiscordConfig;
  service: BriefingService;
  engine: Answerer;
  summarizer: SummaryMaker;
  log: Logger;
  /** Answers, feedback, rate limits: PostgreSQL when DATABASE_URL is set (src/state); default SQLite and memory. */
  state?: BotState;
  /** This process's gateway shards (SHARD_MODE=single); in a ShardingManager child discord.js reads its own. */
  shards?: { ids: number[]; count: number };
  /** `/reindex` for every process sharing the store (src/state/storeSync.ts); default: this process's service. */
  reindexAll?: BotContext['reindexAll'];
  /** Deferrals on their way to Discord, which answers on the main thread let go first (default: a new tracker). */
  pendingAcks?: PendingAcks;
}

export interface BriefingBot {
  client: Client;
  ctx: BotContext;
  /** Logs in and resolves once the gateway session is ready. */
  start(): Promise<void>;
  /** Stops taking work, finishes or fails in-flight replies, flushes the stores, destroys the client. */
  shutdown(reason: string): Promise<void>;
}

export function createClient(config: DiscordConfig, shards?: { ids: number[]; count: number }): Client {
  return new Client({
    ...(shards ? { shards: shards.ids, shardCount: shards.count } : {}),
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages],
    // DMs arrive for channels the bot has never cached.
    partials: [Partials.Channel, Partials.Message],
    // Users, members and messages are not kept beyond the event that brings them (src/discord/caches.ts).
    ...BOUNDED_CACHES,
    // The default for every message, reply and edit; payloads also set it explicitly.
    allowedMentions: NO_MENTIONS,
    // Discord exempts interaction responses and edits from the bot's global limit of 50 requests/s, but
    // @discordjs/rest counts every request against it on the client side: with 20 answers in flight, each second's
    // 51st edit waited for the next second (final-answer p99 1,020 ms against p50 41 ms). No client-side cap; a
    // real global 429 from Discord still pauses every request until its retry-after (@discordjs/rest honours it).
    rest: { api: config.apiUrl, globalRequestsPerSecond: Number.POSITIVE_INFINITY },
  });
}

export function createBriefingBot(deps: BotDependencies): BriefingBot {
  const { config, service, log } = deps;
  const client = createClient(config, deps.shards);
  const inFlight = new InFlight();
  const state = deps.state ?? embeddedState(config);
  const ctx: BotContext = {
    config,
    service,
    engine: deps.engine,
    summarizer: deps.summarizer,
    log,
    answers: state.answers,
    feedback: state.feedback,
    limits: state.limits,
    state: { shuttingDown: false, answerLogFailing: false },
    lookup: (source) => service.kb.documents.find((d) => d.source === source),
    reindexAll: deps.reindexAll,
    pendingAcks: deps.pendingAcks ?? new PendingAcks(),
    client,
  };
  const commands = new Map(COMMANDS.map((c) => [c.data.name, c]));

  client.on(Events.InteractionCreate, (interaction) => void handleInteraction(interaction, ctx, commands, inFlight));
  client.on(Events.MessageCreate, (message) => void handleMessage(message, ctx, inFlight));
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => log.warn({ detail: message }, 'discord client warning'));
  client.on(Events.ShardDisconnect, (event, shardId) => log.warn({ code: event.code, shardId }, 'gateway disconnected'));
  client.on(Events.ShardResume, (shardId, replayed) => log.info({ shardId, replayed }, 'gateway resumed'));
  client.on(Events.ShardReconnecting, (shardId) => log.info({ shardId }, 'gateway reconnecting'));

  let stopping: Promise<void> | null = null;
  return {
    client,
    ctx,
    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(config.token);
      await ready;
      log.info({ event: 'ready', user: client.user?.tag, guilds: client.guilds.cache.size, chunks: service.kb.size, rssMb: Math.round(process.memoryUsage().rss / 1e6) }, 'bot ready');
    },
    shutdown(reason) {
      stopping ??= (async () => {
        ctx.state.shuttingDown = true;
        log.info({ event: 'shutdown', reason, inFlight: inFlight.size }, 'shutting down');
        const drained = await inFlight.drain(config.shutdownGraceMs);
        await Promise.all([ctx.feedback.flush(), ctx.answers.flush(), ctx.engine.close?.().catch((error: unknown) => log.warn({ err: error }, 'answer workers did not stop cleanly'))]);
        await state.close();
        await client.destroy();
        log.info({ event: 'stopped', ...drained }, 'stopped');
      })();
      return stopping;
    },
  };
}
