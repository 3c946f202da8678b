import path from 'node:path';
import type { CoreConfig } from '../config.js';
import { promises as fs } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Embeddings } from '@langchain/core/embeddings';
import { createEmbeddings } from '../embed/providers.js';
import type { KnowledgeBase, ProgressFn, RetrievalOptions } from '../retrieve/knowledgeBase.js';
import { isKeptSeed, loadSeeds, loadSeedsKeeping, scanSeeds, type SeedFile, type SkippedSeed } from '../seeds/loadSeeds.js';
import { oneLine } from '../errors.js';
import { SeedHashCache } from '../seeds/hashCache.js';
import { expectedStore, incrementalBase, settingsStaleReason, staleReason, type ExpectedStore, type StoreManifest } from './manifest.js';
import { withRebuildLock } from './rebuildLock.js';
import { isBaseNeeded, type BuildOutcome } from './buildGeneration.js';
import { runBuild } from './runBuild.js';
import { currentGeneration, generationManifest, loadGeneration, loadStore, readManifest } from './vectorStore.js';

export interface OpenOptions {
  /** Rebuild even if the store is up to date. */
  force?: boolean;
  /** One-line notices: skipped seeds, why the store is rebuilt. */
  log?: (line: string) => void;
  onProgress?: ProgressFn;
  /** The store the caller already has in memory: returned as is when it is still the current one. */
  loaded?: { kb: KnowledgeBase; manifest: StoreManifest };
}

export interface OpenedKnowledgeBase {
  kb: KnowledgeBase;
  manifest: StoreManifest;
  /** Why the store was rebuilt, or null when the saved one was used. */
  rebuiltBecause: string | null;
  /** Set when this call built the store: whole or incremental, and where the time went (ms). */
  build?: NonNullable<StoreManifest['lastBuild']> & { timings: BuildOutcome['timings'] & { load: number } };
  skipped: SkippedSeed[];
}

export function retrievalOptions(config: CoreConfig): RetrievalOptions {
  return { lexicalWeight: config.lexicalWeight, hnswEf: config.hnswEf, hnswM: config.hnswM };
}

/** Opens in flight in this process, by store directory: a second request for the same store joins the first. */
const inFlight = new Map<string, { settings: string; force: boolean; promise: Promise<OpenedKnowledgeBase> }>();

/**
 * The one way in: reads the seeds, uses the saved store when its manifest matches them and the embedding
 * configuration, and otherwise rebuilds it (saying why in one line). Never answers from a stale index.
 *
 * Concurrent calls in one process for the same store and settings share one open (a forced rebuild joins only
 * another forced one, or waits for a plain open to finish). Across processes, rebuilds take the store's
 * rebuild lock, and one that waited uses what the other process built instead of building it again.
 */
export async function openKnowledgeBase(config: CoreConfig, options: OpenOptions = {}): Promise<OpenedKnowledgeBase> {
  const key = path.resolve(config.vectorstoreDir);
  const settings = JSON.stringify(config);
  const force = Boolean(options.force);
  for (;;) {
    const running = inFlight.get(key);
    if (!running) break;
    if (running.settings === settings && (running.force || !force)) {
      if (force) options.log?.('Joining the store rebuild already in progress.');
      return running.promise;
    }
    await running.promise.catch(() => undefined);
  }
  const entry = { settings, force, promise: openUnshared(config, options) };
  inFlight.set(key, entry);
  try {
    return await entry.promise;
  } finally {
    if (inFlight.get(key) === entry) inFlight.delete(key);
  }
}

/**
 * The seeds' hashes as a store built from them would list them: every file `scanSeeds` finds, less the ones that
 * build refused after reading them (a corrupt PDF) and that are unchanged since.
 */
function seedHashes(files: SeedFile[], manifest: StoreManifest | null): Record<string, string> {
  const refused = new Map((manifest?.skipped ?? []).filter((s) => s.sha256).map((s) => [s.source, s.sha256]));
  return Object.fromEntries(files.filter((f) => refused.get(f.source) !== f.sha256).map((f) => [f.source, f.sha256]));
}

/** One hash cache per store folder and process, saved beside the generations (`seed-hashes.json`). */
const hashCaches = new Map<string, Promise<SeedHashCache>>();
function seedHashCache(storeDir: string): Promise<SeedHashCache> {
  const key = path.resolve(storeDir);
  let cache = hashCaches.get(key);
  if (!cache) {
    cache = SeedHashCache.open(path.join(key, 'seed-hashes.json'));
    hashCaches.set(key, cache);
  }
  return cache;
}

