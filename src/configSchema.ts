import { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * Every environment variable the project reads, in one zod schema: its type, range and default. Each command
 * validates the whole environment before doing any work (src/cli/common.ts runCliMain; the bot in src/discord/start.ts), and every problem is reported at
 * once, one line each. README's configuration table and `.env.example` list the same variables (a test checks
 * `.env.example` against this schema). The typed loaders (src/config.ts, src/llm/config.ts, …) read from here.
 */

const MAX_ECHO = 40;
const clip = (value: string) => value.slice(0, MAX_ECHO);
const blankToUndefined = (raw: unknown) => (typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined);

/** A variable: unset or blank means "use the default"; otherwise `parse` turns the text into a value or a problem. */
function variable<T>(parse: (value: string) => T | { problem: string }) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((value, ctx): T | undefined => {
        if (value === undefined) return undefined;
        const parsed = parse(value);
        if (parsed !== null && typeof parsed === 'object' && 'problem' in parsed) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.problem });
          return z.NEVER;
        }
        return parsed as T;
      }),
  );
}

function withDefault<T>(schema: z.ZodType<T | undefined, z.ZodTypeDef, unknown>, fallback: T) {
  return schema.transform((value) => (value === undefined ? fallback : value));
}

const text = () => variable((value) => value);

function wholeNumber(min: number, max: number) {
  return variable((value) => {
    if (!/^-?\d+$/.test(value)) return { problem: `must be a whole number, got "${clip(value)}"` };
    const n = Number(value);
    return n < min || n > max ? { problem: `must be between ${min} and ${max}, got ${n}` } : n;
  });
}

function decimal(min: number, max: number) {
  return variable((value) => {
    const n = Number(value);
    if (!Number.isFinite(n)) return { problem: `must be a number, got "${clip(value)}"` };
    return n < min || n > max ? { problem: `must be between ${min} and ${max}, got ${n}` } : n;
  });
}

function flag() {
  return variable((value) => {
    const v = value.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    return { problem: `must be true or false, got "${clip(value)}"` };
  });
}

function oneOf<T extends string>(allowed: readonly T[]) {
  return variable((value) => {
    const v = value.toLowerCase();
    return (allowed as readonly string[]).includes(v) ? (v as T) : { problem: `must be one of ${allowed.join(', ')}, got "${clip(value)}"` };
  });
}

function httpUrl() {
  return variable((value) => {
    const trimmed = value.replace(/\/+$/, '');
    try {
      const url = new URL(trimmed);
      if (url.protocol === 'http:' || url.protocol === 'https:') return trimmed;
    } catch {
      // reported below
    }
    return { problem: `must be an http:// or https:// URL, got "${clip(value)}"` };
  });
}

const SNOWFLAKE = /^\d{15,22}$/;
const discordId = () => variable((value) => (SNOWFLAKE.test(value) ? value : { problem: `must be a Discord id (digits), got "${clip(value)}"` }));
const discordIds = () =>
  variable((value) => {
    const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = ids.find((id) => !SNOWFLAKE.test(id));
    return bad ? { problem: `must be a comma-separated list of Discord ids, got "${clip(bad)}"` } : ids;
  });

// Never echoed back: it may hold a password.
const postgresUrl = () =>
  variable((value) => {
    try {
      const url = new URL(value);
      if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') return value;
    } catch {
      // reported below
    }
    return { problem: 'must be a postgres:// or postgresql:// URL (not echoed: it may hold a password)' };
  });
/** `auto` (Discord's recommendation from /gateway/bot) or a whole number of shards. */
const shardCount = () =>
  variable((value): number | 'auto' | { problem: string } => {
    if (value.toLowerCase() === 'auto') return 'auto';
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 10_000) return { problem: `must be auto or a whole number from 1 to 10000, got "${clip(value)}"` };
    return Number(value);
  });
const shardIds = () =>
  variable((value) => {
    const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = parts.find((p) => !/^\d+$/.test(p) || Number(p) > 9_999);
    if (bad !== undefined || parts.length === 0) return { problem: `must be a comma-separated list of shard numbers, got "${clip(bad ?? value)}"` };
    return [...new Set(parts.map(Number))].sort((a, b) => a - b);
  });

