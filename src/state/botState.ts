import type pg from 'pg';
import { AnswerLog } from '../discord/answerLog.js';
import { FeedbackStore } from '../discord/feedbackStore.js';
import { RateLimiter } from '../discord/rateLimiter.js';
import type { Logger } from '../discord/logger.js';
import { loadSettings } from '../configSchema.js';
import type { BriefingService } from '../service.js';
import type { StoreSync } from './storeSync.js';
import type { AnswerStore, FeedbackSink, RateLimit, SummaryStore } from './types.js';

export interface StateSettings {
  /** DATABASE_URL: unset = the embedded single-process default. */
  databaseUrl?: string;
  dataDbFile: string;
  answerLogRetentionDays: number;
  rateLimitUserPerMin: number;
  rateLimitGuildPerMin: number;
  summaryCacheMaxEntries?: number;
}

export interface BotState {
  backend: 'postgres' | 'embedded';
  answers: AnswerStore;
  feedback: FeedbackSink;
  limits: { user: RateLimit; guild: RateLimit };
  /** The shared summary cache (PostgreSQL only; embedded, the summarizer keeps its file cache). */
  summaries?: SummaryStore;
  /** The pool, for the store's rebuild lock and notifications (PostgreSQL only). */
  pool?: pg.Pool;
  close: () => Promise<void>;
}

/** SQLite for answers and feedback, memory for rate limits: one process, as before DATABASE_URL existed. */
export function embeddedState(settings: StateSettings): BotState {
  const answers = new AnswerLog(settings.dataDbFile, { retentionDays: settings.answerLogRetentionDays });
  const feedback = new FeedbackStore(settings.dataDbFile, { retentionDays: settings.answerLogRetentionDays });
  return {
    backend: 'embedded',
    answers,
    feedback,
    limits: { user: new RateLimiter(settings.rateLimitUserPerMin), guild: new RateLimiter(settings.rateLimitGuildPerMin) },
    async close() {
      await Promise.all([answers.flush(), feedback.flush()]);
    },
  };
}

/**
 * PostgreSQL shared by every shard and host: migrations applied (idempotent, versioned), the shared user-hash
 * secret read, old answers pruned. Loaded only when DATABASE_URL is set, so the embedded default never loads pg.
 * Degraded modes are logged once each (never the URL: it may hold a password).
 */
export async function postgresState(url: string, settings: StateSettings, log: Logger): Promise<BotState> {
  const [{ createPool }, { migrate }, { PostgresAnswerLog }, { PostgresFeedback }, { PostgresRateLimit }, { PostgresSummaryCache }] = await Promise.all([
    import('./postgres/connection.js'),
    import('./postgres/migrations.js'),
    import('./postgres/answerLog.js'),
    import('./postgres/feedback.js'),
    import('./postgres/rateLimit.js'),
    import('./postgres/summaryCache.js'),
  ]);
  const pool = createPool(url);
  try {
    const applied = await migrate(pool);
    const answers = new PostgresAnswerLog(pool, { retentionDays: settings.answerLogRetentionDays });
    await answers.prune();
    const feedback = new PostgresFeedback(pool, (event, pending) =>
      event === 'deferred'
        ? log.warn({ event: 'feedback-deferred', pending }, 'cannot store feedback in PostgreSQL; votes kept in memory until it is back')
        : log.info({ event: 'feedback-caught-up' }, 'PostgreSQL is back; deferred feedback stored'),
    );
    await feedback.init();
    const onFallback = (name: string) => (down: boolean, error?: unknown) =>
      down
        ? log.warn({ event: 'rate-limit-local', limiter: name, code: (error as NodeJS.ErrnoException | undefined)?.code ?? 'error' }, 'PostgreSQL unreachable; rate limits held per process until it is back')
        : log.info({ event: 'rate-limit-shared', limiter: name }, 'PostgreSQL reachable again; rate limits shared again');
    log.info({ event: 'state', backend: 'postgres', migrationsApplied: applied }, 'shared state on PostgreSQL');
    return {
      backend: 'postgres',
      answers,
      feedback,
      limits: {
        user: new PostgresRateLimit(pool, 'user', settings.rateLimitUserPerMin, onFallback('user')),
        guild: new PostgresRateLimit(pool, 'guild', settings.rateLimitGuildPerMin, onFallback('guild')),
      },
      summaries: new PostgresSummaryCache(pool, settings.summaryCacheMaxEntries ?? 200),
      pool,
      async close() {
        await feedback.flush();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    // One line naming the setting, never the URL (it may hold a password).
    const detail = (error as { code?: string }).code ?? (error as Error).message?.split('\n')[0] ?? 'error';
    throw new Error(`cannot open the shared state in PostgreSQL (DATABASE_URL): ${detail}`, { cause: error });
  }
}

/** The state settings from the (validated) environment and the bot's configuration. */
export function stateSettings(env: Record<string, string | undefined>, config: Omit<StateSettings, 'databaseUrl' | 'summaryCacheMaxEntries'>): StateSettings {
  const settings = loadSettings(env);
  return { ...config, databaseUrl: settings.DATABASE_URL, summaryCacheMaxEntries: settings.SUMMARY_CACHE_MAX_ENTRIES };
}

/** With PostgreSQL: this process follows rebuilds made by any other (src/state/storeSync.ts); closed with the state. */
export async function followSharedStore(state: BotState, service: BriefingService, log: Logger): Promise<StoreSync | undefined> {
  if (!state.pool) return undefined;
  const { StoreSync } = await import('./storeSync.js');
  const sync = new StoreSync(state.pool, service, log);
  await sync.start();
  const closeState = state.close;
  state.close = async () => {
    await sync.close();
    await closeState();
  };
  return sync;
}

/** Secrets in DATABASE_URL (the URL, its password) for the log scrubber. */
export function databaseSecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? [url, password] : [url];
  } catch {
    return [url];
  }
}

export function openBotState(settings: StateSettings, log: Logger): Promise<BotState> {
  return settings.databaseUrl ? postgresState(settings.databaseUrl, settings, log) : Promise.resolve(embeddedState(settings));
}
