import type { ChatInputCommandInteraction, SlashCommandOptionsOnlyBuilder, SlashCommandBuilder, Client } from 'discord.js';
import type { AnswerResult, AskOptions } from '../answer/types.js';
import type { SummaryRequest, SummaryResult } from '../summary/types.js';
import type { BriefingService } from '../service.js';
import type { DiscordConfig } from './config.js';
import type { Logger } from './logger.js';
import type { AnswerStore, FeedbackSink, RateLimit } from '../state/types.js';
import type { Precondition } from './preconditions.js';
import type { SourceLookup } from './render.js';
import type { PendingAcks } from './pendingAcks.js';

/** The parts of the answer engine and summarizer the bot uses (structural, so tests can wrap the real ones). */
export interface Answerer {
  ask(question: string, options?: AskOptions): Promise<AnswerResult>;
  /** Stops what answers (a worker pool) once the bot has drained its replies. */
  close?(): Promise<void>;
}
export interface SummaryMaker {
  summarize(request: SummaryRequest): Promise<SummaryResult>;
}

/** Everything a command, a message handler or a button handler may use. */
export interface BotContext {
  config: DiscordConfig;
  service: BriefingService;
  engine: Answerer;
  summarizer: SummaryMaker;
  log: Logger;
  /** SQLite and memory by default; PostgreSQL shared by every shard when DATABASE_URL is set (src/state). */
  answers: AnswerStore;
  feedback: FeedbackSink;
  limits: { user: RateLimit; guild: RateLimit };
  /** answerLogFailing: the answer log could not be written (warned once; answers go out without buttons). */
  state: { shuttingDown: boolean; answerLogFailing: boolean };
  lookup: SourceLookup;
  /** Set when several processes share the store (DATABASE_URL): rebuilds once, under a lock, and tells the others. */
  reindexAll?: BriefingService['reindex'];
  /** Deferrals not yet answered by Discord (answers on the main thread wait for them, briefly). */
  pendingAcks: PendingAcks;
  client: Client;
}

/** One slash command module (commands/*.ts), in the discord.js guide's shape plus declared preconditions. */
export interface SlashCommand {
  data: SlashCommandBuilder | SlashCommandOptionsOnlyBuilder;
  /** Checked, in order, before the interaction is deferred. */
  preconditions: Precondition[];
  /** Whether the deferred reply is private (ephemeral); decided before any work starts. */
  ephemeral(interaction: ChatInputCommandInteraction): boolean;
  /** Runs after the deferral; must finish with `interaction.editReply(...)`. */
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
}
