import type { CoreConfig } from '../config.js';
import { segmentDocument, type IndexedDocument } from '../chunk/chunker.js';
import { createEmbeddings } from '../embed/providers.js';
import { KnowledgeBase, type ProgressFn, type RetrievalOptions } from '../retrieve/knowledgeBase.js';
import { loadSeeds, type SkippedSeed } from '../seeds/loadSeeds.js';
import { oneLine } from '../errors.js';
import { STORE_FORMAT_VERSION, expectedStore, staleReason, type StoreManifest } from './manifest.js';
import { loadStore, readManifest, saveStore } from './vectorStore.js';

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

/**
 * The one way in: reads the seeds, uses the saved store when its manifest matches them and the embedding
 * configuration, and otherwise rebuilds it (saying why in one line). Never answers from a stale index.
 */
export async function openKnowledgeBase(config: CoreConfig, options: OpenOptions = {}): Promise<OpenedKnowledgeBase> {
  const log = options.log ?? (() => undefined);
  const scan = await loadSeeds(config.seedsDir, config.seedMaxBytes, config.rootDir);
  for (const s of scan.skipped) log(`Skipped ${s.source}: ${s.reason}`);
  for (const n of scan.notices) log(`Note on ${n.source}: ${n.reason}`);
  const seeds = Object.fromEntries(scan.documents.map((d) => [d.source, d.sha256]));
  const expected = expectedStore(config, seeds);
  const embeddings = await createEmbeddings(config.embeddings);
  const contents = new Map(scan.documents.map((d) => [d.source, d.content]));

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
  log(`Building the store: ${reason}.`);

  const started = Date.now();
  const documents: IndexedDocument[] = scan.documents.map((d) =>
    segmentDocument({ source: d.source, title: d.title, date: d.date, photo: d.photo, url: d.url, content: d.content, bodyStart: d.bodyStart }),
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
    readerVersion: expected.readerVersion,
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