/** Whether `files` are exactly the seeds `manifest` was built from (as `seedHashes` would list them). */
function sameSeeds(files: SeedFile[], manifest: StoreManifest): boolean {
  const refused = manifest.skipped.length > 0 ? new Map(manifest.skipped.filter((s) => s.sha256).map((s) => [s.source, s.sha256])) : null;
  let listed = 0;
  for (const f of files) {
    if (refused?.get(f.source) === f.sha256) continue;
    if (manifest.seeds[f.source] !== f.sha256) return false;
    listed++;
  }
  return listed === Object.keys(manifest.seeds).length;
}

function sameGeneration(a: StoreManifest, b: StoreManifest): boolean {
  return a.builtAt === b.builtAt && a.chunkCount === b.chunkCount && JSON.stringify(a.files) === JSON.stringify(b.files);
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
/** A promise's outcome as a value: awaited later without ever being an unhandled rejection meanwhile. */
function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/**
 * The saved store, when it is current: `opened`; otherwise why it must be built, and the manifest of the store
 * it may be built from (null when there is none, or it is unreadable).
 */
async function openStored(
  config: CoreConfig,
  options: OpenOptions,
  embeddings: Embeddings,
  seenGeneration: string | null,
): Promise<{ opened: OpenedKnowledgeBase } | { reason: string; base: StoreManifest | null; seeds?: { files: SeedFile[]; expected: ExpectedStore } }> {
  const manifest = seenGeneration ? await generationManifest(seenGeneration) : null;
  const stored = seenGeneration && manifest ? { dir: seenGeneration, manifest } : null;
  const inMemory = options.loaded;
  const keepInMemory = !!inMemory && !!stored && sameGeneration(inMemory.manifest, stored.manifest);
  const load = (signal?: AbortSignal) =>
    stored ? settled(loadGeneration(stored.dir, embeddings, retrievalOptions(config), { manifest: stored.manifest, signal })) : null;
  // The store is loaded while the seeds are scanned (its file reads and hnswlib's run on other threads
  // meanwhile) when nothing but the seeds could make it stale; if they did, the load is stopped and dropped.
  const ahead = new AbortController();
  const settingsCurrent = !!stored && !settingsStaleReason(stored.manifest, expectedStore(config, {}));
  const early = stored && !keepInMemory && settingsCurrent ? load(ahead.signal) : null;
  const dropEarly = async (why: string) => {
    ahead.abort(new Error(why));
    await early; // stops at its next step
  };

  // Hashes only: a current store is opened without parsing a single seed file (its text is in the store).
  const files = await settled(scanSeeds(config.seedsDir, config.seedMaxBytes, config.rootDir, await seedHashCache(config.vectorstoreDir)));
  if (!files.ok) {
    await dropEarly('the seeds could not be scanned');
    throw files.error;
  }
  if (!stored) return { reason: 'no store yet', base: null };
  // The usual case, a restart on the same briefing, is decided without building the seeds' expected list.
  if (!settingsCurrent || !sameSeeds(files.value.files, stored.manifest)) {
    const expected = expectedStore(config, seedHashes(files.value.files, stored.manifest));
    const stale = staleReason(stored.manifest, expected);
    if (stale) {
      await dropEarly('the seeds changed');
      return { reason: stale, base: stored.manifest, seeds: { files: files.value.files, expected } };
    }
  }
  if (inMemory && keepInMemory) return { opened: { ...inMemory, rebuiltBecause: null, skipped: inMemory.manifest.skipped } };
  const loaded = await (early ?? load());
  if (!loaded?.ok) return { reason: `store unreadable (${oneLine(loaded?.error)})`, base: null }; // not a base to build on
  for (const s of loaded.value.manifest.skipped) options.log?.(`Skipped ${s.source}: ${s.reason}`);
  return { opened: { ...loaded.value, rebuiltBecause: null, skipped: loaded.value.manifest.skipped } };
}

async function openUnshared(config: CoreConfig, options: OpenOptions): Promise<OpenedKnowledgeBase> {
  const log = options.log ?? (() => undefined);
  const embeddings = await createEmbeddings(config.embeddings);
  const seenGeneration = await currentGeneration(config.vectorstoreDir);
  let reason = 'rebuild requested';
  let seenManifest: StoreManifest | null = null;
  let keep = new Map<string, string>();
  if (!options.force) {
    const stored = await openStored(config, options, embeddings, seenGeneration);
    if ('opened' in stored) return stored.opened;
    reason = stored.reason;
    seenManifest = stored.base;
    if (seenManifest && stored.seeds) keep = unchangedSeeds(seenManifest, stored.seeds.expected, stored.seeds.files);
  }

  const scan = await loadSeedsKeeping(config.seedsDir, config.seedMaxBytes, config.rootDir, config.seedMaxPages, keep);
  for (const s of scan.skipped) log(`Skipped ${s.source}: ${s.reason}`);
  for (const n of scan.notices) log(`Note on ${n.source}: ${n.reason}`);
  const expected = expectedStore(config, Object.fromEntries(scan.documents.map((d) => [d.source, d.sha256])));

  const why = reason;
  return withRebuildLock(config.vectorstoreDir, async () => {
    // Another process may have switched CURRENT since it was read (it held the lock, or it just finished):
    // a store it built after this request, matching these seeds and settings, is used rather than rebuilt.
    if ((await currentGeneration(config.vectorstoreDir)) !== seenGeneration) {
      const manifest = await readManifest(config.vectorstoreDir);
      if (manifest && !staleReason(manifest, expected)) {
        try {
          const loaded = await loadStore(config.vectorstoreDir, embeddings, retrievalOptions(config));
          log('Another process rebuilt the store meanwhile; using its build.');
          return { ...loaded, rebuiltBecause: null, skipped: loaded.manifest.skipped };
        } catch {
          // unreadable: build it here
        }
      }
    }
    // Only seeds changed, and the current store is the one examined above: update it in place.
    const current = await currentGeneration(config.vectorstoreDir);
    const base = seenManifest && current === seenGeneration && incrementalBase(seenManifest, expected).ok ? current : null;
    if (base || !scan.documents.some(isKeptSeed)) {
      try {
        return await build(config, options, why, scan, expected, base, embeddings);
      } catch (error) {
        if (!isBaseNeeded(error)) throw error;
        log(`Could not update the store in place (${oneLine(error)}); reading every seed to build it whole.`);
      }
    }
    // The unchanged seeds were to come from a base that is gone or unreadable: every seed is read after all.
    const full = await loadSeeds(config.seedsDir, config.seedMaxBytes, config.rootDir, config.seedMaxPages);
    return build(config, options, why, full, expectedStore(config, Object.fromEntries(full.documents.map((d) => [d.source, d.sha256]))), null, embeddings);
  }, log);
}

/**
 * The seeds an in-place update can take from the store it updates (source → sha256): those whose scanned bytes
 * are the ones it was built from — when only seeds changed, so that the update may go ahead at all.
 */
function unchangedSeeds(manifest: StoreManifest, expected: ExpectedStore, files: SeedFile[]): Map<string, string> {
  if (!incrementalBase(manifest, expected).ok) return new Map();
  return new Map(files.filter((f) => manifest.seeds[f.source] === f.sha256).map((f) => [f.source, f.sha256]));
}

async function build(
  config: CoreConfig,
  options: OpenOptions,
  reason: string,
  scan: Awaited<ReturnType<typeof loadSeedsKeeping>>,
  expected: ExpectedStore,
  base: string | null,
  embeddings: Awaited<ReturnType<typeof createEmbeddings>>,
): Promise<OpenedKnowledgeBase> {
  const log = options.log ?? (() => undefined);
  log(`Building the store: ${reason}.`);
  const outcome = await runBuild(
    { config, retrieval: retrievalOptions(config), documents: scan.documents, skipped: scan.skipped, readerVersion: expected.readerVersion, base },
    options.onProgress,
  );
  if (outcome.baseUnusable) log(`Could not update the store in place (${outcome.baseUnusable}); built it whole.`);
  try {
    const loadStarted = performance.now();
    const loaded = await loadGeneration(outcome.dir, embeddings, retrievalOptions(config), { justWritten: true });
    const timings = { ...outcome.timings, load: Math.round(performance.now() - loadStarted) };
    if (outcome.unsaved) {
      log(`Could not save the store to ${config.vectorstoreDir} (${outcome.unsaved}); serving it from memory, and it will be rebuilt at the next start.`);
    }
    return { kb: loaded.kb, manifest: loaded.manifest, rebuiltBecause: reason, build: outcome.manifest.lastBuild && { ...outcome.manifest.lastBuild, timings }, skipped: scan.skipped };
  } finally {
    if (outcome.unsaved) await fs.rm(outcome.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
