import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ShardingManager, type Shard } from 'discord.js';
import { loadSettings, type Settings } from '../configSchema.js';
import type { Logger } from './logger.js';

/** This host's share of the gateway: `ids` of `count` shards, one process each or all in this one. */
export interface ShardPlan {
  count: number;
  ids: number[];
  mode: 'process' | 'single';
  /** Shards Discord lets identify at once (session_start_limit.max_concurrency). */
  maxConcurrency: number;
}

const MIN_RESPAWN_DELAY_MS = 500;
const MAX_RESPAWN_DELAY_MS = 30_000;
/** A shard that ran this long before dying was not crash-looping. */
const STABLE_MS = 30_000;

/** Discord's identify limit: one IDENTIFY per 5 s per concurrency bucket (discord.js's own spawn delay). */
const IDENTIFY_SPACING_MS = 5500;

/** GET /gateway/bot: Discord's recommended shard count and how many may identify at once. */
export async function gatewayBot(apiUrl: string, token: string): Promise<{ shards: number; maxConcurrency: number }> {
  const response = await fetch(`${apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${token}` }, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET /gateway/bot answered ${response.status}`);
  const body = (await response.json()) as { shards?: unknown; session_start_limit?: { max_concurrency?: unknown } };
  const shards = Number(body.shards);
  if (!Number.isInteger(shards) || shards < 1) throw new Error('GET /gateway/bot gave no shard count');
  const maxConcurrency = Number(body.session_start_limit?.max_concurrency ?? 1);
  return { shards, maxConcurrency: Number.isInteger(maxConcurrency) && maxConcurrency > 0 ? maxConcurrency : 1 };
}

/** SHARD_COUNT / SHARD_IDS / SHARD_MODE resolved (`auto` asks Discord); null when sharding is not configured. */
export async function resolveShardPlan(settings: Pick<Settings, 'SHARD_COUNT' | 'SHARD_IDS' | 'SHARD_MODE'>, apiUrl: string, token: string): Promise<ShardPlan | null> {
  if (settings.SHARD_COUNT === undefined) return null;
  const gateway = await gatewayBot(apiUrl, token);
  const count = settings.SHARD_COUNT === 'auto' ? gateway.shards : settings.SHARD_COUNT;
  const ids = settings.SHARD_IDS ?? Array.from({ length: count }, (_, i) => i);
  const beyond = ids.filter((id) => id >= count);
  if (beyond.length) throw new Error(`SHARD_IDS ${beyond.join(',')} beyond the ${count} shards Discord recommends (SHARD_COUNT=auto)`);
  return { count, ids, mode: settings.SHARD_MODE, maxConcurrency: gateway.maxConcurrency };
}

/** The file each shard process runs: shardProcess.js beside this module (shardProcess.ts under tsx). */
function shardEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return path.join(path.dirname(here), `shardProcess${path.extname(here)}`);
}

export interface ShardManagerHandle {
  manager: ShardingManager;
  /** Stops respawning, asks every shard to shut down (SIGTERM: in-flight answers finish), waits for them. */
  stop(): Promise<void>;
}

/**
 * SHARD_MODE=process: discord.js's ShardingManager runs one child process per shard of this host (the same bot,
 * each with its SHARDS id) and respawns a shard whose process dies. The children share state through
 * PostgreSQL (DATABASE_URL), not through this process.
 */
export async function runShardManager(plan: ShardPlan, token: string, log: Logger): Promise<ShardManagerHandle> {
  const manager = new ShardingManager(shardEntry(), {
    token,
    totalShards: plan.count,
    shardList: plan.ids,
    mode: 'process',
    // Respawned here, with a backoff (discord.js would respawn at once, in a tight loop if the shard cannot start).
    respawn: false,
    // The children run as this process does (compiled, or under tsx in development).
    execArgv: process.execArgv,
  });
  let stopping = false;
  manager.on('shardCreate', (shard: Shard) => {
    log.info({ event: 'shard-created', shard: shard.id }, `shard ${shard.id} starting`);
    let spawnedAt = Date.now();
    let delay = 0;
    shard.on('spawn', () => (spawnedAt = Date.now()));
    shard.on('death', (child) => {
      const code = 'exitCode' in child ? child.exitCode : null;
      const signal = 'signalCode' in child ? child.signalCode : null;
      // A shard that dies soon after starting waits twice as long each time (0.5 s … 30 s); one that ran a while, 0.5 s.
      delay = Date.now() - spawnedAt < STABLE_MS ? Math.min(MAX_RESPAWN_DELAY_MS, Math.max(MIN_RESPAWN_DELAY_MS, delay * 2)) : MIN_RESPAWN_DELAY_MS;
      log.warn({ event: 'shard-died', shard: shard.id, code, signal, respawnInMs: stopping ? null : delay }, `shard ${shard.id} exited`);
      if (stopping) return;
      setTimeout(() => {
        if (!stopping) shard.spawn(60_000).catch((error: unknown) => log.error({ err: error, event: 'shard-respawn-failed', shard: shard.id }, `shard ${shard.id} did not come back`));
      }, delay);
    });
    shard.on('ready', () => log.info({ event: 'shard-ready', shard: shard.id, pid: shard.process?.pid }, `shard ${shard.id} ready`));
  });
  // Shards in one concurrency bucket may identify together; beyond it, Discord wants 5 s between them.
  const delay = plan.ids.length <= plan.maxConcurrency ? 0 : IDENTIFY_SPACING_MS;
  await manager.spawn({ amount: plan.count, delay, timeout: 60_000 });
  log.info({ event: 'shards-ready', shards: plan.ids, total: plan.count }, `${plan.ids.length} of ${plan.count} shard(s) running on this host`);
  return {
    manager,
    async stop() {
      stopping = true;
      await Promise.all(
        [...manager.shards.values()].map(
          (shard) =>
            new Promise<void>((resolve) => {
              const child = shard.process;
              if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/** What this process is: the shard supervisor, or a bot (alone, one ShardingManager child, or several shards in one). */
export type ShardRole = { kind: 'manager'; plan: ShardPlan } | { kind: 'bot'; shards?: ShardPlan; logFields: Record<string, unknown> };

export async function decideShardRole(env: Record<string, string | undefined>, apiUrl: string, token: string): Promise<ShardRole> {
  // A ShardingManager child: discord.js hands it SHARDS and SHARD_COUNT, and its client reads them itself.
  if (env.SHARDING_MANAGER === 'true') return { kind: 'bot', logFields: { shard: Number(env.SHARDS) } };
  const plan = await resolveShardPlan(loadSettings(env), apiUrl, token);
  if (!plan) return { kind: 'bot', logFields: {} };
  if (plan.mode === 'process') return { kind: 'manager', plan };
  return { kind: 'bot', shards: plan, logFields: { shards: plan.ids } };
}

/** Runs the ShardingManager until SIGINT/SIGTERM, which every shard gets in turn (they finish their answers). */
export async function superviseShards(plan: ShardPlan, token: string, log: Logger): Promise<void> {
  const handle = await runShardManager(plan, token, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ event: 'shutdown', reason: signal }, 'stopping the shards');
    handle.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