/** Three base64url segments: the shape of every bot token. Checked so a pasted client secret fails clearly. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{10,}$/;
// Never echoed back: it is a secret.
const botToken = () =>
  variable((value) => {
    const token = value.replace(/^Bot\s+/i, '');
    return TOKEN_SHAPE.test(token) ? token : { problem: 'does not look like a bot token (three dot-separated parts); check you copied the Bot token, not the client secret' };
  });

export const EMBEDDINGS_PROVIDERS = ['hashing', 'openai', 'ollama'] as const;
export const LLM_PROVIDERS = ['none', 'openai', 'anthropic', 'ollama'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const fields = {
  // Briefing and store
  SEEDS_DIR: withDefault(text(), 'seeds'),
  VECTORSTORE_DIR: withDefault(text(), 'vectorstore'),
  SEED_MAX_BYTES: withDefault(wholeNumber(1, 1_000_000_000), 5_000_000),
  SEED_MAX_PAGES: withDefault(wholeNumber(1, 100_000), 1000),
  WATCH_SEEDS: withDefault(flag(), true),
  CHUNK_SIZE: withDefault(wholeNumber(100, 8000), 1000),
  CHUNK_OVERLAP: withDefault(wholeNumber(0, 5), 1),
  // Embeddings
  EMBEDDINGS_PROVIDER: withDefault(oneOf(EMBEDDINGS_PROVIDERS), 'hashing'),
  /** Default per provider (src/config.ts). */
  EMBEDDINGS_MODEL: text(),
  EMBEDDINGS_DIMENSIONS: withDefault(wholeNumber(64, 8192), 1024),
  OPENAI_API_KEY: text(),
  OPENAI_BASE_URL: httpUrl(),
  OLLAMA_BASE_URL: withDefault(httpUrl(), 'http://127.0.0.1:11434'),
  // Retrieval
  /** Default per embeddings provider (src/config.ts): 10 for hashing, 200 for neural models. */
  HNSW_EF: wholeNumber(10, 5000),
  HNSW_M: withDefault(wholeNumber(4, 128), 16),
  HYBRID_LEXICAL_WEIGHT: withDefault(decimal(0, 1), 0.99),
  // Answers
  /** Unset: the answer engine's own threshold. */
  ANSWER_MIN_CONFIDENCE: decimal(0, 1),
  ANSWER_TOP_K: withDefault(wholeNumber(1, 50), 6),
  // Language model
  LLM_PROVIDER: withDefault(oneOf(LLM_PROVIDERS), 'none'),
  /** Default per provider (src/llm/config.ts). */
  LLM_MODEL: text(),
  LLM_API_KEY: text(),
  ANTHROPIC_API_KEY: text(),
  LLM_BASE_URL: httpUrl(),
  LLM_TIMEOUT_MS: withDefault(wholeNumber(100, 600_000), 20_000),
  LLM_CONTEXT_CHARS: withDefault(wholeNumber(500, 200_000), 6000),
  // Summaries
  /** Default: <VECTORSTORE_DIR>/summary-cache. */
  SUMMARY_CACHE_DIR: text(),
  SUMMARY_CACHE_MAX_ENTRIES: withDefault(wholeNumber(0, 100_000), 200),
  SUMMARY_TOPIC_PASSAGES: withDefault(wholeNumber(1, 100), 8),
  SUMMARY_MAX_SENTENCES_PER_DOC: withDefault(wholeNumber(3, 1000), 60),
  SUMMARY_LLM_CHUNK_CHARS: withDefault(wholeNumber(500, 200_000), 6000),
  SUMMARY_LLM_MAX_MAP_CALLS: withDefault(wholeNumber(1, 200), 12),
  // Discord
  DISCORD_TOKEN: botToken(),
  DISCORD_API_URL: withDefault(httpUrl(), 'https://discord.com/api'),
  DISCORD_CLIENT_ID: discordId(),
  DISCORD_GUILD_ID: discordId(),
  ALLOW_DMS: withDefault(flag(), true),
  ANSWER_IN_THREAD: withDefault(flag(), false),
  ALLOWED_GUILD_IDS: withDefault(discordIds(), [] as string[]),
  ALLOWED_CHANNEL_IDS: withDefault(discordIds(), [] as string[]),
  RATE_LIMIT_USER_PER_MIN: withDefault(wholeNumber(0, 10_000), 6),
  RATE_LIMIT_GUILD_PER_MIN: withDefault(wholeNumber(0, 100_000), 60),
  MAX_QUESTION_CHARS: withDefault(wholeNumber(10, 1000), 1000),
  THREAD_HISTORY_TURNS: withDefault(wholeNumber(0, 20), 4),
  DATA_DB_FILE: withDefault(text(), 'data/briefing.db'),
  ANSWER_LOG_RETENTION_DAYS: withDefault(wholeNumber(1, 3650), 30),
  ANSWER_WORKERS: withDefault(wholeNumber(0, 16), 0),
  // Running at scale (README "Running at scale")
  DATABASE_URL: postgresUrl(),
  SHARD_COUNT: shardCount(),
  SHARD_IDS: shardIds(),
  SHARD_MODE: withDefault(oneOf(['process', 'single'] as const), 'process'),
  LOG_CONTENT: withDefault(flag(), false),
  LOG_LEVEL: withDefault(oneOf(LOG_LEVELS), 'info'),
  SHUTDOWN_GRACE_MS: withDefault(wholeNumber(0, 60_000), 4000),
  // Tools
  BRIEFING_PROGRESS: withDefault(flag(), false),
};

