import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { BriefingService } from '../service.js';
import type { Logger } from '../discord/logger.js';

/** Any fixed 64-bit number, the same in every process: held while one process rebuilds the shared store. */
const REBUILD_LOCK = 7_214_020_931_002;
const CHANNEL = 'briefing_store';

type Reindex = BriefingService['reindex'];
type ReindexResult = Awaited<ReturnType<Reindex>>;

/**
 * One store for every process and host (VECTORSTORE_DIR on a folder they all see). A rebuild (`/reindex` on any
 * shard) runs under a PostgreSQL advisory lock, so it happens once: a second request waits for the lock and then
 * finds the store current (BriefingService.reindex rebuilds only what changed). The finished generation is
 * announced with NOTIFY; every other process LISTENs and loads it (BriefingService swaps the knowledge base
 * whole, so answers in flight finish on the one they started with). The building itself is the store's.
 */
export class StoreSync {
  /** Tells this process's own notifications from the others'. */
  readonly origin = randomBytes(6).toString('hex');
  private listener: pg.PoolClient | null = null;
  private following: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Generations loaded because another process announced them (for logs and tests). */
  followed = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly service: BriefingService,
    private readonly log: Logger,
  ) {}

  /** Starts listening; reconnects (and catches up with one reload) if the connection is lost. */
  async start(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL) return;
      const payload = parsePayload(message.payload);
      if (payload?.origin === this.origin) return;
      this.follow(`another process rebuilt the store (${payload?.builtAt ?? 'unknown time'})`);
    });
    client.on('error', () => {
      client.release(true);
      if (this.listener === client) this.listener = null;
      if (!this.closed) this.reconnectSoon();
    });
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  /** `/reindex` for every process: rebuilds once under the lock, then tells the others. */
  reindex: Reindex = async (options = {}) => {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      // PostgreSQL away: rebuild here (the store's own lock still guards the folder); the others reload when
      // their listening connection comes back.
      this.log.warn({ event: 'reindex-unshared', code: (error as { code?: string }).code ?? 'error' }, 'PostgreSQL unreachable; reindexing this process only');
      return this.service.reindex(options);
    }
    let result: ReindexResult;
    try {
      await client.query('SELECT pg_advisory_lock($1)', [REBUILD_LOCK]);
      try {
        result = await this.service.reindex(options);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [REBUILD_LOCK]);
      }
      if (result.rebuiltBecause || result.before.builtAt !== result.after.builtAt) {
        await client.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ origin: this.origin, builtAt: result.after.builtAt })]);
      }
    } finally {
      client.release();
    }
    return result;
  };

  async close(): Promise<void> {
    this.closed = true;
    await this.following.catch(() => undefined);
    const listener = this.listener;
    this.listener = null;
    if (listener) {
      await listener.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      listener.release();
    }
  }

  /** Loads what is now current, one reload at a time (a burst of notices costs one load each, in order). */
  private follow(reason: string): void {
    this.following = this.following.then(async () => {
      if (this.closed) return;
      try {
        const { after } = await this.service.reindex({ log: (line) => this.log.info({ event: 'store' }, line) });
        this.followed += 1;
        this.log.info({ event: 'store-followed', builtAt: after.builtAt, chunks: after.chunkCount }, `loaded the shared store: ${reason}`);
      } catch (error) {
        this.log.error({ err: error, event: 'store-follow-failed' }, 'could not load the store another process built; still answering from the previous one');
      }
    });
  }

  private reconnectSoon(): void {
    const timer = setTimeout(() => {
      if (this.closed) return;
      this.start().then(
        // Notices sent while disconnected were lost: reload once in case one was missed.
        () => this.follow('reconnected to PostgreSQL'),
        () => this.reconnectSoon(),
      );
    }, 1000);
    timer.unref();
  }
}

function parsePayload(text: string | undefined): { origin?: string; builtAt?: string } | undefined {
  try {
    const value = JSON.parse(text ?? '') as unknown;
    return typeof value === 'object' && value !== null ? (value as { origin?: string; builtAt?: string }) : undefined;
  } catch {
    return undefined;
  }
}
