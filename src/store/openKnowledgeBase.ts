import path from 'node:path';
import type { CoreConfig } from '../config.js';
import { segmentDocument, type IndexedDocument } from '../chunk/chunker.js';
import { createEmbeddings } from '../embed/providers.js';
import { KnowledgeBase, type ProgressFn, type RetrievalOptions } from '../retrieve/knowledgeBase.js';
import { loadSeeds, type SkippedSeed } from '../seeds/loadSeeds.js';
import { oneLine } from '../errors.js';
import { STORE_FORMAT_VERSION, expectedStore, staleReason, type StoreManifest } from './manifest.js';
import { withRebuildLock } from './rebuildLock.js';
import { currentGeneration, loadStore, readManifest, saveStore } from './vectorStore.js';

export interface OpenOptions {
  /** Rebuild even if the store is up to date. */
  force?: boolean;
  /** One-line notices: skipped seeds, why the store is rebuilt. */
  log?: (line: string) => void;
  onProgress?: ProgressFn;
}

export interface OpenedKnowledgeBase {
  kb: KnowledgeBase;
  manifest: StoreManifest;
  /** Why the store was rebuilt, or null when the saved one was used. */
  rebuiltBecause: string | null;
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

async function openUnshared(config: CoreConfig, options: OpenOptions): Promise<OpenedKnowledgeBase> {
  const log = options.log ?? (() => undefined);
  const scan = await loadSeeds(config.seedsDir, config.seedMaxBytes, config.rootDir, config.seedMaxPages);
  for (const s of scan.skipped) log(`Skipped ${s.source}: ${s.reason}`);
  for (const n of scan.notices) log(`Note on ${n.source}: ${n.reason}`);
  const seeds = Object.fromEntries(scan.documents.map((d) => [d.source, d.sha256]));
  const expected = expectedStore(config, seeds);
  const embeddings = await createEmbeddings(config.embeddings);
  const contents = new Map(scan.documents.map((d) => [d.source, d.content]));

  const seenGeneration = await currentGeneration(config.vectorstoreDir);
  let reason: string | null = options.force ? 'rebuild requested' : null;
  if (!reason) {
    const manifest = await readManifest(config.vectorstoreDir);
    reason = manifest ? staleReason(manifest, expected) : 'no store yet';
  }
  if (!reason) {
    try {
      const loaded = await loadStore(config.vectorstoreDir, embeddings, contents, retrievalOptions(config));
      return { ...loaded, rebuiltBecause: null, skipped: scan.skipped };
    } catch (error) {
      reason = `store unreadable (${oneLine(error)})`;
    }
  }

  const why = reason;
  return withRebuildLock(config.vectorstoreDir, async () => {
    // Another process may have switched CURRENT since it was read (it held the lock, or it just finished):
    // a store it built after this request, matching these seeds and settings, is used rather than rebuilt.
    if ((await currentGeneration(config.vectorstoreDir)) !== seenGeneration) {
      const manifest = await readManifest(config.vectorstoreDir);
      if (manifest && !staleReason(manifest, expected)) {
        try {
          const loaded = await loadStore(config.vectorstoreDir, embeddings, contents, retrievalOptions(config));
          log('Another process rebuilt the store meanwhile; using its build.');
          return { ...loaded, rebuiltBecause: null, skipped: scan.skipped };
        } catch {
          // unreadable: build it here
        }
      }
    }
    return build(config, options, why, scan, seeds, expected.readerVersion, embeddings);
  }, log);
}

async function build(
  config: CoreConfig,
  options: OpenOptions,
  reason: string,
  scan: Awaited<ReturnType<typeof loadSeeds>>,
  seeds: Record<string, string>,
  readerVersion: StoreManifest['readerVersion'],
  embeddings: Awaited<ReturnType<typeof createEmbeddings>>,
): Promise<OpenedKnowledgeBase> {
  const log = options.log ?? (() => undefined);
  log(`Building the store: ${reason}.`);

  const started = Date.now();
  const documents: IndexedDocument[] = scan.documents.map((d) =>
    segmentDocument({ source: d.source, title: d.title, date: d.date, photo: d.photo, url: d.url, content: d.content, bodyStart: d.bodyStart, pageStarts: d.pageStarts }),
  );
  const chunking = { targetChars: config.chunkTargetChars, overlapSentences: config.chunkOverlapSentences };
  const kb = await KnowledgeBase.build(documents, embeddings, chunking, retrievalOptions(config), options.onProgress);
  const dimensions = kb.size > 0 ? kb.vectors.index.getNumDimensions() : config.embeddings.dimensions;
  const built: StoreManifest = {
    formatVersion: STORE_FORMAT_VERSION,
    embedding: { provider: config.embeddings.provider, model: config.embeddings.model, dimensions },
    chunking,
    hnswM: config.hnswM,
    seeds,
    readerVersion,
    documents: documents.map((d) => ({
      source: d.source,
      title: d.title,
      date: d.date,
      photo: d.photo,
      url: d.url,
      sentences: d.sentences.length,
      chunks: kb.chunksBySource.get(d.source)?.length ?? 0,
    })),
    skipped: scan.skipped,
    chunkCount: kb.size,
    builtAt: new Date().toISOString(),
    buildMs: Date.now() - started,
  };
  let manifest = built;
  try {
    manifest = await saveStore(config.vectorstoreDir, kb, built);
  } catch (error) {
    // A read-only or full disk must not stop the briefing: serve what was just built, and say so once.
    log(`Could not save the store to ${config.vectorstoreDir} (${oneLine(error)}); serving it from memory, and it will be rebuilt at the next start.`);
  }
  return { kb, manifest, rebuiltBecause: reason, skipped: scan.skipped };
}