/** Problems that involve more than one variable (each checked only when the variables it needs are valid). */
function crossCheck(s: Partial<Settings>): string[] {
  const problems: string[] = [];
  const llmKey = s.LLM_API_KEY ?? (s.LLM_PROVIDER === 'openai' ? s.OPENAI_API_KEY : s.LLM_PROVIDER === 'anthropic' ? s.ANTHROPIC_API_KEY : undefined);
  // A custom OpenAI-compatible server may not need a key; the real services do.
  if (s.LLM_PROVIDER === 'openai' && !llmKey && !s.LLM_BASE_URL && !s.OPENAI_BASE_URL) {
    problems.push('LLM_PROVIDER=openai needs LLM_API_KEY or OPENAI_API_KEY (or LLM_BASE_URL for a compatible local server)');
  }
  if (s.SHARD_IDS && s.SHARD_COUNT === undefined) problems.push('SHARD_IDS needs SHARD_COUNT (the total number of shards across all hosts)');
  if (s.SHARD_IDS && typeof s.SHARD_COUNT === 'number' && s.SHARD_IDS.some((id) => id >= (s.SHARD_COUNT as number))) {
    problems.push(`SHARD_IDS must be below SHARD_COUNT (${s.SHARD_COUNT}): shards are numbered from 0`);
  }
  if (s.LLM_PROVIDER === 'anthropic' && !llmKey) problems.push('LLM_PROVIDER=anthropic needs LLM_API_KEY or ANTHROPIC_API_KEY');
  return problems;
}

export const settingsSchema = z.object(fields);
export type Settings = z.output<typeof settingsSchema>;
/** Every variable the schema knows, in the order above. */
export const VARIABLES = Object.keys(fields) as (keyof typeof fields)[];

/** The configuration is wrong: `problems` holds one line per problem, all of them. */
export class ConfigProblems extends ConfigError {
  override name = 'ConfigProblems';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** The whole environment, validated and typed; throws ConfigProblems listing every problem at once. */
export function loadSettings(env: Record<string, string | undefined> = process.env): Settings {
  const values: Partial<Record<keyof typeof fields, unknown>> = {};
  const problems: string[] = [];
  for (const name of VARIABLES) {
    const parsed = fields[name].safeParse(env[name]);
    if (parsed.success) values[name] = parsed.data;
    else problems.push(...parsed.error.issues.map((issue) => `${name} ${issue.message}`));
  }
  problems.push(...crossCheck(values as Partial<Settings>));
  if (problems.length > 0) throw new ConfigProblems(problems);
  return values as Settings;
}
