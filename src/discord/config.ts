import path from 'node:path';
import { ConfigError } from '../errors.js';
import { readBool, readInt, readList, readOptional, readString } from '../config.js';

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
  feedbackFile: string;
  answerLogFile: string;
  logContent: boolean;
  logLevel: string;
  /** How long in-flight replies get to finish on SIGINT/SIGTERM before they are failed politely. */
  shutdownGraceMs: number;
}

export const DEFAULT_API_URL = 'https://discord.com/api';
const SNOWFLAKE = /^\d{15,22}$/;
/** Three base64url segments: the shape of every bot token. Checked so a pasted client secret fails clearly. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{10,}$/;

function readSnowflakes(env: Env, name: string): string[] {
  const ids = readList(env, name);
  const bad = ids.find((id) => !SNOWFLAKE.test(id));
  if (bad) throw new ConfigError(`${name} must be a comma-separated list of Discord ids, got "${bad.slice(0, 40)}"`);
  return ids;
}

function readSnowflake(env: Env, name: string): string | undefined {
  const value = readOptional(env, name);
  if (value !== undefined && !SNOWFLAKE.test(value)) throw new ConfigError(`${name} must be a Discord id (digits), got "${value.slice(0, 40)}"`);
  return value;
}

/** The token, checked for shape only; never echoed back in the error. */
export function readToken(env: Env): string {
  const token = readOptional(env, 'DISCORD_TOKEN')?.replace(/^Bot\s+/i, '');
  if (!token) throw new ConfigError('DISCORD_TOKEN is not set (the bot token from the Discord developer portal, Bot tab)');
  if (!TOKEN_SHAPE.test(token)) throw new ConfigError('DISCORD_TOKEN does not look like a bot token (three dot-separated parts); check you copied the Bot token, not the client secret');
  return token;
}

export function readApiUrl(env: Env): string {
  const raw = readString(env, 'DISCORD_API_URL', DEFAULT_API_URL).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`DISCORD_API_URL must be a URL like ${DEFAULT_API_URL}, got "${raw.slice(0, 60)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('DISCORD_API_URL must start with http:// or https://');
  return raw;
}

/** The application id hidden in the first segment of a bot token (base64 of the bot's user id). */
export function applicationIdFromToken(token: string): string | undefined {
  const first = token.split('.')[0] ?? '';
  const decoded = Buffer.from(first, 'base64url').toString('utf8');
  return SNOWFLAKE.test(decoded) ? decoded : undefined;
}

export function loadDiscordConfig(env: Env = process.env, rootDir = process.cwd()): DiscordConfig {
  return {
    token: readToken(env),
    apiUrl: readApiUrl(env),
    clientId: readSnowflake(env, 'DISCORD_CLIENT_ID'),
    guildId: readSnowflake(env, 'DISCORD_GUILD_ID'),
    allowDms: readBool(env, 'ALLOW_DMS', true),
    answerInThread: readBool(env, 'ANSWER_IN_THREAD', false),
    allowedGuildIds: readSnowflakes(env, 'ALLOWED_GUILD_IDS'),
    allowedChannelIds: readSnowflakes(env, 'ALLOWED_CHANNEL_IDS'),
    rateLimitUserPerMin: readInt(env, 'RATE_LIMIT_USER_PER_MIN', 6, 0, 10_000),
    rateLimitGuildPerMin: readInt(env, 'RATE_LIMIT_GUILD_PER_MIN', 60, 0, 100_000),
    maxQuestionChars: readInt(env, 'MAX_QUESTION_CHARS', 1000, 10, 1000),
    threadHistoryTurns: readInt(env, 'THREAD_HISTORY_TURNS', 4, 0, 20),
    feedbackFile: path.resolve(rootDir, readString(env, 'FEEDBACK_FILE', 'data/feedback.jsonl')),
    answerLogFile: path.resolve(rootDir, readString(env, 'ANSWER_LOG_FILE', 'data/answers.jsonl')),
    logContent: readBool(env, 'LOG_CONTENT', false),
    logLevel: readString(env, 'LOG_LEVEL', 'info'),
    shutdownGraceMs: readInt(env, 'SHUTDOWN_GRACE_MS', 4000, 0, 60_000),
  };
}
