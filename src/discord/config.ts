import path from 'node:path';
import { ConfigError } from '../errors.js';
import { loadSettings } from '../configSchema.js';

type Env = Record<string, string | undefined>;

/** Everything the Discord bot reads from the environment (README "Discord" lists the same variables). */
export interface DiscordConfig {
  token: string;
  /** REST base URL without the version, e.g. https://discord.com/api or a local stand-in. */
  apiUrl: string;
  clientId?: string;
  guildId?: string;
  allowDms: boolean;
  answerInThread: boolean;
  allowedGuildIds: string[];
  allowedChannelIds: string[];
  rateLimitUserPerMin: number;
  rateLimitGuildPerMin: number;
  maxQuestionChars: number;
  /** How many earlier turns of a thread are given to the engine as history. */
  threadHistoryTurns: number;
  /** DATA_DB_FILE: the SQLite database holding the answer log and the feedback. */
  dataDbFile: string;
  /** ANSWER_LOG_RETENTION_DAYS: how long answers (and so their buttons) are kept. */
  answerLogRetentionDays: number;
  logContent: boolean;
  logLevel: string;
  /** How long in-flight replies get to finish on SIGINT/SIGTERM before they are failed politely. */
  shutdownGraceMs: number;
}

export const DEFAULT_API_URL = 'https://discord.com/api';
const SNOWFLAKE = /^\d{15,22}$/;

/** The token (required for the bot; its shape is checked by the schema); never echoed back in an error. */
export function readToken(env: Env): string {
  const token = loadSettings(env).DISCORD_TOKEN;
  if (!token) throw new ConfigError('DISCORD_TOKEN is not set (the bot token from the Discord developer portal, Bot tab)');
  return token;
}

export function readApiUrl(env: Env): string {
  return loadSettings(env).DISCORD_API_URL;
}

/** The application id hidden in the first segment of a bot token (base64 of the bot's user id). */
export function applicationIdFromToken(token: string): string | undefined {
  const first = token.split('.')[0] ?? '';
  const decoded = Buffer.from(first, 'base64url').toString('utf8');
  return SNOWFLAKE.test(decoded) ? decoded : undefined;
}

export function loadDiscordConfig(env: Env = process.env, rootDir = process.cwd()): DiscordConfig {
  const s = loadSettings(env);
  return {
    token: readToken(env),
    apiUrl: s.DISCORD_API_URL,
    clientId: s.DISCORD_CLIENT_ID,
    guildId: s.DISCORD_GUILD_ID,
    allowDms: s.ALLOW_DMS,
    answerInThread: s.ANSWER_IN_THREAD,
    allowedGuildIds: s.ALLOWED_GUILD_IDS,
    allowedChannelIds: s.ALLOWED_CHANNEL_IDS,
    rateLimitUserPerMin: s.RATE_LIMIT_USER_PER_MIN,
    rateLimitGuildPerMin: s.RATE_LIMIT_GUILD_PER_MIN,
    maxQuestionChars: s.MAX_QUESTION_CHARS,
    threadHistoryTurns: s.THREAD_HISTORY_TURNS,
    dataDbFile: path.resolve(rootDir, s.DATA_DB_FILE),
    answerLogRetentionDays: s.ANSWER_LOG_RETENTION_DAYS,
    logContent: s.LOG_CONTENT,
    logLevel: s.LOG_LEVEL,
    shutdownGraceMs: s.SHUTDOWN_GRACE_MS,
  };
}
